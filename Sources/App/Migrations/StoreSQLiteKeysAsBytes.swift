import Fluent
import SQLKit

/// On SQLite, every key written before keys were stored as 16 bytes (`SQLiteKeyStorage.swift`) is rewritten from
/// its 36 characters of text to its bytes, in every table and every column declared `UUID`; a key written one way
/// never equals the same key written the other, so none may stay text. PostgreSQL stores keys as `uuid` already.
///
/// Table by table, each in its own transaction with foreign keys unchecked until every table is done (a key and
/// the rows naming it are in different tables), then checked once. A run stopped part-way leaves the migration
/// unrecorded and converts only what is still text when it runs again. At national scale (400,000 referrals,
/// 7.6 million contacts) this rewrites the whole file once; see docs/performance.md.
///
/// The audit log's rows are re-encoded, not changed: its hash chain is computed over each key's text, which is the
/// same before and after (`reachable audit verify` passes on a converted database), so its refusal of updates is
/// lifted only inside the transaction that rewrites it.
struct StoreSQLiteKeysAsBytes: AsyncMigration {
    var name: String { "StoreSQLiteKeysAsBytes" }

    func prepare(on database: any Database) async throws {
        try await Self.convert(database, toBytes: true)
    }

    func revert(on database: any Database) async throws {
        try await Self.convert(database, toBytes: false)
    }

    /// A column's value re-encoded: text to bytes, or bytes back to upper-case text in 8-4-4-4-12.
    private static func converted(_ column: String, toBytes: Bool) -> String {
        let quoted = "\"\(column)\""
        if toBytes {
            return "CASE WHEN typeof(\(quoted)) = 'text' THEN coalesce(unhex(replace(\(quoted), '-', '')), \(quoted)) ELSE \(quoted) END"
        }
        let hex = "hex(\(quoted))"
        return "CASE WHEN typeof(\(quoted)) = 'blob' AND length(\(quoted)) = 16 THEN substr(\(hex), 1, 8) || '-' || "
            + "substr(\(hex), 9, 4) || '-' || substr(\(hex), 13, 4) || '-' || substr(\(hex), 17, 4) || '-' || "
            + "substr(\(hex), 21, 12) ELSE \(quoted) END"
    }

    private static func convert(_ database: any Database, toBytes: Bool) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await database.withConnection { connection in
            let sql = connection as! any SQLDatabase
            struct KeyColumn: Decodable { let table: String; let column: String }
            let keyColumns = try await sql.raw("""
                SELECT m.name AS "table", c.name AS "column" FROM sqlite_master m JOIN pragma_table_info(m.name) c
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND upper(c.type) = 'UUID' ORDER BY m.name, c.cid
                """).all(decoding: KeyColumn.self)
            let tables = Dictionary(grouping: keyColumns, by: \.table).sorted { $0.key < $1.key }
            let stored = toBytes ? "text" : "blob"
            try await sql.raw("PRAGMA foreign_keys = OFF").run()
            do {
                for (table, columns) in tables {
                    let names = columns.map(\.column)
                    let assignments = names.map { "\"\($0)\" = \(converted($0, toBytes: toBytes))" }.joined(separator: ", ")
                    let anyStored = names.map { "typeof(\"\($0)\") = '\(stored)'" }.joined(separator: " OR ")
                    try await sql.raw("BEGIN IMMEDIATE").run()
                    do {
                        let isAudit = table == AuditEvent.schema
                        if isAudit { try await sql.raw("DROP TRIGGER IF EXISTS audit_events_no_update").run() }
                        // Names from the schema itself, not from any input.
                        try await sql.raw("UPDATE \(ident: table) SET \(unsafeRaw: assignments) WHERE \(unsafeRaw: anyStored)").run()
                        if isAudit {
                            try await sql.raw("""
                                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                                BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                                """).run()
                        }
                        try await sql.raw("COMMIT").run()
                    } catch {
                        try? await sql.raw("ROLLBACK").run()
                        throw error
                    }
                }
                let broken = try await sql.raw("PRAGMA foreign_key_check").all()
                guard broken.isEmpty else {
                    throw KeyConversionFailure(message: "\(broken.count) rows name a key no table holds after converting keys")
                }
            } catch {
                try? await sql.raw("PRAGMA foreign_keys = ON").run()
                throw error
            }
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    struct KeyConversionFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
