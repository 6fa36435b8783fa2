import Domain
import Fluent
import Foundation
import SQLKit

/// The search box's answer (SPEC §2.2, §1): young people in the user's scope whose name, alias, date of birth or
/// reference answers the query, best first, each with their referrals and cases in scope.
///
/// Candidates come from indexes only, with the user's regions applied in the same statement: first each typed
/// word as a last name exactly (`people_name`), and a word typed alone as a first name too; when
/// fewer than a page answer, names sharing the word's first two letters and near its length, so a slip later in
/// the name is forgiven; aliases exactly
/// (`person_aliases_folded`, for each word and the words joined); a date of birth (`people_match`); references
/// (their unique indexes). They are scored in Swift (`PersonSearchScore`). A young person held only elsewhere is
/// never shown nor hinted at: the same "no one found" as a name nobody holds.
enum PeopleSearch {
    struct Result: Sendable {
        struct Person: Sendable {
            let id: UUID
            let firstName: String
            let lastName: String
            let dateOfBirth: String
            let aliases: [String]
            let referrals: [Record]
            let cases: [Record]
        }

        struct Record: Sendable {
            let id: UUID
            let ref: String
            let date: String
            let detail: String
            let region: String
        }

        let people: [Person]
        /// More young people answered than are shown: the user should add a date of birth or another name.
        let more: Bool
    }

    static let shown = 30
    /// Candidates read per query: a common last name in a region, with room to spare.
    static let perQuery = 3_000
    private static let checked = 2_000

    struct Candidate {
        let id: UUID
        let first: String
        let last: String
        let born: String
    }

    static func find(_ query: PersonSearchQuery, within reach: RegionScope.Reach, on db: any Database) async throws -> Result {
        if case .nowhere = reach { return Result(people: [], more: false) }
        let sql = db as! any SQLDatabase
        var candidates: [UUID: Candidate] = [:]
        var scores: [UUID: Int] = [:]
        /// Candidates read with the scope applied in SQL: no need to check them again.
        var inScope = Set<UUID>()

        // By reference: the person of each referral with that ref; scored best.
        if !query.refs.isEmpty {
            struct Row: Decodable { let person_id: UUID }
            let ids = try await sql.raw("SELECT person_id FROM referrals WHERE ref IN (\(binds: query.refs))")
                .all(decoding: Row.self).map(\.person_id)
            for id in ids { scores[id] = -1 }
        }
        if !query.words.isEmpty {
            func score(_ rows: [Candidate], aliases: [UUID: [String]] = [:]) {
                for row in rows where candidates[row.id] == nil {
                    candidates[row.id] = row
                    let names = PersonSearchScore.Names(first: row.first, last: row.last, aliases: aliases[row.id] ?? [])
                    if let value = PersonSearchScore.score(query.words, against: names) { scores[row.id] = min(scores[row.id] ?? .max, value) }
                }
            }
            // Each word as a last name exactly, and each other word as the first name's beginning, in scope: most
            // searches end here.
            let born = query.dateOfBirth?.description
            let pairs = NamePair.all(query.words)
            // A word alone is read as a first name only when too few have it as their last: that look-up reads the
            // whole index.
            for pair in pairs where !pair.asFirstName || scores.keys.filter(inScope.contains).count < shown {
                let rows = try await names(exactly: pair, born: born, within: reach, on: sql)
                inScope.formUnion(rows.map(\.id))
                score(rows)
            }
            // An alias is folded whole ("Little J" → "littlej"): the words joined, or one of them alone.
            struct Owner: Decodable { let person_id: UUID }
            let wanted = Array(Set(query.words + [query.words.joined()]))
            let owners = try await sql.raw("SELECT person_id FROM person_aliases WHERE folded IN (\(binds: wanted)) LIMIT 500")
                .all(decoding: Owner.self).map(\.person_id)
            let missing = Array(Set(owners).subtracting(candidates.keys))
            score(try await people(missing, on: sql), aliases: try await aliasesOf(missing, on: sql))
            // Too few answer: last names beginning with each word's first letters, near its length (a slip, or the
            // word is the name's beginning).
            if scores.keys.filter(inScope.contains).count < shown {
                for pair in pairs where pair.word.count >= 2 {
                    let rows = try await names(near: pair, born: born, within: reach, on: sql)
                    inScope.formUnion(rows.map(\.id))
                    score(rows)
                }
            }
        }
        // By date of birth: everyone born that day (with names typed, only those the names answer).
        if let born = query.dateOfBirth {
            let rows = try await bornOn(born, on: sql)
            if query.words.isEmpty {
                for row in rows { candidates[row.id] = row; scores[row.id] = min(scores[row.id] ?? 0, 0) }
                if !query.refs.isEmpty {
                    // A ref and a date: the ref's person only when born that day.
                    let refPeople = try await people(Array(scores.keys), on: sql)
                    scores = scores.filter { id, _ in refPeople.contains { $0.id == id && $0.born == born.description } }
                }
            } else {
                for row in rows where candidates[row.id] == nil {
                    candidates[row.id] = row
                    let names = PersonSearchScore.Names(first: row.first, last: row.last)
                    if let value = PersonSearchScore.score(query.words, against: names) { scores[row.id] = value }
                }
                scores = scores.filter { candidates[$0.key]?.born == born.description }
            }
        }

        // Closest first, then by name; the id (as text, once each) only to make the order the same every time.
        let best = scores.map { (id: $0.key, order: ($0.value, candidates[$0.key]?.last ?? "", candidates[$0.key]?.first ?? "", $0.key.uuidString)) }
            .sorted { $0.order < $1.order }.prefix(checked).map(\.id)
        let held = inScope.union(try await heldPeople(best.filter { !inScope.contains($0) }, within: reach, on: sql))
        let answering = best.filter(held.contains)
        let chosen = Array(answering.prefix(shown))
        return Result(people: try await PeopleSearchResults.describe(chosen, within: reach, on: sql), more: answering.count > shown)
    }

    /// Greater than any letter of any script: the top of a prefix's range.
    private static let upperBound = "\u{10FFFF}"

    /// A column compared code point by code point, as the range of a prefix needs (SQLite compares text so
    /// already; PostgreSQL's linguistic collations would not), matching `people_name`'s collation.
    static func orderedByCodePoint(_ column: String, on sql: any SQLDatabase) -> SQLQueryString {
        sql.dialect.name == "postgresql" ? "\(unsafeRaw: column) COLLATE \"C\"" : "\(unsafeRaw: column)"
    }

    /// A typed word taken as the last name, and another as the first name's beginning (its first two letters, so
    /// a slip later in the first name is still forgiven): one range of `people_name` each. A word typed alone is
    /// also taken as a first name ("Kai"): no index leads with the first name (one more index on every young
    /// person cost the import a tenth of its speed), so that look-up reads `people_name` whole, from the index
    /// alone, stopping at a page of answers: 12–15 ms at 400,000 referrals when nobody has the name.
    struct NamePair: Hashable {
        /// The word looked up exactly (or near, for a slip).
        let word: String
        /// Whether `word` is the first name rather than the last.
        let asFirstName: Bool
        /// The first name's first letters, with `word` as the last name.
        let firstPrefix: String?

        var column: String { asFirstName ? "folded_first" : "folded_last" }

        /// Every word as the last name, with every other word as the first name; one word alone as either.
        static func all(_ words: [String]) -> [NamePair] {
            let unique = Array(Set(words))
            guard unique.count > 1 else {
                return unique.flatMap { [NamePair(word: $0, asFirstName: false, firstPrefix: nil),
                                         NamePair(word: $0, asFirstName: true, firstPrefix: nil)] }
            }
            return unique.flatMap { last in
                unique.filter { $0 != last }.map {
                    NamePair(word: last, asFirstName: false, firstPrefix: PersonSearchScore.indexPrefix(of: $0))
                }
            }
        }
    }

    /// The first-name and date-of-birth conditions shared by both look-ups, read from the index's entries.
    private static func rest(_ pair: NamePair, born: String?, on sql: any SQLDatabase) -> SQLQueryString {
        var condition: SQLQueryString = ""
        if let prefix = pair.firstPrefix {
            let first = orderedByCodePoint("p.folded_first", on: sql)
            condition = " AND \(first) >= \(bind: prefix) AND \(first) < \(bind: prefix + upperBound)"
        }
        if let born { condition = condition + " AND p.date_of_birth = \(bind: born)" }
        return condition
    }

    /// People of this exact folded name (and first-name beginning, and date of birth, when typed) with a
    /// referral in scope (the scope in SQL: a merged record has no referrals left, so it never answers).
    private static func names(exactly pair: NamePair, born: String?, within reach: RegionScope.Reach,
                              on sql: any SQLDatabase) async throws -> [Candidate] {
        try await candidates(sql.raw("""
            SELECT p.id, p.folded_first, p.folded_last, p.date_of_birth FROM people p
            WHERE p.\(unsafeRaw: pair.column) = \(bind: pair.word)\(rest(pair, born: born, on: sql))
              AND EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id AND \(reach.condition(on: "r.region_id")))
            LIMIT \(literal: pair.firstPrefix == nil && born == nil ? shown + 1 : perQuery)
            """))
    }

    /// People whose name shares the word's first two letters and is near its length (a slip away), or begins
    /// with the whole word, with a referral in scope.
    private static func names(near pair: NamePair, born: String?, within reach: RegionScope.Reach,
                              on sql: any SQLDatabase) async throws -> [Candidate] {
        let word = pair.word
        let prefix = PersonSearchScore.indexPrefix(of: word)
        let slips = PersonSearchScore.slipsAllowed(length: word.count + 2)
        let column = orderedByCodePoint("p." + pair.column, on: sql)
        return try await candidates(sql.raw("""
            SELECT p.id, p.folded_first, p.folded_last, p.date_of_birth FROM people p
            WHERE \(column) >= \(bind: prefix) AND \(column) < \(bind: prefix + upperBound)
              AND (length(p.\(unsafeRaw: pair.column)) BETWEEN \(literal: word.count - slips) AND \(literal: word.count + slips)
                   OR (\(column) >= \(bind: word) AND \(column) < \(bind: word + upperBound)))\(rest(pair, born: born, on: sql))
              AND EXISTS (SELECT 1 FROM referrals r WHERE r.person_id = p.id AND \(reach.condition(on: "r.region_id")))
            LIMIT \(literal: perQuery)
            """))
    }

    private static func candidates(_ query: SQLRawBuilder) async throws -> [Candidate] {
        struct Row: Decodable { let id: UUID; let folded_first: String; let folded_last: String; let date_of_birth: String }
        return try await query.all(decoding: Row.self).map {
            Candidate(id: $0.id, first: $0.folded_first, last: $0.folded_last, born: $0.date_of_birth)
        }
    }

    private static func bornOn(_ date: CivilDate, on sql: any SQLDatabase) async throws -> [Candidate] {
        try await candidates(sql.raw("""
            SELECT id, folded_first, folded_last, date_of_birth FROM people WHERE date_of_birth = \(bind: date.description)
            LIMIT \(literal: perQuery)
            """))
    }

    private static func people(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [Candidate] {
        var found: [Candidate] = []
        for chunk in ids.chunked(into: 500) {
            found += try await candidates(sql.raw("""
                SELECT id, folded_first, folded_last, date_of_birth FROM people WHERE id IN (\(binds: Array(chunk)))
                """))
        }
        return found
    }

    private static func aliasesOf(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: [String]] {
        struct Row: Decodable { let person_id: UUID; let folded: String }
        var aliases: [UUID: [String]] = [:]
        for chunk in ids.chunked(into: 500) {
            for row in try await sql.raw("SELECT person_id, folded FROM person_aliases WHERE person_id IN (\(binds: Array(chunk)))")
                .all(decoding: Row.self) {
                aliases[row.person_id, default: []].append(row.folded)
            }
        }
        return aliases
    }

    /// Which of these people have a referral in `reach`, and have not been merged into another. Not
    /// `PersonMatchQuery.heldPeople`: that one trusts a national lead's reach without a query, and a candidate found
    /// by date of birth, alias or ref may be a record merged away.
    private static func heldPeople(_ ids: [UUID], within reach: RegionScope.Reach, on sql: any SQLDatabase) async throws -> Set<UUID> {
        struct Row: Decodable { let person_id: UUID }
        var held = Set<UUID>()
        for chunk in ids.chunked(into: 500) {
            let rows = try await sql.raw("""
                SELECT DISTINCT r.person_id FROM referrals r JOIN people p ON p.id = r.person_id
                WHERE r.person_id IN (\(binds: Array(chunk))) AND p.merged_into_id IS NULL AND \(reach.condition(on: "r.region_id"))
                """).all(decoding: Row.self)
            held.formUnion(rows.map(\.person_id))
        }
        return held
    }
}
