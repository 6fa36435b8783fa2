/// Matching a referred young person against people already known (SPEC §2.2). The same folded first name,
/// last name and date of birth is the same person; near matches are only ever offered, with their reason.
public struct PersonKey: Sendable, Equatable {
    public let firstName: String
    public let lastName: String
    public let dateOfBirth: CivilDate
    public let aliases: [String]

    public init(firstName: String, lastName: String, dateOfBirth: CivilDate, aliases: [String] = []) {
        self.firstName = firstName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.aliases = aliases
    }

    public var foldedFirst: String { NameFolding.fold(firstName) }
    public var foldedLast: String { NameFolding.fold(lastName) }
    public var foldedFullName: String { foldedFirst + foldedLast }
    public var surnameKey: String { Soundex.key(lastName) }
}

public enum MatchResult: Equatable, Sendable {
    case same
    case possible(NearMatch)
}

public enum NearMatch: String, Sendable, CaseIterable {
    case transposedDateOfBirth = "transposed_date_of_birth"
    case dateOfBirthOneDigit = "date_of_birth_one_digit"
    case nickname
    case misspeltSurname = "misspelt_surname"
    case doubleBarrelledSurname = "double_barrelled_surname"
    case alias

    public var explanation: String {
        switch self {
        case .transposedDateOfBirth: "Same name; day and month of birth swapped"
        case .dateOfBirthOneDigit: "Same name; date of birth differs by one digit"
        case .nickname: "Same surname and date of birth; first name is a short form"
        case .misspeltSurname: "Same first name and date of birth; surname spelt differently"
        case .doubleBarrelledSurname: "Same first name and date of birth; one surname is part of the other"
        case .alias: "Same date of birth; name matches a known alias"
        }
    }
}

public enum PersonMatcher {
    /// The dates of birth a near match may have: the same, day and month swapped, or any one digit changed.
    /// Candidates are fetched by these through an index, never by scanning every person.
    public static func candidateDates(for date: CivilDate) -> [CivilDate] {
        var dates: [CivilDate] = [date]
        if date.day <= 12, date.day != date.month, let swapped = CivilDate(String(format: "%04d-%02d-%02d", date.year, date.day, date.month)) {
            dates.append(swapped)
        }
        let digits = Array(date.description.replacingOccurrences(of: "-", with: ""))
        for position in digits.indices {
            for replacement in "0123456789" where replacement != digits[position] {
                var changed = digits
                changed[position] = replacement
                let text = String(changed)
                let formatted = "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.suffix(2))"
                if let candidate = CivilDate(formatted), !dates.contains(candidate) { dates.append(candidate) }
            }
        }
        return dates
    }

    public static func compare(_ referred: PersonKey, with known: PersonKey) -> MatchResult? {
        let sameFirst = referred.foldedFirst == known.foldedFirst
        let sameLast = referred.foldedLast == known.foldedLast
        if referred.dateOfBirth == known.dateOfBirth {
            if sameFirst && sameLast { return .same }
            if let reason = nameNearMatch(referred, known, sameFirst: sameFirst, sameLast: sameLast) {
                return .possible(reason)
            }
            return nil
        }
        guard sameFirst && sameLast else { return nil }
        let a = referred.dateOfBirth, b = known.dateOfBirth
        if a.year == b.year && a.day == b.month && a.month == b.day { return .possible(.transposedDateOfBirth) }
        if digitDifferences(a, b) == 1 { return .possible(.dateOfBirthOneDigit) }
        return nil
    }

    private static func nameNearMatch(_ referred: PersonKey, _ known: PersonKey, sameFirst: Bool, sameLast: Bool) -> NearMatch? {
        if sameLast && Nicknames.areEquivalent(referred.foldedFirst, known.foldedFirst) { return .nickname }
        if sameFirst || Nicknames.areEquivalent(referred.foldedFirst, known.foldedFirst) {
            let referredParts = NameFolding.parts(referred.lastName), knownParts = NameFolding.parts(known.lastName)
            if referredParts.count != knownParts.count,
               !Set(referredParts).isDisjoint(with: knownParts) { return .doubleBarrelledSurname }
            let distance = EditDistance.between(referred.foldedLast, known.foldedLast)
            let allowed = max(referred.foldedLast.count, known.foldedLast.count) >= 7 ? 2 : 1
            if referred.surnameKey == known.surnameKey || distance <= allowed { return .misspeltSurname }
        }
        let referredNames = Set([referred.foldedFullName] + referred.aliases.map(NameFolding.fold))
        let knownNames = Set([known.foldedFullName] + known.aliases.map(NameFolding.fold))
        if !referredNames.isDisjoint(with: knownNames) { return .alias }
        return nil
    }

    private static func digitDifferences(_ a: CivilDate, _ b: CivilDate) -> Int {
        zip(a.description, b.description).filter { $0 != $1 }.count
    }
}
