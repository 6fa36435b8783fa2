import Fluent
import Vapor

/// A person's own account: their sessions, ending one, and signing out everywhere (ASVS v5.0.0-7.5.2).
struct AccountController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .account, access: .signedIn, use: show)
        routes.on(.POST, .accountSessionEnd(nil), access: .signedIn, use: endSession)
        routes.on(.POST, .accountSignOutEverywhere, access: .signedIn, use: signOutEverywhere)
    }

    func show(req: Request) async throws -> Response {
        try await Self.render(req, tokenForm: nil, errors: FieldErrors())
    }

    /// The account page; with the token form as typed and its errors, or with a new token shown once.
    static func render(_ req: Request, tokenForm: APITokensController.Form?, errors: FieldErrors, newToken: String? = nil,
                       status: HTTPResponseStatus = .ok) async throws -> Response {
        let page = try await AccountPage.make(user: req.requireUser(), tokenForm: tokenForm, errors: errors, newToken: newToken,
                                              layout: req.layout(title: errors.isEmpty ? "Your account" : "Error: Your account"),
                                              now: req.now, on: req.db)
        return try await req.view.render("account/account", page).encodeResponse(status: status, for: req)
    }

    func endSession(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("sessionID", as: UUID.self) else { throw Abort(.notFound) }
        // Only the person's own sessions: another person's session id is "not found".
        guard try await UserSession.query(on: req.db).filter(\.$id == id).filter(\.$user.$id == user.id)
            .filter(\.$endedAt == nil).count() == 1 else { throw Abort(.notFound) }
        let entry = req.auditEntry(.sessionEndedByUser, objectType: .session, objectID: id.uuidString)
        let now = req.now
        try await req.write { db in
            try await UserSession.query(on: db).filter(\.$id == id).set(\.$endedAt, to: now).update()
            try await Audit.append(entry, on: db, at: now)
        }
        if id == user.sessionID {
            let response = req.redirect(to: SiteURL.signIn.path + "?signed-out=1")
            try SessionCookie.clear(on: response, for: req)
            return response
        }
        return req.redirect(to: SiteURL.account.path)
    }

    func signOutEverywhere(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let entry = req.auditEntry(.signOutEverywhere, objectType: .user, objectID: user.id.uuidString)
        let now = req.now
        try await req.write { db in
            try await Sessions.endAll(of: user.id, at: now, on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        let response = req.redirect(to: SiteURL.signIn.path + "?signed-out=1")
        try SessionCookie.clear(on: response, for: req)
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\", \"cookies\", \"storage\"")
        return response
    }

}

struct AccountPage: Encodable {
    struct Session: Encodable {
        let started: String
        let lastSeen: String
        let address: String
        let browser: String
        let current: Bool
        let endPath: String
    }

    let layout: Layout
    let name: String
    let email: String
    let role: String
    let region: String
    let sessions: [Session]
    let signOutEverywherePath: String

    struct Token: Encodable {
        let name: String
        let created: String
        let expires: String
        let lastUsed: String
        let readOnly: Bool
        let revokePath: String
    }

    /// The new token's form.
    struct TokenFields: Encodable {
        let tokenName, expiresInDays, password, code: FormField
    }

    let tokens: [Token]?
    let tokenAction: String
    let tokenFields: TokenFields
    let tokenReadOnly: Bool
    let errorLinks: [FormErrorLink]?
    /// A token just created: shown this once.
    let newToken: String?
}

extension AccountPage {
    /// The person's open sessions (the one `user` is signed in with marked), their API tokens still in date at `now`,
    /// and the new-token form: as typed with its `errors`, or with `newToken` shown once.
    static func make(user: CurrentUser, tokenForm: APITokensController.Form?, errors: FieldErrors, newToken: String?,
                     layout: Layout, now: Date, on db: any Database) async throws -> AccountPage {
        let sessions = try await UserSession.query(on: db).filter(\.$user.$id == user.id)
            .filter(\.$endedAt == nil).filter(\.$stage == .signedIn).sort(\.$lastSeenAt, .descending).all()
        let rows = try sessions.map { session in
            let id = try session.requireID()
            return Session(
                started: DateFormats.shown(session.createdAt), lastSeen: DateFormats.shown(session.lastSeenAt),
                address: session.address, browser: session.userAgent.isEmpty ? "Unknown" : session.userAgent,
                current: id == user.sessionID, endPath: SiteURL.accountSessionEnd(id).path)
        }
        let tokens = try await APIToken.query(on: db).filter(\.$user.$id == user.id).filter(\.$revokedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
        let tokenRows = try tokens.map { token in
            Token(name: token.name, created: DateFormats.shown(token.createdAt), expires: DateFormats.shown(token.expiresAt),
                  lastUsed: token.lastUsedAt.map(DateFormats.shown) ?? "Never", readOnly: token.readOnly,
                  revokePath: SiteURL.accountTokenRevoke(try token.requireID()).path)
        }
        let fields = TokenFields(
            tokenName: FormField("tokenName", value: tokenForm?.tokenName ?? "", error: errors["tokenName"])
                .drawn("Name", hint: "What the token is for, such as Police referral feed.", ["maxlength": "80"]),
            expiresInDays: FormField("expiresInDays", value: tokenForm?.expiresInDays ?? "90", error: errors["expiresInDays"])
                .drawn("Days until it expires", ["inputmode": "numeric", "class": "input--code"]),
            password: FormField("password", error: errors["password"])
                .drawn("Your password", as: .password, ["autocomplete": "current-password"]),
            code: FormField("code", error: errors["code"])
                .drawn("Code from your authenticator app", ["inputmode": "numeric", "autocomplete": "one-time-code", "class": "input--code"]))
        return AccountPage(layout: layout, name: user.displayName, email: user.email,
                           role: user.role.label, region: user.regionName ?? "All regions", sessions: rows,
                           signOutEverywherePath: SiteURL.accountSignOutEverywhere.path,
                           tokens: tokenRows.isEmpty ? nil : tokenRows, tokenAction: SiteURL.accountTokens.path,
                           tokenFields: fields, tokenReadOnly: tokenForm?.readOnly == "yes",
                           errorLinks: [fields.tokenName, fields.expiresInDays, fields.password, fields.code].errorLinks,
                           newToken: newToken)
    }
}
