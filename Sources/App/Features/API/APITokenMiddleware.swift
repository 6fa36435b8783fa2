import Fluent
import Vapor

/// Authenticates `/api/` requests by a personal access token in `Authorization: Bearer …`, and only so:
/// cookies are never read there (`SessionLoader` skips the API), so cross-site requests cannot ride on a
/// browser session and CSRF does not apply. Counts each token's requests against the per-minute limit.
struct APITokenMiddleware: AsyncMiddleware {
    /// `last_used_at` is written at most this often.
    static let touchInterval: TimeInterval = 60

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.url.path.hasPrefix("/api/") else { return try await next.respond(to: req) }
        guard let header = req.headers.first(name: .authorization) else { return try await next.respond(to: req) }
        guard let secret = req.headers.bearerAuthorization?.token, !secret.isEmpty,
              let (token, user) = try await find(secret, req: req) else {
            // Guessing tokens is slowed like guessing passwords: per address, across instances.
            let settings = try req.application.settings
            if let wait = try await RateLimiter.hit("api-refused:\(req.clientAddress)", limit: settings.signInAttemptsPerAddress,
                                                    window: settings.signInWindow, req: req) {
                throw TooManyAttempts(retryAfter: wait)
            }
            try await req.audit(.apiRequestRefused, outcome: .refused, objectType: .apiToken,
                                detail: header.lowercased().hasPrefix("bearer ") ? "unknown, expired or revoked" : "not a bearer token")
            throw APIUnauthorized()
        }
        let tokenID = try token.requireID()
        let settings = try req.application.settings
        if let wait = try await RateLimiter.hit("api:\(tokenID.uuidString)", limit: settings.apiRequestsPerMinute,
                                                window: 60, req: req) {
            throw TooManyAttempts(retryAfter: wait)
        }
        if token.lastUsedAt.map({ req.now.timeIntervalSince($0) > Self.touchInterval }) ?? true {
            let now = req.now
            try await req.write { db in
                try await APIToken.query(on: db).filter(\.$id == tokenID).set(\.$lastUsedAt, to: now).update()
            }
        }
        req.sessionHolder = CurrentUser(
            id: try user.requireID(), email: user.email, displayName: user.displayName, role: user.role,
            regionID: user.$region.id, regionCode: user.region?.code, regionName: user.region?.name,
            sessionID: tokenID, stage: .signedIn, csrfToken: "", tokenName: token.name, readOnly: token.readOnly)
        // The people search is a POST only so that names stay out of URLs: it writes nothing, so read-only tokens may.
        let reads = [.GET, .HEAD].contains(req.method) || (req.method == .POST && req.url.path == SiteURL.apiPeople.path)
        if token.readOnly && !reads {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .route,
                                objectID: "\(req.method) \(req.routePattern)", detail: "read-only token")
            throw APIReadOnly()
        }
        return try await next.respond(to: req)
    }

    private func find(_ secret: String, req: Request) async throws -> (APIToken, User)? {
        guard let token = try await APIToken.query(on: req.db).filter(\.$tokenHash == SecretToken.hash(secret))
            .with(\.$user, { $0.with(\.$region) }).first(),
            token.isUsable(at: req.now), !token.user.disabled else { return nil }
        return (token, token.user)
    }
}

/// 401 with the challenge RFC 6750 asks for.
struct APIUnauthorized: AbortError {
    var status: HTTPResponseStatus { .unauthorized }
    var reason: String { "A valid personal access token is needed: send it as Authorization: Bearer <token>." }
    var headers: HTTPHeaders { ["WWW-Authenticate": "Bearer realm=\"reachable\""] }
}

struct APIReadOnly: AbortError {
    var status: HTTPResponseStatus { .forbidden }
    var reason: String { "This token is read-only." }
}
