import Domain
import Vapor

/// Who is asking, re-read from the database on every request (ASVS v5.0.0-8.3.2): a role changed or an account
/// disabled takes effect on the next click.
struct CurrentUser: Sendable {
    let id: UUID
    let email: String
    let displayName: String
    let role: Role
    let regionID: UUID?
    let regionCode: String?
    let regionName: String?
    let sessionID: UUID
    let stage: UserSession.Stage
    let csrfToken: String
    /// Set when the request came through the API with a personal access token: its name, for the audit trail.
    var tokenName: String? = nil
    /// A read-only token may only read, whatever its user's role.
    var readOnly: Bool = false
}

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = CurrentUser }

    /// The holder of this request's session, at whatever stage of signing in.
    var sessionHolder: CurrentUser? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    /// The fully signed-in user (password and second factor), or nil.
    var currentUser: CurrentUser? {
        guard let holder = sessionHolder, holder.stage == .signedIn else { return nil }
        return holder
    }

    /// For handlers behind an access rule that requires signing in: the rule has already been checked.
    func requireUser() throws -> CurrentUser {
        guard let user = currentUser else { throw Abort(.unauthorized) }
        return user
    }
}
