import Domain
import Fluent
import SQLKit
import Vapor

/// The second step of signing in: a TOTP code (or a one-time recovery code), or, for a new account, setting up
/// the authenticator and receiving recovery codes.
struct SecondFactorController {
    static let recoveryCodeCount = 10

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .signInCode, access: .secondFactor, use: showCode)
        routes.on(.POST, .signInCode, access: .secondFactor, use: submitCode)
        routes.on(.GET, .signInEnrol, access: .secondFactor, use: showEnrol)
        routes.on(.POST, .signInEnrol, access: .secondFactor, use: submitEnrol)
    }

    func showCode(req: Request) async throws -> Response {
        let user = try await pendingUser(req)
        guard user.totpEnabled else { return req.redirect(to: SiteURL.signInEnrol.path) }
        return try await renderCode(req, field: FormField("code"))
    }

    func submitCode(req: Request) async throws -> Response {
        struct Form: Content { var code: String? }
        let typed = try (req.content.decode(Form.self).code ?? "").trimmingCharacters(in: .whitespaces)
        let user = try await pendingUser(req)
        guard user.totpEnabled, let sealed = user.totpSecret else { return req.redirect(to: SiteURL.signInEnrol.path) }
        if typed.isEmpty {
            return try await renderCode(req, field: FormField("code", error: "Enter the code from your authenticator app"))
        }
        // An attempt is claimed before the code is checked (`SignInAttempts`): a burst of codes cannot outrun the
        // lockout. A full sign-in starts the count again.
        let userID = try user.requireID()
        guard try await SignInAttempts.claim(userID, req: req) else {
            try await SignInAttempts.refuse(userID, req: req)
            return try await renderCode(req, field: FormField("code", error: Self.wrongCode), status: .unprocessableEntity)
        }
        let secret = try Base32.decode(req.application.cipher.open(sealed)) ?? []
        let now = req.now
        do {
            return try await claimCode(req, user: user, typed: typed, secret: secret, now: now)
        } catch is CodeAlreadyUsed {
            return try await refuse(req, user: user, why: "code already used")
        }
    }

    /// Signs in with an authenticator or recovery code, claiming it once; a wrong code is refused.
    private func claimCode(_ req: Request, user: User, typed: String, secret: [UInt8], now: Date) async throws -> Response {
        let userID = try user.requireID()
        if let counter = TOTP.verify(typed, secret: secret, at: now, lastUsed: user.totpLastCounter.map(UInt64.init)) {
            return try await complete(req, user: user, detail: "authenticator code") { db in
                // One statement claims the code: of two sign-ins with the same code at the same instant, on any
                // instances, only the first finds the counter still below it.
                let claimed = try await (db as! any SQLDatabase).update(User.schema).set("totp_last_counter", to: Int64(counter))
                    .where("id", .equal, userID)
                    .where { $0.where("totp_last_counter", .is, SQLLiteral.null).orWhere("totp_last_counter", .lessThan, Int64(counter)) }
                    .returning("id").all()
                guard !claimed.isEmpty else { throw CodeAlreadyUsed() }
            }
        }
        let folded = RecoveryCodes.fold(typed)
        if folded.count == RecoveryCodes.length,
           let code = try await RecoveryCode.query(on: req.db).filter(\.$user.$id == userID)
               .filter(\.$codeHash == SecretToken.hash(folded)).filter(\.$usedAt == nil).first() {
            let codeID = try code.requireID()
            return try await complete(req, user: user, detail: "recovery code") { db in
                // Only the first of two simultaneous uses of one code succeeds: one statement claims it.
                let claimed = try await (db as! any SQLDatabase).update(RecoveryCode.schema).set("used_at", to: now)
                    .where("id", .equal, codeID).where("used_at", .is, SQLLiteral.null).returning("id").all()
                guard !claimed.isEmpty else { throw CodeAlreadyUsed() }
            }
        }
        return try await refuse(req, user: user, why: "wrong code")
    }

    func showEnrol(req: Request) async throws -> Response {
        let user = try await pendingUser(req)
        if user.totpEnabled { return req.redirect(to: SiteURL.signInCode.path) }
        let secret = try await pendingSecret(for: user, req: req)
        return try await renderEnrol(req, user: user, secret: secret, field: FormField("code"))
    }

    func submitEnrol(req: Request) async throws -> Response {
        struct Form: Content { var code: String? }
        let typed = try req.content.decode(Form.self).code ?? ""
        let user = try await pendingUser(req)
        if user.totpEnabled { return req.redirect(to: SiteURL.signInCode.path) }
        let secret = try await pendingSecret(for: user, req: req)
        guard let counter = TOTP.verify(typed, secret: secret, at: req.now, lastUsed: nil) else {
            let message = typed.isEmpty ? "Enter the 6-digit code from your authenticator app"
                : "That code is not right: check the key you typed and that your phone's clock is correct"
            return try await renderEnrol(req, user: user, secret: secret, field: FormField("code", error: message))
        }
        let userID = try user.requireID()
        let codes = RecoveryCodes.make(count: Self.recoveryCodeCount)
        let response: Response
        do {
            response = try await complete(req, user: user, detail: "authenticator set up", action: .mfaEnrolled) { db in
                // One statement enrols: of two submissions at once (a double click, two instances), only the first
                // stores and shows recovery codes; the other is sent on to sign in with a code.
                let enrolled = try await (db as! any SQLDatabase).update(User.schema).set("totp_enabled", to: true)
                    .set("totp_last_counter", to: Int64(counter))
                    .where("id", .equal, userID).where("totp_enabled", .equal, false).returning("id").all()
                guard !enrolled.isEmpty else { throw CodeAlreadyUsed() }
                try await RecoveryCode.query(on: db).filter(\.$user.$id == userID).delete()
                try await codes.map { RecoveryCode(userID: userID, codeHash: SecretToken.hash(RecoveryCodes.fold($0))) }
                    .create(on: db)
            }
        } catch is CodeAlreadyUsed {
            return req.redirect(to: SiteURL.signInCode.path)
        }
        let page = try RecoveryCodesPage(layout: req.layout(title: "Your recovery codes"), codes: codes,
                                     continuePath: SiteURL.home.path)
        let shown = try await req.view.render("auth/recovery-codes", page).encodeResponse(for: req)
        shown.cookies = response.cookies
        return shown
    }

    // MARK: - Steps

    private func pendingUser(_ req: Request) async throws -> User {
        guard let holder = req.sessionHolder, let user = try await User.find(holder.id, on: req.db) else {
            throw Abort(.unauthorized)
        }
        return user
    }

    /// The secret being enrolled is kept sealed on the user until confirmed, so a reload shows the same key.
    private func pendingSecret(for user: User, req: Request) async throws -> [UInt8] {
        if let sealed = user.totpSecret, let secret = Base32.decode(try req.application.cipher.open(sealed)) {
            return secret
        }
        let secret = TOTP.newSecret()
        let sealed = try req.application.cipher.seal(Base32.encode(secret))
        let userID = try user.requireID()
        try await req.write { db in
            try await User.query(on: db).filter(\.$id == userID).set(\.$totpSecret, to: sealed).update()
        }
        return secret
    }

    /// Second factor accepted: a new session id at the new privilege, failures forgotten, the sign-in audited.
    /// Two uses of one code raced and this one lost: it is refused like a wrong code.
    struct CodeAlreadyUsed: Error {}

    private func complete(_ req: Request, user: User, detail: String, action: AuditAction = .signInSuccess,
                          _ change: @Sendable @escaping (any Database) async throws -> Void) async throws -> Response {
        let userID = try user.requireID()
        let now = req.now
        let entry = req.auditEntry(action, objectType: .user, objectID: userID.uuidString, detail: detail,
                                   user: req.sessionHolder)
        let token = try await req.write { db in
            try await change(db)
            try await User.query(on: db).filter(\.$id == userID)
                .set(\.$failedAttempts, to: 0).set(\.$lockedUntil, to: nil).set(\.$lastSignInAt, to: now).update()
            let token = try await Sessions.start(for: user, stage: .signedIn, req: req, on: db)
            try await Audit.append(entry, on: db, at: now)
            return token
        }
        // A form kept when the last session timed out is the first thing to see.
        let waiting = try await KeptSubmissions.waiting(for: userID, now: now, on: req.db)
        let response = req.redirect(to: waiting.isEmpty ? SiteURL.home.path : SiteURL.kept.path)
        try SessionCookie.set(token, on: response, for: req)
        return response
    }

    static let wrongCode = "That code is not right. After 5 wrong attempts the account is locked for 15 minutes."

    /// A claimed attempt whose code was wrong or already used.
    private func refuse(_ req: Request, user: User, why: String) async throws -> Response {
        try await SignInAttempts.fail(try user.requireID(), why: why, req: req)
        return try await renderCode(req, field: FormField("code", error: Self.wrongCode), status: .unprocessableEntity)
    }

    private func renderCode(_ req: Request, field: FormField, status: HTTPStatus = .ok) async throws -> Response {
        let page = try CodePage(layout: req.layout(title: "Enter your code"), action: SiteURL.signInCode.path,
                            code: field.drawn("Code from your authenticator app",
                                              hint: "6 digits. Lost your phone? Enter one of your recovery codes instead.",
                                              ["autocomplete": "one-time-code", "spellcheck": "false", "class": "input--code"]),
                            errorLinks: [field].errorLinks)
        return try await req.view.render("auth/code", page).encodeResponse(status: status, for: req)
    }

    private func renderEnrol(_ req: Request, user: User, secret: [UInt8], field: FormField) async throws -> Response {
        let encoded = Base32.encode(secret)
        let groups = stride(from: 0, to: encoded.count, by: 4).map { start -> String in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            let to = encoded.index(from, offsetBy: min(4, encoded.count - start))
            return String(encoded[from..<to])
        }.joined(separator: " ")
        let page = try EnrolPage(layout: req.layout(title: "Set up your authenticator"), action: SiteURL.signInEnrol.path,
                             secretGroups: groups, provisioningURI: TOTP.provisioningURI(secret: secret, account: user.email),
                             code: field.drawn("The 6-digit code the app now shows",
                                               ["inputmode": "numeric", "autocomplete": "one-time-code", "class": "input--code"]),
                             errorLinks: [field].errorLinks)
        let status: HTTPStatus = field.error == nil ? .ok : .unprocessableEntity
        return try await req.view.render("auth/enrol", page).encodeResponse(status: status, for: req)
    }
}

/// Recovery codes: 16 characters of base32 (80 bits), shown in groups of four, compared without dashes or case.
enum RecoveryCodes {
    static let length = 16

    static func make(count: Int) -> [String] {
        (0..<count).map { _ in
            let raw = String(Base32.encode(SecretToken.randomBytes(10)).prefix(length))
            return stride(from: 0, to: length, by: 4).map { start in
                let from = raw.index(raw.startIndex, offsetBy: start)
                return String(raw[from..<raw.index(from, offsetBy: 4)])
            }.joined(separator: "-")
        }
    }

    static func fold(_ typed: String) -> String {
        typed.uppercased().filter { $0.isLetter || $0.isNumber }
    }
}

struct CodePage: Encodable {
    let layout: Layout
    let action: String
    let code: FormField
    let errorLinks: [FormErrorLink]?
}

struct EnrolPage: Encodable {
    let layout: Layout
    let action: String
    let secretGroups: String
    let provisioningURI: String
    let code: FormField
    let errorLinks: [FormErrorLink]?
}

struct RecoveryCodesPage: Encodable {
    let layout: Layout
    let codes: [String]
    let continuePath: String
}
