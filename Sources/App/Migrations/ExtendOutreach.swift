import Fluent

/// Outreach recorded on screen: format, kind (session, event, webinar), registrations, confidence before and after.
struct ExtendOutreach: AsyncMigration {
    var name: String { "ExtendOutreach" }

    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("format", .string), ("kind", .string), ("registrations", .int), ("confidence_before", .double), ("confidence_after", .double),
    ]

    func prepare(on database: any Database) async throws {
        for (column, type) in Self.columns {
            try await database.schema(OutreachSession.schema).field(FieldKey(stringLiteral: column), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (column, _) in Self.columns.reversed() {
            try await database.schema(OutreachSession.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
