import Domain
import Fluent
import Foundation
import SQLKit

/// Exact person matching for many rows at once, keyed by folded first name, folded last name and date of birth
/// (SPEC §2.2), within the region the row is for: a young person another region holds is never matched by an
/// import (SPEC §1: knowing a name and a date of birth opens nothing another region holds), so the row makes a
/// person of its own region.
struct PeopleIndex {
    /// Folded last name, folded first name and date of birth: the exact match, as `people_match` holds it; and the
    /// region whose people it may match.
    struct Key: Hashable, Sendable {
        let last: String
        let first: String
        let dateOfBirth: String
        let regionID: UUID

        init(_ row: ReferralRow, regionID: UUID) {
            self.init(first: row.firstName, last: row.lastName, dateOfBirth: row.dateOfBirth.description, regionID: regionID)
        }

        /// Names may be folded or not: folding a folded name changes nothing.
        init(first: String, last: String, dateOfBirth: String, regionID: UUID) {
            self.last = NameFolding.fold(last)
            self.first = NameFolding.fold(first)
            self.dateOfBirth = dateOfBirth
            self.regionID = regionID
        }
    }

    private var byKey: [Key: UUID] = [:]

    /// The known people these keys name, one index look-up per key (`people_match`), 300 to a statement.
    /// Reading everyone born on the file's dates instead grew with the database: a large file touches most dates
    /// of birth, so at national scale that read most of the country's young people.
    static func find(_ wanted: Set<Key>, on db: any Database) async throws -> [Key: UUID] {
        struct Row: Decodable {
            let id: UUID; let folded_first: String; let folded_last: String; let date_of_birth: String; let region_id: UUID
        }
        let sql = db as! any SQLDatabase
        var found: [Key: UUID] = [:]
        for chunk in Array(wanted).chunked(into: 300) {
            let values = SQLList(chunk.map {
                SQLGroupExpression([SQLBind($0.last), SQLBind($0.first), SQLBind($0.dateOfBirth), SQLBind($0.regionID)])
            })
            // A join with a VALUES list (its columns are column1… in SQLite and PostgreSQL alike) probes the index
            // per row; a row-value IN list made SQLite scan the table (EXPLAIN QUERY PLAN). A person is the region's
            // when one of their referrals is (`referrals_person_region` answers it from the index alone).
            let rows = try await sql.raw("""
                SELECT p.id, p.folded_first, p.folded_last, p.date_of_birth, wanted.column4 AS region_id
                FROM (VALUES \(values)) AS wanted
                JOIN people p ON p.folded_last = wanted.column1 AND p.folded_first = wanted.column2
                    AND p.date_of_birth = wanted.column3
                WHERE p.merged_into_id IS NULL
                    AND EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id AND r.region_id = wanted.column4)
                """).all(decoding: Row.self)
            for row in rows {
                let key = Key(first: row.folded_first, last: row.folded_last, dateOfBirth: row.date_of_birth,
                              regionID: row.region_id)
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
