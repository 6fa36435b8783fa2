import Fluent

struct AddPersonRetention: AsyncMigration {
    var name: String { "AddPersonRetention" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema(Person.schema).field("legal_hold", .bool, .required, .sql(.default(false))).update()
        try await database.schema(Person.schema).field("anonymised_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Person.schema).deleteField("anonymised_at").update()
        try await database.schema(Person.schema).deleteField("legal_hold").update()
    }
}
