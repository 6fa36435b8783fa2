import Fluent
import SQLKit
import Vapor

/// Password, then second factor. Wrong passwords and wrong codes count together towards the lockout, and
/// every attempt is audited with time and address (ASVS v5.0.0-6.3.1, 16.3.1).
struct SignInController {
    static let failureMessage = "The email address or password is not right"

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .signIn, access: .open, use: show)
        routes.on(.POST, .signIn, access: .open, use: submit)
        routes.on(.POST, .signOut, access: .signedIn, use: signOut)
    }

    func show(req: Request) async throws -> Response {
        if req.currentUser != nil { return req.redirect(to: SiteURL.home.path) }
        let notice: String? = if req.query[String.self, at: "signed-out"] != nil {
            "You have signed out."
        } else if req.query[String.self, at: "kept"] != nil {
            "If your session ended before what you sent was saved, it is kept for you: sign in again to check it and save it."
        } else if req.storage[SessionEndedKey.self] == true {
            "Your session ended. Sign in again to carry on."
        } else { nil }
        return try await render(req, email: FormField("email"), password: FormField("password"), notice: notice)
    }

    func submit(req: Request) async throws -> Response {
        struct Form: Content { var email: String?; var password: String? }
        let form = try req.content.decode(Form.self)
        let email = User.normalise(email: form.email ?? "")
        let password = form.password ?? ""
        var emailField = FormField("email", value: email)
        var passwordField = FormField("password")
        if email.isEmpty { emailField.error = "Enter your email address" }
        if password.isEmpty { passwordField.error = "Enter your password" }
        if emailField.error != nil || passwordField.error != nil {
            return try await render(req, email: emailField, password: passwordField, status: .unprocessableEntity)
        }
        let settings = try req.application.settings
        if let wait = try await RateLimiter.hit("sign-in:\(req.clientAddress)", limit: settings.signInAttemptsPerAddress,
                                                window: settings.signInWindow, req: req) {
            try await req.audit(.signInRateLimited, outcome: .refused, detail: "email \(email.prefix(100))")
            throw TooManyAttempts(retryAfter: wait)
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        let hasher = PasswordHasher(cost: settings.bcryptCost)
        guard let user, let hash = user.passwordHash, !user.disabled else {
            hasher.verifyAgainstNothing(password)
            try await req.audit(.signInFailure, outcome: .failure, detail: "unknown or disabled account \(email.prefix(100))")
            passwordField.error = Self.failureMessage
            return try await render(req, email: emailField, password: passwordField, status: .unprocessableEntity)
        }
        let userID = try user.requireID()
        guard try await SignInAttempts.claim(userID, req: req) else {
            // The password is checked all the same, and its answer ignored: a locked account must take as long to
            // refuse as any other, or the time tells who has an account.
            _ = hasher.verify(password, against: hash)
            try await SignInAttempts.refuse(userID, req: req)
            passwordField.error = Self.failureMessage
            return try await render(req, email: emailField, password: passwordField, status: .unprocessableEntity)
        }
        guard hasher.verify(password, against: hash) else {
            try await SignInAttempts.fail(userID, why: "wrong password", req: req)
            passwordField.error = Self.failureMessage
            return try await render(req, email: emailField, password: passwordField, status: .unprocessableEntity)
        }
        try await SignInAttempts.forgive(userID, req: req)
        // The per-address limit is a limit on failures: this attempt was counted before its password was checked.
        try await RateLimiter.forgive("sign-in:\(req.clientAddress)", req: req)
        let entry = req.auditEntry(.signInPasswordAccepted, objectType: .user, objectID: user.id!.uuidString)
        let now = req.now
        let token = try await req.write { db in
            let token = try await Sessions.start(for: user, stage: .secondFactor, req: req, on: db)
            try await Audit.append(entry, on: db, at: now)
            return token
        }
        let response = req.redirect(to: user.totpEnabled ? SiteURL.signInCode.path : SiteURL.signInEnrol.path)
        try SessionCookie.set(token, on: response, for: req)
        return response
    }

    func signOut(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let entry = req.auditEntry(.signOut, objectType: .session, objectID: user.sessionID.uuidString)
        let now = req.now
        try await req.write { db in
            try await UserSession.query(on: db).filter(\.$id == user.sessionID).set(\.$endedAt, to: now).update()
            try await Audit.append(entry, on: db, at: now)
        }
        let response = req.redirect(to: SiteURL.signIn.path + "?signed-out=1")
        try SessionCookie.clear(on: response, for: req)
        // ASVS v5.0.0-14.3.1: the browser drops what it held of this person's pages.
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\", \"cookies\", \"storage\"")
        return response
    }

    private func render(_ req: Request, email: FormField, password: FormField, notice: String? = nil,
                        status: HTTPStatus = .ok) async throws -> Response {
        let page = try SignInPage(layout: req.layout(title: "Sign in"), action: SiteURL.signIn.path,
                              email: email.drawn("Email address", as: .email, ["autocomplete": "username", "spellcheck": "false"]),
                              password: password.drawn("Password", as: .password, ["autocomplete": "current-password"]),
                              errorLinks: [email, password].errorLinks, notice: notice)
        return try await req.view.render("auth/sign-in", page).encodeResponse(status: status, for: req)
    }
}

struct SignInPage: Encodable {
    let layout: Layout
    let action: String
    let email: FormField
    let password: FormField
    let errorLinks: [FormErrorLink]?
    let notice: String?
}
