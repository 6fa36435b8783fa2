import Fluent
import Vapor

/// Finds the session named by the cookie, ends it when it has timed out, and loads its user afresh.
struct SessionLoader: AsyncMiddleware {
    /// Between password and second factor a person has this long to finish signing in.
    static let secondFactorWindow: TimeInterval = 10 * 60
    /// `last_seen_at` is written at most this often, so reading a page is not a write every time.
    static let touchInterval: TimeInterval = 60

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The API accepts tokens only (APITokenMiddleware): a browser's cookie must not authenticate it.
        if !req.url.path.hasPrefix("/api/"), let token = req.cookies[SessionCookie.name(for: req)]?.string, !token.isEmpty {
            try await load(token: token, req: req)
        }
        return try await next.respond(to: req)
    }

    private func load(token: String, req: Request) async throws {
        guard let session = try await UserSession.query(on: req.db)
            .filter(\.$tokenHash == SecretToken.hash(token))
            .filter(\.$endedAt == nil)
            .with(\.$user, { $0.with(\.$region) })
            .first() else { return }
        let now = req.now
        let settings = req.application.settings
        let expired: Bool = switch session.stage {
        case .secondFactor: now.timeIntervalSince(session.createdAt) > Self.secondFactorWindow
        case .signedIn: now.timeIntervalSince(session.lastSeenAt) > settings.sessionIdle
            || now.timeIntervalSince(session.createdAt) > settings.sessionAbsolute
        }
        let user = session.user
        if expired || user.disabled {
            let sessionID = try session.requireID()
            let entry = AuditEntry(action: "session.expired", userID: user.id, actor: user.email,
                                   objectType: "session", objectID: sessionID.uuidString, address: req.clientAddress,
                                   detail: user.disabled ? "account disabled" : "timed out")
            try await req.write { db in
                try await UserSession.query(on: db).filter(\.$id == sessionID).set(\.$endedAt, to: now).update()
                try await Audit.append(entry, on: db, at: now)
            }
            req.storage[SessionEndedKey.self] = true
            return
        }
        if now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval {
            let sessionID = try session.requireID()
            try await req.write { db in
                try await UserSession.query(on: db).filter(\.$id == sessionID).set(\.$lastSeenAt, to: now).update()
            }
        }
        req.sessionHolder = CurrentUser(
            id: try user.requireID(), email: user.email, displayName: user.displayName, role: user.role,
            regionID: user.$region.id, regionCode: user.region?.code, regionName: user.region?.name,
            sessionID: try session.requireID(), stage: session.stage, csrfToken: session.csrfToken)
    }
}

struct SessionEndedKey: StorageKey { typealias Value = Bool }

enum Sessions {
    /// Starts a new session, ending the one the browser had: a fresh id at every step up in privilege stops
    /// session fixation (ASVS v5.0.0-7.2.4). Returns the token for the cookie.
    static func start(for user: User, stage: UserSession.Stage, req: Request, on db: any Database) async throws -> String {
        if let old = req.sessionHolder {
            try await UserSession.query(on: db).filter(\.$id == old.sessionID).set(\.$endedAt, to: req.now).update()
        }
        let token = SecretToken.make()
        let session = UserSession(tokenHash: SecretToken.hash(token), userID: try user.requireID(), stage: stage,
                                  csrfToken: SecretToken.make(), at: req.now, address: req.clientAddress,
                                  userAgent: String((req.headers.first(name: .userAgent) ?? "").prefix(200)))
        try await session.create(on: db)
        return token
    }

    static func endAll(of userID: UUID, at now: Date, on db: any Database) async throws {
        try await UserSession.query(on: db).filter(\.$user.$id == userID).filter(\.$endedAt == nil)
            .set(\.$endedAt, to: now).update()
    }
}
