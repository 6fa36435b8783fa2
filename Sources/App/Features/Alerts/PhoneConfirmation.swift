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

    /// Whether another person has confirmed this number. Numbers are sealed, so the few that exist are opened and
    /// compared (a service has hundreds of staff, not millions).
    static func heldByAnother(_ number: String, userID: UUID, cipher: FieldCipher, on db: any Database) async throws -> Bool {
        try await User.query(on: db).filter(\.$id != userID).filter(\.$alertPhone != nil).all()
            .contains { try cipher.open($0.alertPhone!) == number }
    }

    /// Codes cost a text message each and may be sent to any number: one a minute, five an hour, per person.
    static func tooSoon(for person: User, now: Date, on db: any Database) async throws -> String? {
        if let expires = person.alertPhoneCodeExpires, expires.addingTimeInterval(-lifetime) > now.addingTimeInterval(-60) {
            return "A code was texted less than a minute ago: wait a minute before asking for another"
        }
        let lastHour = try await AlertMessageRecord.query(on: db).filter(\.$userID == person.id).filter(\.$alertID == nil)
            .filter(\.$channel == .sms).filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        return lastHour >= 5 ? "Five codes have been texted to you in the last hour: try again later" : nil
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
