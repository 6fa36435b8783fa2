import Fluent

/// The rescue request's own details, beyond the call and arrival times the import fills.
struct ExtendRescues: AsyncMigration {
    var name: String { "ExtendRescues" }

    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("caller", .string), ("call_back_at", .datetime), ("out_of_hours", .bool), ("found_place", .string),
        ("police_force_area", .string), ("dispatched_caseworker_id", .uuid), ("departed_at", .datetime),
        ("journey_mode", .string), ("home_at", .datetime), ("outcome", .string),
    ]

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (column, type) in Self.columns {
            try await database.schema(Rescue.schema).field(FieldKey(stringLiteral: column), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (column, _) in Self.columns.reversed() {
            try await database.schema(Rescue.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
