import Crypto
import Foundation

/// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps), the second factor of every account
/// (ASVS v5.0.0-6.3.3). SHA-1 is what authenticator apps implement; within HMAC it remains sound.
enum TOTP {
    static let step: TimeInterval = 30
    static let digits = 6

    static func counter(at date: Date) -> UInt64 {
        UInt64(floor(date.timeIntervalSince1970 / step))
    }

    /// RFC 4226 HOTP with dynamic truncation.
    static func code(secret: [UInt8], counter: UInt64, digits: Int = digits) -> String {
        var bigEndian = counter.bigEndian
        let message = withUnsafeBytes(of: &bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The counter the code matched, allowing one step of clock drift either way, or nil. A code whose counter
    /// is not after `lastUsed` is refused, so each code works once (ASVS v5.0.0-6.5.1).
    static func verify(_ typed: String, secret: [UInt8], at date: Date, lastUsed: UInt64?) -> UInt64? {
        let code = typed.filter { !$0.isWhitespace }
        guard code.count == digits, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let now = counter(at: date)
        for candidate in [now, now - 1, now + 1] {
            if let lastUsed, candidate <= lastUsed { continue }
            if SecretToken.constantTimeEquals(self.code(secret: secret, counter: candidate), code) { return candidate }
        }
        return nil
    }

    static func newSecret() -> [UInt8] { SecretToken.randomBytes(20) }

    /// The `otpauth://` address that authenticator apps import, shown as text (no QR code: no scripts, no images
    /// of secrets), with the issuer so the account is recognisable on a phone.
    static func provisioningURI(secret: [UInt8], account: String) -> String {
        let label = "Reachable:\(account)".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "Reachable"
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=Reachable&algorithm=SHA1&digits=6&period=30"
    }
}
