import Fluent

/// The note written when a case closes (sealed), kept with the case: it was asked for and then dropped.
struct AddClosureNote: AsyncMigration {
    var name: String { "AddClosureNote" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SupportCase.schema).field("closure_note", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportCase.schema).deleteField("closure_note").update()
    }
}
