import Fluent
import SQLKit

struct CreateSessions: AsyncMigration {
    var name: String { "CreateSessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema(UserSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("stage", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("address", .string, .required)
            .field("user_agent", .string, .required)
            .field("ended_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await (database as! any SQLDatabase).create(index: "user_sessions_user_id")
            .on(UserSession.schema).column("user_id").run()
        try await database.schema(RateLimitCounter.schema)
            .id()
            .field("key", .string, .required)
            .field("window_start", .datetime, .required)
            .field("count", .int, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RateLimitCounter.schema).delete()
        try await database.schema(UserSession.schema).delete()
    }
}
