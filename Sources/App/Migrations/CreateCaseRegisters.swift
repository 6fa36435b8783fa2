import Fluent
import SQLKit

struct CreateCaseRegisters: AsyncMigration {
    var name: String { "CreateCaseRegisters" }

    func prepare(on database: any Database) async throws {
        try await database.schema(CaseRegisterEntry.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("kind", .string, .required)
            .field("occurred_on", .string, .required)
            .field("fields", .string, .required)
            .field("recorded_by_id", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(RiskRating.schema).field("indicators", .string, .required, .sql(.default(""))).update()
        try await (database as! any SQLDatabase).create(index: "case_register_entries_case").on(CaseRegisterEntry.schema)
            .column("case_id").column("kind").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RiskRating.schema).deleteField("indicators").update()
        try await database.schema(CaseRegisterEntry.schema).delete()
    }
}
