import Fluent
import SQLKit

/// Duress (SPEC §2.10): a lone worker's duress word, and on a visit the moment it was used and who acted on it.
struct AddDuress: AsyncMigration {
    var name: String { "AddDuress" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema(User.schema).field("duress_word_hash", .string).update()
        try await database.schema(LoneWorkingVisit.schema).field("check_out_note", .string).update()
        try await database.schema(LoneWorkingVisit.schema).field("duress_at", .datetime).update()
        try await database.schema(LoneWorkingVisit.schema).field("duress_acknowledged_at", .datetime).update()
        try await database.schema(LoneWorkingVisit.schema).field("duress_acknowledged_by_id", .uuid).update()
        // Every page a manager or national lead opens asks for alarms nobody has acted on.
        try await (database as! any SQLDatabase).create(index: "lone_working_visits_duress").on(LoneWorkingVisit.schema)
            .column("duress_at").column("duress_acknowledged_at").run()
    }

    func revert(on database: any Database) async throws {
        for field in ["duress_acknowledged_by_id", "duress_acknowledged_at", "duress_at", "check_out_note"] {
            try await database.schema(LoneWorkingVisit.schema).deleteField(.string(field)).update()
        }
        try await database.schema(User.schema).deleteField("duress_word_hash").update()
    }
}
