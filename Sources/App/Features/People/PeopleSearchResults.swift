import Domain
import Foundation
import SQLKit

/// The search box's answer as shown (`PeopleSearch`): each chosen young person with their names, aliases, and their
/// referrals and cases in the user's scope, in three statements whatever the number shown.
enum PeopleSearchResults {
    /// The chosen people as shown: names, aliases, and their referrals and cases in scope, newest first.
    static func describe(_ ids: [UUID], within reach: RegionScope.Reach, on sql: any SQLDatabase) async throws -> [PeopleSearch.Result.Person] {
        guard !ids.isEmpty else { return [] }
        struct PersonRow: Decodable { let id: UUID; let first_name: String; let last_name: String; let date_of_birth: String }
        struct AliasRow: Decodable { let person_id: UUID; let name: String }
        struct ReferralRow: Decodable {
            let id: UUID; let person_id: UUID; let ref: String; let received_date: String; let status: String; let region: String
            let case_id: UUID?; let opened_date: String?; let closed_date: String?
        }
        let people = try await sql.raw("""
            SELECT id, first_name, last_name, date_of_birth FROM people WHERE id IN (\(binds: ids))
            """).all(decoding: PersonRow.self)
        let aliases = try await sql.raw("SELECT person_id, name FROM person_aliases WHERE person_id IN (\(binds: ids))")
            .all(decoding: AliasRow.self)
        let referrals = try await sql.raw("""
            SELECT r.id, r.person_id, r.ref, r.received_date, r.status, g.name AS region,
                c.id AS case_id, c.opened_date, c.closed_date
            FROM referrals r JOIN regions g ON g.id = r.region_id LEFT JOIN cases c ON c.referral_id = r.id
            WHERE r.person_id IN (\(binds: ids)) AND \(reach.condition(on: "r.region_id"))
            ORDER BY r.received_date DESC, r.ref
            """).all(decoding: ReferralRow.self)
        let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
        return ids.compactMap { id in
            guard let person = byID[id] else { return nil }
            let theirs = referrals.filter { $0.person_id == id }
            return PeopleSearch.Result.Person(
                id: id, firstName: person.first_name, lastName: person.last_name, dateOfBirth: person.date_of_birth,
                aliases: aliases.filter { $0.person_id == id }.map(\.name),
                referrals: theirs.map {
                    PeopleSearch.Result.Record(id: $0.id, ref: $0.ref, date: $0.received_date,
                                  detail: Referral.Status(rawValue: $0.status)?.label ?? $0.status, region: $0.region)
                },
                cases: theirs.compactMap { row in
                    row.case_id.map {
                        PeopleSearch.Result.Record(id: $0, ref: row.ref, date: row.opened_date ?? "",
                                      detail: row.closed_date.map { "Closed \($0)" } ?? "Open", region: row.region)
                    }
                })
        }
    }
}
