import Fluent
import Vapor

/// Issuing personal access tokens: one place for the account page and `reachable tokens create`.
enum APITokens {
    /// Prefixed so a leaked token is recognisable in logs and secret scanners; 256 random bits follow.
    static let prefix = "rch_"
    static let lifetimeDays = 1...365
    static let nameLimit = 80

    struct Issued: Sendable {
        let token: APIToken
        /// Shown once, never stored.
        let secret: String
    }

    /// Checks the name and lifetime the person chose; problems keyed by the form's field ids.
    static func check(name: String?, expiresInDays: String?) -> Result<(String, Int), FieldErrors> {
        var errors = FieldErrors()
        let name = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > nameLimit {
            errors.add("tokenName", "Enter a name for the token, up to \(nameLimit) characters, such as Police referral feed")
        }
        let days = Int((expiresInDays ?? "").trimmingCharacters(in: .whitespaces))
        if days.map({ !lifetimeDays.contains($0) }) ?? true {
            errors.add("expiresInDays", "Enter how many days the token lasts, 1 to 365")
        }
        guard errors.isEmpty, let days else { return .failure(errors) }
        return .success((name, days))
    }

    /// Stores a new token and its audit entry in one transaction.
    static func issue(userID: UUID, name: String, days: Int, readOnly: Bool, entry: AuditEntry, now: Date,
                      writes: WriteGate, on db: any Database) async throws -> Issued {
        let secret = prefix + SecretToken.make()
        let token = APIToken(userID: userID, name: name, tokenHash: SecretToken.hash(secret), readOnly: readOnly,
                             createdAt: now, expiresAt: now.addingTimeInterval(TimeInterval(days) * 86_400))
        try await writes.transaction(on: db) { db in
            try await token.create(on: db)
            var entry = entry
            entry.objectID = token.id!.uuidString
            entry.detail = "\"\(name)\", \(days) days" + (readOnly ? ", read-only" : "")
            try await Audit.append(entry, on: db, at: now)
        }
        return Issued(token: token, secret: secret)
    }
}

/// The account page's tokens: create one after re-entering the password and a TOTP code (ASVS v5.0.0-7.5.1,
/// re-authentication before a sensitive change), list them, revoke one.
struct APITokensController {
    /// Wrong passwords or codes on this form before a pause, per user.
    static let reauthAttempts = 5

    func register(_ routes: any RoutesBuilder) {
        routes.on(.POST, .accountTokens, access: .signedIn, use: create)
        routes.on(.POST, .accountTokenRevoke(nil), access: .signedIn, use: revoke)
    }

    struct Form: Content {
        var tokenName: String?
        var expiresInDays: String?
        var readOnly: String?
        var password: String?
        var code: String?
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        var errors = FieldErrors()
        let checked = APITokens.check(name: form.tokenName, expiresInDays: form.expiresInDays)
        if case let .failure(problems) = checked { for (id, message) in problems.entries { errors.add(id, message) } }
        if try await !reauthenticate(req, user: user, password: form.password ?? "", code: form.code ?? "", errors: &errors) {
            try await req.audit(.apiTokenRefused, outcome: .refused, objectType: .user, objectID: user.id.uuidString,
                                detail: "re-authentication failed")
        }
        guard errors.isEmpty, case let .success((name, days)) = checked else {
            return try await AccountController.render(req, tokenForm: form, errors: errors, status: .unprocessableEntity)
        }
        let issued = try await APITokens.issue(
            userID: user.id, name: name, days: days, readOnly: form.readOnly == "yes",
            entry: req.auditEntry(.apiTokenCreated, objectType: .apiToken), now: req.now,
            writes: req.application.writes, on: req.db)
        let response = try await AccountController.render(req, tokenForm: nil, errors: FieldErrors(), newToken: issued.secret, status: .created)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The password and a fresh TOTP code, both right; wrong ones count towards a pause.
    private func reauthenticate(_ req: Request, user: CurrentUser, password: String, code: String,
                                errors: inout FieldErrors) async throws -> Bool {
        if let wait = try await RateLimiter.hit("reauth:\(user.id.uuidString)", limit: Self.reauthAttempts, window: 15 * 60, req: req) {
            throw TooManyAttempts(retryAfter: wait)
        }
        guard let stored = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        let hasher = try PasswordHasher(cost: req.application.settings.bcryptCost)
        var passed = true
        if password.isEmpty || !(stored.passwordHash.map { hasher.verify(password, against: $0) } ?? false) {
            errors.add("password", "Enter your current password")
            passed = false
        }
        let secret = try stored.totpSecret.map { Base32.decode(try req.application.cipher.open($0)) ?? [] } ?? []
        let counter = TOTP.verify(code.trimmingCharacters(in: .whitespaces), secret: secret, at: req.now,
                                  lastUsed: stored.totpLastCounter.map(UInt64.init))
        if let counter {
            let userID = user.id
            try await req.write { db in
                try await User.query(on: db).filter(\.$id == userID).set(\.$totpLastCounter, to: Int64(counter)).update()
            }
        } else {
            errors.add("code", "Enter the current code from your authenticator app")
            passed = false
        }
        return passed
    }

    func revoke(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("tokenID", as: UUID.self),
              try await APIToken.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.id)
                .filter(\.$revokedAt == nil).count() == 1 else {
            // Only the person's own tokens: anyone else's is "not found".
            throw Abort(.notFound)
        }
        let entry = req.auditEntry(.apiTokenRevoked, objectType: .apiToken, objectID: id.uuidString)
        let now = req.now
        try await req.write { db in
            try await APIToken.query(on: db).filter(\.$id == id).set(\.$revokedAt, to: now).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.account.path + "#tokens")
    }
}
