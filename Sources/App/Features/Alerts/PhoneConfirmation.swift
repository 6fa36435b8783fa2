import Domain
import Fluent
import SQLKit
import Vapor

/// A new mobile number is used for alerts only once its owner has typed back the code texted to it: a slip of the
/// finger (or a colleague's number typed on purpose) must not send someone else a lone worker's alerts, nor let them
/// answer "OK" for the worker. A number already another person's is refused outright.
enum PhoneConfirmation {
    static let lifetime: TimeInterval = 15 * 60
    static let attempts = 5

    /// Whether another person holds this number, confirmed or waiting. Numbers are sealed, so the few that exist are
    /// opened and compared (a service has hundreds of staff, not millions).
    static func heldByAnother(_ number: String, userID: UUID, cipher: FieldCipher, on db: any Database) async throws -> Bool {
        let others = try await User.query(on: db).filter(\.$id != userID).group(.or) {
            $0.filter(\.$alertPhone != nil).filter(\.$alertPhonePending != nil)
        }.all()
        return try others.contains { other in
            try [other.alertPhone, other.alertPhonePending].compactMap { $0 }.contains { try cipher.open($0) == number }
        }
    }

    /// Starts confirming a number, in the caller's transaction: the code (stored hashed) and its text message, queued.
    static func start(_ number: String, for user: User, cipher: FieldCipher, now: Date, on db: any Database) async throws {
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        try await User.query(on: db).filter(\.$id == user.id!)
            .set(\.$alertPhonePending, to: try cipher.seal(number)).set(\.$alertPhoneCode, to: hash(code, user.id!))
            .set(\.$alertPhoneCodeExpires, to: now.addingTimeInterval(lifetime)).set(\.$alertPhoneCodeAttempts, to: 0).update()
        try await AlertOutbox.queueConfirmationCode(code, to: number, for: user, cipher: cipher, now: now, on: db)
    }

    enum Outcome { case confirmed, wrong, expired, none }

    /// Checks a typed code, counting the attempt first (one conditional statement), so that simultaneous guesses
    /// cannot pass the limit.
    static func confirm(_ typed: String, userID: UUID, now: Date, on db: any Database) async throws -> Outcome {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.raw("""
            UPDATE users SET alert_phone_code_attempts = alert_phone_code_attempts + 1
            WHERE id = \(bind: userID) AND alert_phone_pending IS NOT NULL AND alert_phone_code_attempts < \(bind: attempts)
            RETURNING alert_phone_code, alert_phone_code_expires
            """).first() else { return .none }
        guard let expires = try row.decode(column: "alert_phone_code_expires", as: Date?.self), expires > now else { return .expired }
        let stored = try row.decode(column: "alert_phone_code", as: String?.self) ?? ""
        let digits = typed.filter { $0.isASCII && $0.isNumber }
        guard SecretToken.constantTimeEquals(hash(digits, userID), stored) else { return .wrong }
        try await sql.raw("""
            UPDATE users SET alert_phone = alert_phone_pending, alert_phone_pending = NULL, alert_phone_code = NULL,
                alert_phone_code_expires = NULL, alert_phone_code_attempts = NULL
            WHERE id = \(bind: userID)
            """).run()
        return .confirmed
    }

    private static func hash(_ code: String, _ userID: UUID) -> String {
        SecretToken.hash(userID.uuidString + ":" + code)
    }
}
