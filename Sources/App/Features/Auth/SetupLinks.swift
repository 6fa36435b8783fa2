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

    /// Issues a person's link and, with email on, sends it to their own address: the admin who made it never sees
    /// it, so no admin can take over an account by using its link first. Nil when sent; the link to give them
    /// otherwise (a service without email, where the admin passes it on by a channel they trust).
    static func issueAndDeliver(to user: User, isReset: Bool, app: Application, now: Date, on db: any Database) async throws -> String? {
        let link = try await issue(for: try user.requireID(), purpose: .setPassword, settings: app.settings, now: now, on: db)
        guard app.alertProviders.email != nil else { return link }
        try await AlertOutbox.queueAccountLink(link, to: user, isReset: isReset, cipher: app.cipher, now: now, on: db)
        try await Audit.append(AuditEntry(action: .userSetupLinkEmailed, actor: "accounts", objectType: .user,
                                          objectID: user.id!.uuidString, address: "server",
                                          detail: isReset ? "after a sign-in reset" : "new account"), on: db, at: now)
        return nil
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
        let settings = try app.settings
        let now = app.clock.now()
        return try await app.writes.transaction(on: app.db) { db in
            let link = try await issue(for: nil, purpose: .firstAdmin, settings: settings, now: now, on: db)
            try await Audit.append(AuditEntry(action: .setupFirstAdminLinkIssued, actor: "reachable serve"),
                                   on: db, at: now)
            return link
        }
    }
}
