import Crypto
import Foundation

/// Random secrets (session ids, set-up links, CSRF tokens, recovery codes) and the hashes we store instead.
enum SecretToken {
    /// 256 bits from the system's secure generator, base64url without padding: safe in cookies and URLs.
    static func make(bytes count: Int = 32) -> String {
        base64URL(randomBytes(count))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Tokens carry at least 128 bits of entropy, so a plain SHA-256 is enough to store them (no salt needed).
    static func hash(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }

    /// Comparison whose time does not depend on where the first difference is.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
