import Fluent
import SQLKit

/// The case page lists a case's last fifty viewers from the audit log, which gains a row per page view. With
/// only single-column indexes SQLite chose `action` (shared by every view of every case) and sorted; this index
/// finds one object's entries of one action already in order.
struct AddAuditObjectIndex: AsyncMigration {
    var name: String { "AddAuditObjectIndex" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_events_object_action_seq").on(AuditEvent.schema)
            .column("object_id").column("action").column("seq").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "audit_events_object_action_seq").run()
    }
}
