import Fluent
import SQLKit

struct CreateKeptSubmissions: AsyncMigration {
    var name: String { "CreateKeptSubmissions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(KeptSubmission.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("path", .string, .required)
            .field("body", .string, .required)
            .field("kept_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "kept_submissions_user").on(KeptSubmission.schema)
            .column("user_id").column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(KeptSubmission.schema).delete()
    }
}
