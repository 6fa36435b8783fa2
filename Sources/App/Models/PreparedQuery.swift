import Crypto
import FluentKit
import FluentPostgresDriver
import Foundation
import SQLKit

extension SQLDatabase {
    /// `raw(query)` for a statement whose text is the same on every call (only its bound values change): on
    /// PostgreSQL it is prepared once on each pooled connection and afterwards only bound and executed. PostgreSQL
    /// plans an unnamed statement afresh every time, and under the case page's mixed load parsing and planning
    /// were 40% of the database's processor time against 8% executing (a profile of the whole machine at 400,000
    /// referrals). SQLite runs it as `raw` would.
    ///
    /// Only for statements of a fixed shape (no lists of varying length; the scope's condition has one shape per
    /// kind of scope): each distinct text is kept prepared on every connection for as long as it lives. Select
    /// columns by name, never `*`: a prepared `*` fails once a migration from a newer instance adds a column.
    func prepared(_ query: SQLQueryString) -> PreparedSQLQuery { PreparedSQLQuery(database: self, query: query) }
}

struct PreparedSQLQuery: Sendable {
    let database: any SQLDatabase
    let query: SQLQueryString

    func all() async throws -> [any SQLRow] {
        guard let postgres = database as? any PostgresDatabase else { return try await database.raw(query).all() }
        var serializer = SQLSerializer(database: database)
        query.serialize(to: &serializer)
        guard let bindings = NamedStatement.bindings(serializer.binds) else {
            return try await database.raw(query).all() // a value of a kind not listed there: planned as before
        }
        let text = NamedStatement.Text(sql: serializer.sql)
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await NamedStatement.$text.withValue(text) {
                    var rows: [any SQLRow] = []
                    for try await row in try await connection.execute(NamedStatement(bindings: bindings), logger: connection.logger) {
                        rows.append(row.sql())
                    }
                    return rows
                }
            }
        }.get()
    }

    func all<D: Decodable>(decoding _: D.Type) async throws -> [D] { try await all().map { try $0.decode(model: D.self) } }
    func first() async throws -> (any SQLRow)? { try await all().first }
    func first<D: Decodable>(decoding _: D.Type) async throws -> D? { try await first()?.decode(model: D.self) }
    func run() async throws { _ = try await all() }
}

/// A statement PostgreSQL keeps prepared under a name derived from its text. PostgresNIO prepares a statement the
/// first time a connection executes it and remembers it by name; it takes the name and text from the statement's
/// type, so the text of the call under way is handed to it in a task-local value, read as the call begins.
private struct NamedStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        let name: String
        let sql: String

        init(sql: String) {
            self.sql = sql
            // At most 63 bytes (PostgreSQL's limit on names); 128 bits of the text's hash tell statements apart.
            name = "reachable_" + Hex.lowercase(SHA256.hash(data: Data(sql.utf8)).prefix(16))
        }
    }

    @TaskLocal static var text = Text(sql: "")
    static var name: String { text.name }
    static var sql: String { text.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// The values as PostgreSQL's binary format, with the types SQLKit's PostgreSQL driver gives them; nil for a
    /// value of any other kind, and for a missing value (its type would be left to the statement to imply, which
    /// `$1 IS NULL` does not), so that such a call is planned afresh as before.
    static func bindings(_ values: [any Encodable & Sendable]) -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case let value as UUID: bindings.append(value)
            case let value as String: bindings.append(value)
            case let value as Int: bindings.append(value)
            case let value as Int64: bindings.append(value)
            case let value as Bool: bindings.append(value)
            case let value as Date: bindings.append(value)
            case let value as Double: bindings.append(value)
            default: return nil
            }
        }
        return bindings
    }
}
