import Domain
import Fluent
import Foundation
import SQLKit

/// Exact person matching for many rows at once: everyone born on the rows' dates of birth, fetched through the
/// date-of-birth index, keyed by folded first name, folded last name and date of birth (SPEC §2.2).
struct PeopleIndex {
    private var byKey: [String: UUID] = [:]

    static func key(first: String, last: String, dateOfBirth: String) -> String {
        NameFolding.fold(first) + "\u{1F}" + NameFolding.fold(last) + "\u{1F}" + dateOfBirth
    }

    /// Three columns read as plain rows: a large import touches most dates of birth, and Fluent models of
    /// everyone born on them cost more than the import's own writes.
    static func load(dates: Set<String>, on db: any Database) async throws -> PeopleIndex {
        struct Row: Decodable { let id: UUID; let folded_first: String; let folded_last: String; let date_of_birth: String }
        var index = PeopleIndex()
        let sql = db as! any SQLDatabase
        for chunk in Array(dates).chunked(into: 500) {
            let rows = try await sql.select().columns("id", "folded_first", "folded_last", "date_of_birth").from(Person.schema)
                .where("date_of_birth", .in, Array(chunk)).where("merged_into_id", .is, SQLLiteral.null)
                .all(decoding: Row.self)
            for row in rows { index.add(id: row.id, first: row.folded_first, last: row.folded_last, dateOfBirth: row.date_of_birth) }
        }
        return index
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
