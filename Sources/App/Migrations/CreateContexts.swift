import Fluent
import SQLKit

struct CreateContexts: AsyncMigration {
    var name: String { "CreateContexts" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SafeguardingContext.schema)
            .id()
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(ContextLink.schema)
            .id()
            .field("context_id", .uuid, .required, .references(SafeguardingContext.schema, "id"))
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id"))
            .field("linked_on", .string, .required)
            .unique(on: "context_id", "referral_id")
            .create()
        try await database.schema(ContextNote.schema)
            .id()
            .field("context_id", .uuid, .required, .references(SafeguardingContext.schema, "id"))
            .field("note", .string, .required)
            .field("noted_at", .datetime, .required)
            .field("noted_by_id", .uuid, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "contexts_region").on(SafeguardingContext.schema).column("region_id").run()
        try await sql.create(index: "context_links_context").on(ContextLink.schema).column("context_id").run()
        try await sql.create(index: "context_notes_context").on(ContextNote.schema).column("context_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContextNote.schema).delete()
        try await database.schema(ContextLink.schema).delete()
        try await database.schema(SafeguardingContext.schema).delete()
    }
}
