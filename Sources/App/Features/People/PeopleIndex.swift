import Domain
import Fluent
import Foundation
import SQLKit

/// Exact person matching for many rows at once, keyed by folded first name, folded last name and date of birth
/// (SPEC §2.2).
struct PeopleIndex {
    private var byKey: [String: UUID] = [:]

    static func key(first: String, last: String, dateOfBirth: String) -> String {
        NameFolding.fold(first) + "\u{1F}" + NameFolding.fold(last) + "\u{1F}" + dateOfBirth
    }

    /// The known people the rows name, one index look-up per name and date of birth (`people_match`), 300 to a
    /// statement. Reading everyone born on the file's dates instead grew with the database: a large file touches
    /// most dates of birth, so at national scale that read most of the country's young people.
    /// Adds them to those already here (a person already here keeps their id).
    mutating func load(naming rows: [ReferralRow], on db: any Database) async throws {
        struct Row: Decodable { let id: UUID; let folded_first: String; let folded_last: String; let date_of_birth: String }
        struct Wanted: Hashable { let last: String; let first: String; let dateOfBirth: String }
        let wanted = Set(rows.map {
            Wanted(last: NameFolding.fold($0.lastName), first: NameFolding.fold($0.firstName), dateOfBirth: $0.dateOfBirth.description)
        })
        let sql = db as! any SQLDatabase
        for chunk in Array(wanted).chunked(into: 300) {
            let values = SQLList(chunk.map { SQLGroupExpression([SQLBind($0.last), SQLBind($0.first), SQLBind($0.dateOfBirth)]) })
            // A join with a VALUES list (its columns are column1… in SQLite and PostgreSQL alike) probes the index
            // per row; a row-value IN list made SQLite scan the table (EXPLAIN QUERY PLAN).
            let found = try await sql.raw("""
                SELECT p.id, p.folded_first, p.folded_last, p.date_of_birth
                FROM (VALUES \(values)) AS wanted
                JOIN people p ON p.folded_last = wanted.column1 AND p.folded_first = wanted.column2
                    AND p.date_of_birth = wanted.column3
                WHERE p.merged_into_id IS NULL
                """).all(decoding: Row.self)
            for row in found { add(id: row.id, first: row.folded_first, last: row.folded_last, dateOfBirth: row.date_of_birth) }
        }
    }

    /// Names may be folded or not: the key folds them.
    mutating func add(id: UUID, first: String, last: String, dateOfBirth: String) {
        let key = Self.key(first: first, last: last, dateOfBirth: dateOfBirth)
        if byKey[key] == nil { byKey[key] = id }
    }

    /// The id of the person this row names, if known.
    func match(_ row: ReferralRow) -> UUID? {
        byKey[Self.key(first: row.firstName, last: row.lastName, dateOfBirth: row.dateOfBirth.description)]
    }
}
