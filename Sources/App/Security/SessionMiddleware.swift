import Domain
import Fluent
import SQLKit
import Vapor

/// Finds the session named by the cookie, ends it when it has timed out, and loads its user afresh.
struct SessionLoader: AsyncMiddleware {
    /// Between password and second factor a person has this long to finish signing in.
    static let secondFactorWindow: TimeInterval = 10 * 60
    /// `last_seen_at` is written at most this often, so reading a page is not a write every time.
    static let touchInterval: TimeInterval = 60

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The API accepts tokens only (APITokenMiddleware): a browser's cookie must not authenticate it.
        if !req.url.path.hasPrefix("/api/"), let token = req.cookies[try SessionCookie.name(for: req)]?.string, !token.isEmpty,
           let answer = try await load(token: token, req: req) {
            return answer
        }
        return try await next.respond(to: req)
    }

    /// The session and its user in one statement: this runs on every request, and three Fluent queries with
    /// their model reflection cost more than a whole /health response.
    private struct Row: Decodable {
        let id: UUID
        let stage: UserSession.Stage
        let csrf_token: String
        let created_at: Date
        let last_seen_at: Date
        let ended_at: Date?
        let user_id: UUID
        let email: String
        let display_name: String
        let role: Role
        let disabled: Bool
        let region_id: UUID?
        let region_code: String?
        let region_name: String?
    }

    /// Loads the session, or answers the request itself: a form sent after the session timed out is kept
    /// (`KeptSubmissions`) and its sender sent to sign in again.
    private func load(token: String, req: Request) async throws -> Response? {
        let sql = req.db as! any SQLDatabase
        let tokenHash = SecretToken.hash(token)
        guard let session = try await sql.prepared("""
            SELECT s.id, s.stage, s.csrf_token, s.created_at, s.last_seen_at, s.ended_at, u.id AS user_id, u.email,
                   u.display_name, u.role, u.disabled, u.region_id, r.code AS region_code, r.name AS region_name
            FROM user_sessions s JOIN users u ON u.id = s.user_id LEFT JOIN regions r ON r.id = u.region_id
            WHERE s.token_hash = \(bind: tokenHash)
            """).first(decoding: Row.self) else { return nil }
        let now = req.now
        let settings = try req.application.settings
        if let ended = session.ended_at {
            // Ended earlier: by timing out (another tab found it first), a form sent from a page still open is
            // kept as below; signed out or ended everywhere, nothing is.
            let timedOut = session.stage == .signedIn && !session.disabled
                && (ended.timeIntervalSince(session.last_seen_at) > settings.sessionIdle
                    || ended.timeIntervalSince(session.created_at) > settings.sessionAbsolute)
            if timedOut, now.timeIntervalSince(ended) < KeptSubmissions.lifetime,
               try await KeptSubmissions.keep(req, userID: session.user_id, csrfToken: session.csrf_token, now: now) {
                return req.redirect(to: SiteURL.signIn.path + "?kept=1")
            }
            return nil
        }
        let expired: Bool = switch session.stage {
        case .secondFactor: now.timeIntervalSince(session.created_at) > Self.secondFactorWindow
        case .signedIn: now.timeIntervalSince(session.last_seen_at) > settings.sessionIdle
            || now.timeIntervalSince(session.created_at) > settings.sessionAbsolute
        }
        if expired || session.disabled {
            let sessionID = session.id
            let entry = AuditEntry(action: .sessionExpired, userID: session.user_id, actor: session.email,
                                   objectType: .session, objectID: sessionID.uuidString, address: req.clientAddress,
                                   detail: session.disabled ? "account disabled" : "timed out")
            try await req.write { db in
                try await UserSession.query(on: db).filter(\.$id == sessionID).set(\.$endedAt, to: now).update()
                try await Audit.append(entry, on: db, at: now)
            }
            req.storage[SessionEndedKey.self] = true
            if session.stage == .signedIn, !session.disabled,
               try await KeptSubmissions.keep(req, userID: session.user_id, csrfToken: session.csrf_token, now: now) {
                return req.redirect(to: SiteURL.signIn.path + "?kept=1")
            }
            return nil
        }
        if now.timeIntervalSince(session.last_seen_at) > Self.touchInterval {
            let sessionID = session.id
            try await req.write { db in
                try await UserSession.query(on: db).filter(\.$id == sessionID).set(\.$lastSeenAt, to: now).update()
            }
        }
        req.sessionHolder = CurrentUser(
            id: session.user_id, email: session.email, displayName: session.display_name, role: session.role,
            regionID: session.region_id, regionCode: session.region_code, regionName: session.region_name,
            sessionID: session.id, stage: session.stage, csrfToken: session.csrf_token)
        return nil
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
        let session = try UserSession(tokenHash: SecretToken.hash(token), userID: user.requireID(), stage: stage,
                                  csrfToken: SecretToken.make(), at: req.now, address: req.clientAddress,
                                  userAgent: String((req.headers.first(name: .userAgent) ?? "").prefix(200)))
        try await session.create(on: db)
        return token
    }

    /// Ends every session of the user and, unless `keepingTokens`, revokes their API tokens too: signing out
    /// everywhere, a sign-in reset, a new role or a disabled account must stop every way in, the API's included.
    /// A lockout keeps the tokens: anyone can lock an account by guessing, and that must not cut off its API use.
    static func endAll(of userID: UUID, at now: Date, keepingTokens: Bool = false, on db: any Database) async throws {
        try await UserSession.query(on: db).filter(\.$user.$id == userID).filter(\.$endedAt == nil)
            .set(\.$endedAt, to: now).update()
        guard !keepingTokens else { return }
        try await APIToken.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
    }
}
