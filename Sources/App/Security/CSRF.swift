import Crypto
import Vapor

/// Cross-site request forgery defence for every state-changing form (ASVS v5.0.0-3.5.1-3.5.3): the browser must
/// say the request is same-origin when it says anything, and the form must carry the synchronizer token of the
/// session (or, before signing in, of the pre-session cookie). Refusals change nothing and are audited.
struct CSRFMiddleware: AsyncMiddleware {
    static let field = "_csrf"
    static let anonymousCookie = "reachable_csrf"
    /// The most a request without a session may send: the sign-in and set-up forms are a few hundred bytes, and
    /// nobody unauthenticated may make the server hold a route's larger limit (an upload's 50 MB).
    static let anonymousBodyLimit = 64 * 1024

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The API authenticates by bearer token, and a provider's webhooks by their signature: neither comes from a browser.
        if ![.GET, .HEAD, .OPTIONS].contains(req.method), !req.url.path.hasPrefix("/api/"), !req.url.path.hasPrefix("/webhooks/"),
           let refusal = try await verify(req) {
            return refusal
        }
        let response = try await next.respond(to: req)
        if let fresh = req.storage[FreshAnonymousToken.self] {
            response.cookies[Self.anonymousCookie] = HTTPCookies.Value(
                string: fresh, path: "/", isSecure: try req.arrivedOverTLS, isHTTPOnly: true, sameSite: .strict)
        }
        return response
    }

    /// Nil when the request may go on; otherwise the response that replaces it.
    private func verify(_ req: Request) async throws -> Response? {
        if let site = req.headers.first(name: "Sec-Fetch-Site"), !["same-origin", "none"].contains(site) {
            try await refuse(req, "cross-site request")
        }
        if let origin = req.headers.first(name: .origin), origin != "null", try !Self.isOwnOrigin(origin, req) {
            try await refuse(req, "foreign origin")
        }
        if req.route?.streamsBody == true {
            // An upload is read by its handler as it streams, so its token comes in the query string (made by the page
            // for this session; pages send no Referer, and logs name routes, never queries).
            let sent = req.query[String.self, at: Self.field] ?? ""
            if let expected = try Self.expectedToken(req), SecretToken.constantTimeEquals(sent, expected) { return nil }
            try await refuse(req, "missing or wrong token")
        }
        let routeLimit = req.route?.maxBodySize ?? req.application.routes.defaultMaxBodySize.value
        // Only a fully signed-in session may send a route's larger limit: the password alone is not enough. A public
        // form that declares its own limit (the partners' form) has that one.
        let publicForm = req.route?.access == .open && req.route?.maxBodySize != nil
        let limit = req.sessionHolder?.stage == .signedIn || publicForm ? routeLimit : min(routeLimit, Self.anonymousBodyLimit)
        if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
            try await tooLarge(req)
        }
        // Collecting stops with 413 as soon as more than `limit` bytes have arrived.
        do { _ = try await req.body.collect(max: limit).get() } catch { try await tooLarge(req) }
        let sent = (try? req.content.get(String.self, at: Self.field)) ?? ""
        if let expected = try Self.expectedToken(req), SecretToken.constantTimeEquals(sent, expected) { return nil }
        if let user = req.sessionHolder, user.stage == .signedIn,
           try await KeptSubmissions.keepFromEarlierSession(req, userID: user.id, sentToken: sent, now: req.now) {
            // A page of this person's earlier session, sent after they signed in again (in another tab, after a
            // timeout): kept for them to check and save, not refused.
            return req.redirect(to: SiteURL.kept.path)
        }
        let sessionCookie = try SessionCookie.name(for: req)
        if req.sessionHolder == nil, req.storage[SessionEndedKey.self] == true || req.cookies[sessionCookie] != nil {
            // The form belonged to a session that has since ended (timed out, signed out elsewhere, locked):
            // nothing is done, and the person is sent to sign in again rather than shown an error.
            try await req.audit(.csrfRefused, outcome: .refused, objectType: .route,
                                objectID: "\(req.method) \(req.url.path)", detail: "session ended")
            return req.redirect(to: SiteURL.signIn.path)
        }
        try await refuse(req, "missing or wrong token")
    }

    private func tooLarge(_ req: Request) async throws -> Never {
        try await req.audit(.requestTooLarge, outcome: .refused, objectType: .route,
                            objectID: "\(req.method) \(req.route?.path.string ?? "")", user: req.sessionHolder)
        throw Abort(.payloadTooLarge)
    }

    private func refuse(_ req: Request, _ why: String) async throws -> Never {
        try await req.audit(.csrfRefused, outcome: .refused, objectType: .route,
                            objectID: "\(req.method) \(req.url.path)", detail: why, user: req.sessionHolder)
        throw Abort(.forbidden, reason: "csrf")
    }

    static func isOwnOrigin(_ origin: String, _ req: Request) throws -> Bool {
        if try origin == req.application.settings.baseURL { return true }
        guard let host = req.headers.first(name: .host) else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    private static func expectedToken(_ req: Request) throws -> String? {
        if let holder = req.sessionHolder { return holder.csrfToken }
        // Only a token this server made: an empty cookie matched an empty form field, and a value of the attacker's
        // choosing, planted in both the cookie and the form, matched itself.
        guard let cookie = req.cookies[anonymousCookie]?.string, try AnonymousToken.isGenuine(cookie, req: req) else { return nil }
        return cookie
    }
}

/// The pre-session token: random, and signed with a key derived from the data key (HMAC-SHA256), so that only
/// tokens this service made are accepted.
enum AnonymousToken {
    static func make(req: Request) throws -> String {
        let random = SecretToken.make()
        let signed = try signature(of: random, req: req)
        return random + "." + signed
    }

    static func isGenuine(_ token: String, req: Request) throws -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count >= 32 else { return false }
        return try SecretToken.constantTimeEquals(String(parts[1]), signature(of: String(parts[0]), req: req))
    }

    private static func signature(of random: String, req: Request) throws -> String {
        let key = try req.application.cipher.derivedKey(for: "reachable pre-session csrf")
        return SecretToken.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Data(random.utf8), using: key)))
    }
}

private struct FreshAnonymousToken: StorageKey { typealias Value = String }

extension Request {
    /// The token to put in this page's forms.
    var csrfToken: String {
        get throws {
            if let holder = sessionHolder { return holder.csrfToken }
            if let existing = cookies[CSRFMiddleware.anonymousCookie]?.string, try AnonymousToken.isGenuine(existing, req: self) {
                return existing
            }
            if let fresh = storage[FreshAnonymousToken.self] { return fresh }
            let fresh = try AnonymousToken.make(req: self)
            storage[FreshAnonymousToken.self] = fresh
            return fresh
        }
    }
}
