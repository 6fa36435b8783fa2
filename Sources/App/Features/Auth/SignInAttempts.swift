import Fluent
import SQLKit
import Vapor

/// The lockout: five failed attempts in a row (passwords and codes together) lock the account for 15 minutes.
///
/// An attempt claims one of the account's five before its password or code is checked, in one statement, and
/// gives it back if it succeeds. Checking first and counting after let a burst of 25 simultaneous guesses through
/// (every one checked, the right password accepted after the lock): the check is slow on purpose, and every guess
/// arrived while the count still said the account was open. Now simultaneous attempts beyond the fifth are
/// refused unchecked, exactly as a locked account is.
enum SignInAttempts {
    static let maxFailures = 5
    static let lockout: TimeInterval = 15 * 60

    /// Claims one attempt; false when the account is locked or its five attempts are all claimed.
    static func claim(_ userID: UUID, req: Request) async throws -> Bool {
        let now = req.now
        return try await req.write { db in
            try await (db as! any SQLDatabase).update(User.schema).set("failed_attempts", to: SQLRaw("failed_attempts + 1"))
                .where("id", .equal, userID).where("failed_attempts", .lessThan, maxFailures)
                .where { $0.where("locked_until", .is, SQLLiteral.null).orWhere("locked_until", .lessThanOrEqual, now) }
                .returning("id").all().count == 1
        }
    }

    /// The claimed attempt succeeded: it was no failure.
    static func forgive(_ userID: UUID, req: Request) async throws {
        try await req.write { db in
            try await (db as! any SQLDatabase).update(User.schema)
                .set("failed_attempts", to: SQLRaw("CASE WHEN failed_attempts > 0 THEN failed_attempts - 1 ELSE 0 END"))
                .where("id", .equal, userID).run()
        }
    }

    /// The claimed attempt failed: audited, and if the account's attempts are all used, it is locked (once, by one
    /// statement, whichever failure gets there first) and its count starts again.
    static func fail(_ userID: UUID, why: String, req: Request) async throws {
        let now = req.now
        let failure = req.auditEntry(.signInFailure, outcome: .failure, objectType: .user, objectID: userID.uuidString,
                                     detail: why, user: nil)
        let lock = req.auditEntry(.accountLocked, outcome: .refused, objectType: .user, objectID: userID.uuidString,
                                  detail: "\(maxFailures) failed attempts; locked for \(Int(lockout / 60)) minutes", user: nil)
        try await req.write { db in
            try await Audit.append(failure, on: db, at: now)
            let locked = try await (db as! any SQLDatabase).update(User.schema).set("failed_attempts", to: 0)
                .set("locked_until", to: now.addingTimeInterval(lockout))
                .where("id", .equal, userID).where("failed_attempts", .greaterThanOrEqual, maxFailures)
                .returning("id").all()
            guard !locked.isEmpty else { return }
            try await Sessions.endAll(of: userID, at: now, keepingTokens: true, on: db)
            try await Audit.append(lock, on: db, at: now)
        }
    }

    /// An attempt refused unchecked (the account locked, or all its attempts in flight): audited, not counted.
    static func refuse(_ userID: UUID, req: Request) async throws {
        try await req.audit(.signInFailure, outcome: .refused, objectType: .user, objectID: userID.uuidString,
                            detail: "account locked", user: nil)
    }
}
