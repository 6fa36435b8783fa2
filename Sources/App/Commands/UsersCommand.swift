import Domain
import Fluent
import Vapor

/// `reachable users create --email E --role R [--region X] [--name N]`: creates an account with no password and
/// prints its one-time set-up link.
struct UsersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "email", help: "The person's email address")
        var email: String?
        @Option(name: "role", help: "caseworker, manager, national_lead, admin or commissioner")
        var role: String?
        @Option(name: "region", help: "Region code, for caseworkers and managers")
        var region: String?
        @Option(name: "name", help: "Full name (defaults to the email address)")
        var name: String?
    }

    var help: String { "Create a user and print their one-time set-up link" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else { throw CommandError(message: "Unknown action \(signature.action): try create") }
        let app = context.application
        let input = UserForm.Input(email: signature.email ?? "", name: signature.name ?? signature.email ?? "",
                                   role: signature.role ?? "", region: signature.region ?? "")
        let checked = try await UserForm.validate(input, on: app.db)
        if !checked.problems.isEmpty {
            throw CommandError(message: checked.problems.map { "--\($0.field): \($0.message)" }.joined(separator: "\n"))
        }
        let now = app.clock.now()
        let settings = try app.settings
        let link = try await app.writes.transaction(on: app.db) { db in
            let user = try await UserForm.create(checked, actor: AuditEntry(action: .userCreated, actor: "reachable users create"),
                                                 at: now, on: db)
            return try await SetupLinks.issue(for: user.id, purpose: .setPassword, settings: settings, now: now, on: db)
        }
        StandardError.print("Created \(input.email) (\(signature.role ?? "")). Give them this one-time link, valid for 24 hours:")
        context.console.output(link.consoleText())
    }
}

struct CommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
