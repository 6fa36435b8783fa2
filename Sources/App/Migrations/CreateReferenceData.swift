import Fluent

struct CreateReferenceData: AsyncMigration {
    var name: String { "CreateReferenceData" }

    func prepare(on database: any Database) async throws {
        try await database.schema(Region.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .unique(on: "code")
            .create()
        try await database.schema(LocalAuthority.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .unique(on: "code")
            .create()
        try await database.schema(CodeListItem.schema)
            .id()
            .field("list", .string, .required)
            .field("code", .string, .required)
            .field("label", .string, .required)
            .field("position", .int, .required)
            .unique(on: "list", "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CodeListItem.schema).delete()
        try await database.schema(LocalAuthority.schema).delete()
        try await database.schema(Region.schema).delete()
    }
}
