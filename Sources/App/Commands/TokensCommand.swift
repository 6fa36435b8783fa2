import Fluent
import Vapor

/// `reachable tokens create --email E --name N --expires-in-days D [--read-only]` prints a new personal access
/// token once (for a system account set up by an administrator); `tokens list --email E` and
/// `tokens revoke --id ID` manage them. Every change is audited.
struct TokensCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create, list or revoke")
        var action: String
        @Option(name: "email", help: "The user the token acts as")
        var email: String?
        @Option(name: "name", help: "What the token is for")
        var name: String?
        @Option(name: "expires-in-days", help: "1 to 365")
        var expiresInDays: String?
        @Flag(name: "read-only", help: "The token may only read")
        var readOnly: Bool
        @Option(name: "id", help: "The token to revoke")
        var id: String?
    }

    var help: String { "Create, list or revoke a user's API tokens" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let now = app.clock.now()
        switch signature.action {
        case "create":
            let user = try await Self.user(signature.email, on: app.db)
            let (name, days): (String, Int)
            switch APITokens.check(name: signature.name, expiresInDays: signature.expiresInDays) {
            case let .failure(errors):
                let flags = ["tokenName": "--name", "expiresInDays": "--expires-in-days"]
                throw CommandError(message: errors.entries.map { "\(flags[$0.id] ?? $0.id): \($0.message)" }.joined(separator: "\n"))
            case let .success(valid): (name, days) = valid
            }
            let entry = AuditEntry(action: .apiTokenCreated, userID: user.id, actor: "reachable tokens create",
                                   objectType: .apiToken, address: "command line")
            let issued = try await APITokens.issue(userID: try user.requireID(), name: name, days: days,
                                                   readOnly: signature.readOnly, entry: entry, now: now, writes: app.writes, on: app.db)
            StandardError.print("Created token \"\(name)\" for \(user.email), expiring in \(days) days. It is shown this once:")
            context.console.output(issued.secret.consoleText())
        case "list":
            let user = try await Self.user(signature.email, on: app.db)
            let tokens = try await APIToken.query(on: app.db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt).all()
            for token in tokens {
                let state = token.revokedAt != nil ? "revoked" : token.expiresAt <= now ? "expired" : "active"
                context.console.output("\(token.id!.uuidString)\t\(state)\t\(token.readOnly ? "read-only" : "read-write")\t\(token.name)".consoleText())
            }
        case "revoke":
            guard let id = signature.id.flatMap(UUID.init(uuidString:)),
                  let token = try await APIToken.find(id, on: app.db) else { throw CommandError(message: "--id: no such token") }
            let entry = AuditEntry(action: .apiTokenRevoked, userID: token.$user.id, actor: "reachable tokens revoke",
                                   objectType: .apiToken, objectID: id.uuidString, address: "command line")
            try await app.writes.transaction(on: app.db) { db in
                try await APIToken.query(on: db).filter(\.$id == id).set(\.$revokedAt, to: now).update()
                try await Audit.append(entry, on: db, at: now)
            }
            StandardError.print("Revoked token \(id.uuidString).")
        default:
            throw CommandError(message: "Unknown action \(signature.action): try create, list or revoke")
        }
    }

    private static func user(_ email: String?, on db: any Database) async throws -> User {
        guard let email = email?.trimmingCharacters(in: .whitespaces).lowercased(), !email.isEmpty else {
            throw CommandError(message: "--email: give the email address of the user the token acts as")
        }
        guard let user = try await User.query(on: db).filter(\.$email == email).first(), !user.disabled else {
            throw CommandError(message: "--email: no active user \(email)")
        }
        return user
    }
}
