import Domain
import Fluent
import Foundation

/// Finds the people a referred young person may be (SPEC §2.2) through indexed keys only: the same date of birth
/// (`people_match`, which leads with it); the same folded name with a date of birth a near match may have (day and month
/// swapped, one digit out: `people_match` again, one look-up per date); and aliases (folded-alias index). Never a scan
/// of every person.
enum PersonMatchQuery {
    struct Candidate: Sendable {
        let person: Person
        let result: MatchResult
    }

    /// What a user may be told about the people a referred young person may be: the candidates their regions hold,
    /// and whether a young person of exactly this name and date of birth is held only by a region outside them
    /// (said as such, never who or where: SPEC §1, §2.2).
    struct Matches: Sendable {
        let candidates: [Candidate]
        let heldElsewhere: Bool

        var same: Person? { candidates.first { $0.result == .same }?.person }
    }

    /// The one way a person's matches reach a user: only people with a referral in `reach` are candidates.
    static func matches(for key: PersonKey, excluding: UUID? = nil, within reach: RegionScope.Reach,
                        on db: any Database) async throws -> Matches {
        let everyone = try await candidates(for: key, excluding: excluding, on: db)
        let held = try await heldPeople(everyone.compactMap(\.person.id), within: reach, on: db)
        let visible = everyone.filter { held.contains($0.person.id!) }
        let elsewhere = everyone.contains { $0.result == .same && !held.contains($0.person.id!) }
        return Matches(candidates: visible, heldElsewhere: elsewhere)
    }

    /// Which of these people have a referral in `reach`.
    static func heldPeople(_ ids: [UUID], within reach: RegionScope.Reach, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        switch reach {
        case .everywhere: return Set(ids)
        case .nowhere: return []
        case let .regions(regionIDs):
            return Set(try await Referral.query(on: db).filter(\.$person.$id ~~ ids).filter(\.$region.$id ~~ regionIDs)
                .field(\.$person.$id).all().map(\.$person.id))
        }
    }

    /// Every candidate in every region: for `matches`, and for the benchmark's timing of the look-up itself.
    static func candidates(for key: PersonKey, excluding: UUID? = nil, on db: any Database) async throws -> [Candidate] {
        // Everyone born that day (name variants are judged in Swift); for the other dates a near match may have,
        // only people of exactly the same folded name (PersonMatcher's rule), one `people_match` look-up per date.
        let otherDates = PersonMatcher.candidateDates(for: key.dateOfBirth).dropFirst().map(\.description)
        var people = try await Person.query(on: db).filter(\.$dateOfBirth == key.dateOfBirth.description)
            .filter(\.$mergedIntoID == nil).with(\.$aliases).all()
        people += try await Person.query(on: db).filter(\.$foldedLast == key.foldedLast).filter(\.$foldedFirst == key.foldedFirst)
            .filter(\.$dateOfBirth ~~ Array(otherDates)).filter(\.$mergedIntoID == nil).with(\.$aliases).all()
        let typedNames = ([key.foldedFullName] + key.aliases.map(NameFolding.fold)).filter { !$0.isEmpty }
        let aliasOwners = try await PersonAlias.query(on: db).filter(\.$folded ~~ typedNames).all().map(\.$person.id)
        let known = Set(people.compactMap(\.id))
        let missing = Set(aliasOwners).subtracting(known)
        if !missing.isEmpty {
            people += try await Person.query(on: db).filter(\.$id ~~ Array(missing)).filter(\.$mergedIntoID == nil)
                .with(\.$aliases).all()
        }
        return people.compactMap { person in
            guard person.id != excluding, let born = CivilDate(person.dateOfBirth) else { return nil }
            let candidate = PersonKey(firstName: person.firstName, lastName: person.lastName, dateOfBirth: born,
                                      aliases: person.aliases.map(\.name))
            if let result = PersonMatcher.compare(key, with: candidate) { return Candidate(person: person, result: result) }
            // An alias shared across different dates of birth is still worth a look.
            if aliasOwners.contains(person.id!) { return Candidate(person: person, result: .possible(.alias)) }
            return nil
        }
    }

    static func key(of person: Person) -> PersonKey? {
        guard let born = CivilDate(person.dateOfBirth) else { return nil }
        return PersonKey(firstName: person.firstName, lastName: person.lastName, dateOfBirth: born,
                         aliases: person.$aliases.value?.map(\.name) ?? [])
    }
}
