import Fluent
import SQLKit

struct CreateAPITokens: AsyncMigration {
    var name: String { "CreateAPITokens" }

    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("read_only", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await (database as! any SQLDatabase).create(index: "api_tokens_user_id").on(APIToken.schema).column("user_id").run()
        try await database.schema(IdempotencyRecord.schema)
            .id()
            .field("user_id", .uuid, .required)
            .field("key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("status", .int, .required)
            .field("body", .string, .required)
            .field("location", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema).delete()
        try await database.schema(APIToken.schema).delete()
    }
}
