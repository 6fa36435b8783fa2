import Domain
import Fluent
import Foundation

/// Exact person matching for many rows at once: everyone born on the rows' dates of birth, fetched through the
/// date-of-birth index, keyed by folded first name, folded last name and date of birth (SPEC §2.2).
struct PeopleIndex {
    private var byKey: [String: Person] = [:]

    static func key(first: String, last: String, dateOfBirth: String) -> String {
        NameFolding.fold(first) + "\u{1F}" + NameFolding.fold(last) + "\u{1F}" + dateOfBirth
    }

    static func load(dates: Set<String>, on db: any Database) async throws -> PeopleIndex {
        var index = PeopleIndex()
        for chunk in Array(dates).chunked(into: 500) {
            let people = try await Person.query(on: db).filter(\.$dateOfBirth ~~ chunk).filter(\.$mergedIntoID == nil).all()
            for person in people { index.add(person) }
        }
        return index
    }

    mutating func add(_ person: Person) {
        let key = Self.key(first: person.foldedFirst, last: person.foldedLast, dateOfBirth: person.dateOfBirth)
        if byKey[key] == nil { byKey[key] = person }
    }

    func match(_ row: ReferralRow) -> Person? {
        byKey[Self.key(first: row.firstName, last: row.lastName, dateOfBirth: row.dateOfBirth.description)]
    }

    static func makePerson(_ row: ReferralRow, regionID: UUID) -> Person {
        Person.make(firstName: row.firstName, lastName: row.lastName, dateOfBirth: row.dateOfBirth, gender: row.gender,
                    ethnicity: row.ethnicity, homeLocalAuthority: row.homeLocalAuthority, regionID: regionID)
    }
}
