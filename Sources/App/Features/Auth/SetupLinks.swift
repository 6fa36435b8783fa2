import Fluent
import Vapor

/// Issues one-time set-up links: random, stored hashed, valid for `setupLinkLifetime`, usable once.
enum SetupLinks {
    /// Creates a link (in the caller's transaction) and returns the full address to give the person.
    static func issue(for userID: UUID?, purpose: SetupLink.Purpose, settings: Settings, now: Date,
                      on db: any Database) async throws -> String {
        if let userID {
            // A new link replaces any earlier one for the same person.
            try await SetupLink.query(on: db).filter(\.$user.$id == userID).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
        }
        let token = SecretToken.make()
        try await SetupLink(tokenHash: SecretToken.hash(token), userID: userID, purpose: purpose,
                            expiresAt: now.addingTimeInterval(settings.setupLinkLifetime)).create(on: db)
        return settings.baseURL + SiteURL.setup(token: token).path
    }

    static func find(token: String, now: Date, on db: any Database) async throws -> SetupLink? {
        guard let link = try await SetupLink.query(on: db).filter(\.$tokenHash == SecretToken.hash(token))
            .with(\.$user).first(),
              link.usedAt == nil, link.expiresAt > now else { return nil }
        return link
    }

    /// On an empty database, `reachable serve` offers a link to create the first admin. No default account or
    /// password exists anywhere.
    static func firstAdminLinkIfNeeded(app: Application) async throws -> String? {
        guard try await User.query(on: app.db).count() == 0 else { return nil }
        let settings = app.settings
        let now = app.clock.now()
        return try await app.writes.transaction(on: app.db) { db in
            let link = try await issue(for: nil, purpose: .firstAdmin, settings: settings, now: now, on: db)
            try await Audit.append(AuditEntry(action: "setup.first_admin_link_issued", actor: "reachable serve"),
                                   on: db, at: now)
            return link
        }
    }
}
