import Crypto
import Foundation
import Vapor

/// bcrypt reads only the first 72 bytes of a password (ASVS v5.0.0-6.2.8/6.2.9). We hash the password with
/// SHA-256 first and give bcrypt the 44-character base64 digest, so every character of a long password counts,
/// and base64 avoids the NUL bytes that would end bcrypt's input early.
struct PasswordHasher: Sendable {
    let cost: Int

    func hash(_ password: String) throws -> String {
        try Bcrypt.hash(Self.prehash(password), cost: cost)
    }

    func verify(_ password: String, against hash: String) -> Bool {
        (try? Bcrypt.verify(Self.prehash(password), created: hash)) ?? false
    }

    /// Spends the same time as a real check, so an unknown email answers as slowly as a wrong password.
    func verifyAgainstNothing(_ password: String) {
        _ = verify(password, against: Self.decoyHash)
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    private static let decoyHash = (try? Bcrypt.hash("reachable-decoy", cost: 12)) ?? ""
}
