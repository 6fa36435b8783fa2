import Vapor

/// `reachable migrate`: configure has already brought the schema up to date (every command does); this says so
/// without the interactive prompt of Fluent's own command, so scripts can run it.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Bring the database schema up to date" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let count = try await context.application.migrator.previewPrepareBatch().get().count
        StandardError.print(count == 0 ? "The database is up to date." : "\(count) migrations are still to run.")
    }
}
