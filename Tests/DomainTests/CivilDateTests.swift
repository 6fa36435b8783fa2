@testable import Domain
import Foundation
import Testing

@Suite("Dates, ages and financial years")
struct CivilDateTests {
    @Test("A date parses only when it is a real calendar day", arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("2023-04-31", false), ("2023-4-01", false),
        ("23-04-01", false), ("2023-13-01", false), ("2023-00-10", false), ("", false), ("2023-12-31", true),
        // Signs, spaces and digits of other scripts are not part of a date.
        ("+202-04-01", false), ("2023-+4-01", false), ("2023-04- 1", false), (" 2023-04-01", false),
        ("2023-04-0١", false), ("2023/04/01", false), ("0987-03-04", true),
    ])
    func parsing(text: String, valid: Bool) {
        #expect((CivilDate(text) != nil) == valid)
    }

    @Test("Age counts whole years, with the birthday itself counted", arguments: [
        ("2000-06-15", "2024-06-14", 23), ("2000-06-15", "2024-06-15", 24), ("2000-06-15", "2024-06-16", 24),
        // Born on 29 February: a year older on 1 March when the year has no 29 February…
        ("2008-02-29", "2025-02-28", 16), ("2008-02-29", "2025-03-01", 17),
        // …and on 29 February itself in a leap year.
        ("2008-02-29", "2024-02-28", 15), ("2008-02-29", "2024-02-29", 16),
        ("1999-12-31", "2024-12-31", 25), ("1999-12-31", "2024-12-30", 24),
    ])
    func age(born: String, on: String, expected: Int) {
        #expect(CivilDate(born)!.age(on: CivilDate(on)!) == expected)
    }

    @Test("A financial year runs from 1 April to 31 March")
    func financialYear() {
        let year = FinancialYear("2023-24")!
        #expect(year.start == CivilDate(year: 2023, month: 4, day: 1))
        #expect(year.end == CivilDate(year: 2024, month: 3, day: 31))
        #expect(year.description == "2023-24")
        #expect(year.previous.description == "2022-23")
        #expect(FinancialYear.containing(CivilDate("2024-03-31")!) == year)
        #expect(FinancialYear.containing(CivilDate("2024-04-01")!) == FinancialYear("2024-25"))
        #expect(FinancialYear("1999-00")?.description == "1999-00")
    }

    @Test("Malformed financial years are refused", arguments: ["2023-25", "2023", "2023/24", "23-24", "2023-2024"])
    func badFinancialYear(text: String) {
        #expect(FinancialYear(text) == nil)
    }
}

@Suite("Demo data")
struct DemoGeneratorTests {
    static let authorities = ["west-midlands": ["birmingham", "coventry", "dudley", "sandwell", "solihull", "walsall", "wolverhampton"]]

    static func generate(seed: UInt64) -> DemoGenerator.Output {
        let plan = DemoGenerator.Plan(years: [FinancialYear("2023-24")!], referralsPerYear: ["west-midlands": 400],
                                      today: CivilDate("2026-11-23")!)
        var generator = DemoGenerator(seed: seed, plan: plan, regionAuthorities: authorities)
        return generator.generate()
    }

    @Test("The same seed gives the same data; another seed does not")
    func deterministic() {
        #expect(Self.generate(seed: 7).referrals == Self.generate(seed: 7).referrals)
        #expect(Self.generate(seed: 7).referrals != Self.generate(seed: 8).referrals)
    }

    @Test("Proportions follow the seed report: mostly police, few girls, refusals mostly outside the area")
    func proportions() {
        let rows = Self.generate(seed: 1).referrals
        let support = rows.filter { $0.service == "support" }
        #expect(support.count == 400)
        let sources = Dictionary(grouping: support, by: \.referralSource).mapValues(\.count)
        #expect(sources.max { $0.value < $1.value }?.key == "police")
        #expect(support.filter { $0.gender == "female" }.count < support.filter { $0.gender == "male" }.count / 3)
        let local = Set(Self.authorities["west-midlands"]!)
        let outside = support.filter { !local.contains($0.homeLocalAuthority) }.count
        let tooOld = support.filter { local.contains($0.homeLocalAuthority) && $0.dateOfBirth.age(on: $0.receivedDate) >= 25 }.count
        #expect(outside > tooOld)
        #expect(rows.allSatisfy { $0.receivedDate >= CivilDate("2023-04-01")! && $0.receivedDate <= CivilDate("2024-03-31")! })
        #expect(rows.allSatisfy { row in (row.caseOpened ?? row.receivedDate) >= row.receivedDate })
        #expect(rows.allSatisfy { row in row.caseClosed.map { $0 >= row.caseOpened! } ?? true })
        #expect(rows.contains { $0.service == "rescue" && $0.rescueArrivedAt != nil })
    }

    @Test("Day numbers round-trip across leap years and centuries", arguments: ["1970-01-01", "2000-02-29", "2024-03-01", "1999-12-31", "2100-03-01"])
    func dayNumbers(text: String) {
        let date = CivilDate(text)!
        #expect(DemoGenerator.date(fromDayNumber: DemoGenerator.dayNumber(date)) == date)
        #expect(DemoGenerator.dayNumber(CivilDate("1970-01-02")!) == 1)
    }
}

@Suite("Import timestamps")
struct ImportTimestampTests {
    @Test("UTC, offsets and UK local time; short or odd text is refused, never a crash")
    func parsing() {
        #expect(ImportTimestamp.parse("2023-05-01T02:10:00Z") == Date(timeIntervalSince1970: 1_682_907_000))
        #expect(ImportTimestamp.parse("2023-05-01T03:10+01:00") == Date(timeIntervalSince1970: 1_682_907_000))
        #expect(ImportTimestamp.parse("2023-05-01 03:10") == Date(timeIntervalSince1970: 1_682_907_000), "BST")
        for text in ["", "a+b", "-", "2023-05-01", "2023-05-01T25:00", "2023-05-01T10:00+99:00", "+0000000000"] {
            #expect(ImportTimestamp.parse(text) == nil, "\(text)")
        }
    }
}
