import Domain
import Fluent
import Foundation
import SQLKit

/// Exact person matching for many rows at once, keyed by folded first name, folded last name and date of birth
/// (SPEC §2.2).
struct PeopleIndex {
    /// Folded last name, folded first name and date of birth: the exact match, as `people_match` holds it.
    struct Key: Hashable, Sendable {
        let last: String
        let first: String
        let dateOfBirth: String

        init(_ row: ReferralRow) {
            self.init(first: row.firstName, last: row.lastName, dateOfBirth: row.dateOfBirth.description)
        }

        /// Names may be folded or not: folding a folded name changes nothing.
        init(first: String, last: String, dateOfBirth: String) {
            self.last = NameFolding.fold(last)
            self.first = NameFolding.fold(first)
            self.dateOfBirth = dateOfBirth
        }
    }

    private var byKey: [Key: UUID] = [:]

    /// The known people these keys name, one index look-up per key (`people_match`), 300 to a statement.
    /// Reading everyone born on the file's dates instead grew with the database: a large file touches most dates
    /// of birth, so at national scale that read most of the country's young people.
    static func find(_ wanted: Set<Key>, on db: any Database) async throws -> [Key: UUID] {
        struct Row: Decodable { let id: UUID; let folded_first: String; let folded_last: String; let date_of_birth: String }
        let sql = db as! any SQLDatabase
        var found: [Key: UUID] = [:]
        for chunk in Array(wanted).chunked(into: 300) {
            let values = SQLList(chunk.map { SQLGroupExpression([SQLBind($0.last), SQLBind($0.first), SQLBind($0.dateOfBirth)]) })
            // A join with a VALUES list (its columns are column1… in SQLite and PostgreSQL alike) probes the index
            // per row; a row-value IN list made SQLite scan the table (EXPLAIN QUERY PLAN).
            let rows = try await sql.raw("""
                SELECT p.id, p.folded_first, p.folded_last, p.date_of_birth
                FROM (VALUES \(values)) AS wanted
                JOIN people p ON p.folded_last = wanted.column1 AND p.folded_first = wanted.column2
                    AND p.date_of_birth = wanted.column3
                WHERE p.merged_into_id IS NULL
                """).all(decoding: Row.self)
            for row in rows {
                let key = Key(first: row.folded_first, last: row.folded_last, dateOfBirth: row.date_of_birth)
                if found[key] == nil { found[key] = row.id }
            }
        }
        return found
    }

    /// Adds people found in the database; a person already here keeps their id.
    mutating func add(_ found: [Key: UUID]) {
        for (key, id) in found { add(id: id, key: key) }
    }

    mutating func add(id: UUID, key: Key) {
        if byKey[key] == nil { byKey[key] = id }
    }

    /// The id of the person with this key, if known.
    func match(_ key: Key) -> UUID? { byKey[key] }
}
