import Fluent

struct CreateUsers: AsyncMigration {
    var name: String { "CreateUsers" }

    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("region_id", .uuid, .references(Region.schema, "id"))
            .field("password_hash", .string)
            .field("totp_secret", .string)
            .field("totp_enabled", .bool, .required)
            .field("totp_last_counter", .int64)
            .field("disabled", .bool, .required)
            .field("failed_attempts", .int, .required)
            .field("locked_until", .datetime)
            .field("created_at", .datetime)
            .field("last_sign_in_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(RecoveryCode.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        try await database.schema(SetupLink.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .references(User.schema, "id"))
            .field("purpose", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SetupLink.schema).delete()
        try await database.schema(RecoveryCode.schema).delete()
        try await database.schema(User.schema).delete()
    }
}
