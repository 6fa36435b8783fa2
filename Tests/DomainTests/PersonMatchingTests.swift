import Domain
import Testing

@Suite("Person matching")
struct PersonMatchingTests {
    @Test("Names fold case, spaces, hyphens, apostrophes and accents", arguments: [
        ("Zoë", "zoe"), ("O'Neill", "oneill"), ("O’Neill", "oneill"), ("Smith-Jones", "smithjones"),
        ("  mary  ann ", "maryann"), ("NUÑEZ", "nunez"), ("Łukasz", "lukasz"), ("Ægir", "aegir"), ("St. John", "stjohn"),
    ])
    func folding(name: String, folded: String) {
        #expect(NameFolding.fold(name) == folded)
    }

    @Test("Soundex keys survive common misspellings", arguments: [
        ("Robert", "R163"), ("Rupert", "R163"), ("Ashcraft", "A261"), ("Tymczak", "T522"), ("Pfister", "P236"),
        ("Smith", "S530"), ("Smyth", "S530"), ("Lee", "L000"),
    ])
    func soundex(name: String, key: String) {
        #expect(Soundex.key(name) == key)
    }

    static func key(_ first: String, _ last: String, _ dob: String, aliases: [String] = []) -> PersonKey {
        PersonKey(firstName: first, lastName: last, dateOfBirth: CivilDate(dob)!, aliases: aliases)
    }

    @Test("The same folded name and date of birth is the same person")
    func exact() {
        #expect(PersonMatcher.compare(Self.key("ZOË", "o'neill", "2008-03-04"), with: Self.key("Zoe", "O Neill", "2008-03-04")) == .same)
    }

    @Test("Near matches are offered with their reason", arguments: [
        (key("Tyler", "Brown", "2008-03-04"), key("Tyler", "Brown", "2008-04-03"), NearMatch.transposedDateOfBirth),
        (key("Tyler", "Brown", "2008-03-04"), key("Tyler", "Brown", "2008-03-07"), NearMatch.dateOfBirthOneDigit),
        (key("Tyler", "Brown", "2008-03-04"), key("Tyler", "Brown", "2006-03-04"), NearMatch.dateOfBirthOneDigit),
        (key("Tom", "Hughes", "2007-11-20"), key("Thomas", "Hughes", "2007-11-20"), NearMatch.nickname),
        (key("Kyle", "Smyth", "2007-11-20"), key("Kyle", "Smith", "2007-11-20"), NearMatch.misspeltSurname),
        (key("Kyle", "Johnstone", "2007-11-20"), key("Kyle", "Jonstone", "2007-11-20"), NearMatch.misspeltSurname),
        (key("Amir", "Khan-Ali", "2007-11-20"), key("Amir", "Khan", "2007-11-20"), NearMatch.doubleBarrelledSurname),
        (key("Jay", "Stone", "2007-11-20"), key("Jamal", "Richards", "2007-11-20", aliases: ["Jay Stone"]), NearMatch.alias),
    ])
    func nearMatches(referred: PersonKey, known: PersonKey, reason: NearMatch) {
        #expect(PersonMatcher.compare(referred, with: known) == .possible(reason))
    }

    @Test("Different people are not matched", arguments: [
        (key("Tyler", "Brown", "2008-03-04"), key("Tyler", "Brown", "2009-05-04")),
        (key("Tyler", "Brown", "2008-03-04"), key("Jordan", "Green", "2008-03-04")),
        (key("Tom", "Hughes", "2007-11-20"), key("Thomas", "Hughes", "2007-11-21")),
        (key("Kyle", "Smith", "2007-11-20"), key("Kyle", "Patel", "2007-11-20")),
    ])
    func noMatch(referred: PersonKey, known: PersonKey) {
        #expect(PersonMatcher.compare(referred, with: known) == nil)
    }

    @Test("Candidate dates of birth cover the same day, the swap and every one-digit change, all real dates")
    func candidateDates() {
        let dates = PersonMatcher.candidateDates(for: CivilDate("2008-03-04")!)
        #expect(dates.first == CivilDate("2008-03-04"))
        #expect(dates.contains(CivilDate("2008-04-03")!))
        #expect(dates.contains(CivilDate("2008-03-07")!))
        #expect(dates.contains(CivilDate("2018-03-04")!))
        #expect(dates.contains(CivilDate("2008-03-14")!))
        #expect(Set(dates).count == dates.count)
        #expect(dates.count < 80, "a bounded IN list for an indexed lookup")
        #expect(!PersonMatcher.candidateDates(for: CivilDate("2008-03-03")!).dropFirst().contains(CivilDate("2008-03-03")!))
    }
}

@Suite("Report metrics")
struct MetricTests {
    @Test("Percentages round half away from zero to one decimal place", arguments: [
        (1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3), (80, 100, 80.0), (0, 5, 0.0), (-1, 16, -6.3),
        (5, 5, 100.0), (7, 4, 175.0), (1, 2000, 0.1), (1, 2001, 0.0),
    ])
    func rounding(numerator: Int, denominator: Int, percent: Double) {
        #expect(Metric(numerator: numerator, denominator: denominator).percent == percent)
    }

    @Test("No denominator, no percentage")
    func zeroDenominator() {
        #expect(Metric(numerator: 0, denominator: 0).percent == nil)
    }
}

@Suite("Small-number suppression")
struct SuppressionTests {
    @Test("Counts from 1 to 4 are small; zero and 5 or more are not")
    func primary() {
        #expect(!Suppression.isSmall(0) && Suppression.isSmall(1) && Suppression.isSmall(4) && !Suppression.isSmall(5))
    }
}

@Suite("Redaction review")
struct RedactionReviewTests {
    @Test("Other people's names are flagged; the young person's own, sentence starts and ordinary words are not")
    func flags() {
        let segments = RedactionReview.segments("Met Zoe at the park. She was with Jason Smith and her Mum, then saw PC Patel on Monday.",
                                                subjectNames: ["Zoë O'Neill"])
        let flagged = segments.filter(\.flagged).map(\.text)
        #expect(flagged == ["Jason", "Smith", "Patel"])
        #expect(segments.map(\.text).joined() == "Met Zoe at the park. She was with Jason Smith and her Mum, then saw PC Patel on Monday.")
    }
}
