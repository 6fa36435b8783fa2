import Fluent
import SQLKit

/// The audit table, and on PostgreSQL a trigger that refuses UPDATE and DELETE whoever asks (ASVS v5.0.0-16.4.2).
/// SQLite gets the same refusal through its own triggers.
struct CreateAuditEvents: AsyncMigration {
    var name: String { "CreateAuditEvents" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("seq", .int64, .required)
            .field("at", .string, .required)
            .field("user_id", .uuid)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("outcome", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string, .required)
            .field("region", .string, .required)
            .field("address", .string, .required)
            .field("detail", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()
        let sql = database as! any SQLDatabase
        for column in ["user_id", "object_id", "action"] {
            try await sql.create(index: "audit_events_\(column)").on(AuditEvent.schema).column(column).run()
        }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
                """).run()
        } else {
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_events_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events").run()
            try await sql.raw("DROP FUNCTION IF EXISTS audit_events_append_only()").run()
        }
        try await database.schema(AuditEvent.schema).delete()
    }
}
