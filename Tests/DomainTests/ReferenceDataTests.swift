import Domain
import Testing

@Suite("Reference data, codes and passwords")
struct ReferenceDataTests {
    @Test("The seeded regions cover the local authorities SPEC §3 lists")
    func regions() {
        let byCode = Dictionary(uniqueKeysWithValues: RegionSeed.all.map { ($0.code, $0.localAuthorities) })
        #expect(byCode["london"]?.count == 33)
        #expect(byCode["london"]?.contains("city-of-london") == true)
        #expect(byCode["west-midlands"] == ["birmingham", "coventry", "dudley", "sandwell", "solihull", "walsall", "wolverhampton"])
        #expect(byCode["greater-manchester"]?.count == 10)
        #expect(byCode["merseyside"]?.count == 5)
        let all = RegionSeed.all.flatMap(\.localAuthorities)
        #expect(Set(all).count == all.count, "a local authority belongs to one region")
        #expect(all.allSatisfy(Code.isValid))
    }

    @Test("Local authority codes read back as names", arguments: [
        ("kingston-upon-thames", "Kingston upon Thames"), ("city-of-london", "City of London"),
        ("barking-and-dagenham", "Barking and Dagenham"), ("st-helens", "St Helens"), ("wirral", "Wirral"),
    ])
    func placeNames(code: String, name: String) {
        #expect(PlaceName.fromCode(code) == name)
    }

    @Test("Every code list of SPEC §5 is seeded with valid, distinct codes")
    func codeLists() {
        #expect(CodeList.exploitationType.seed.map(\.code).contains("cuckooing"))
        #expect(CodeList.referralSource.seed.count == 11)
        #expect(CodeList.gender.seed.map(\.code) == ["male", "female", "non_binary", "other", "not_known"])
        for list in CodeList.allCases {
            let codes = list.seed.map(\.code)
            #expect(Set(codes).count == codes.count)
            #expect(codes.allSatisfy(Code.isValid), "\(list)")
        }
        #expect(!Code.isValid("Has Space"))
        #expect(!Code.isValid(""))
        #expect(!Code.isValid("<script>"))
    }

    @Test("Passwords: at least 12 characters, long ones allowed, common ones and the email refused")
    func passwordPolicy() {
        let policy = PasswordPolicy(commonPasswords: ["password1234", "qwertyuiop12"])
        #expect(policy.problem(with: "short") == .tooShort)
        #expect(policy.problem(with: "elevenchars") == .tooShort)
        #expect(policy.problem(with: "PASSWORD1234") == .common)
        #expect(policy.problem(with: "lantern orchard velvet") == nil)
        #expect(policy.problem(with: String(repeating: "x7", count: 32)) == nil, "64 characters are allowed")
        #expect(policy.problem(with: String(repeating: "x", count: 129)) == .tooLong)
        #expect(policy.problem(with: "sam.jones-is-great", email: "sam.jones@example.org") == .containsEmail)
        #expect(Role.caseworker.isRegional && Role.manager.isRegional && !Role.admin.isRegional)
    }
}

@Suite("Capacity")
struct CapacityTests {
    @Test("Long-term sickness removes capacity while it lasts; other absences do not")
    func capacity() {
        let today = CivilDate("2024-03-01")!
        let sick = Capacity.AbsencePeriod(kind: "long_term_sickness", from: CivilDate("2024-01-01")!, to: nil)
        let ended = Capacity.AbsencePeriod(kind: "long_term_sickness", from: CivilDate("2023-01-01")!, to: CivilDate("2023-06-01")!)
        let leave = Capacity.AbsencePeriod(kind: "annual_leave", from: CivilDate("2024-02-28")!, to: CivilDate("2024-03-05")!)
        #expect(Capacity.available(contracted: 12, absences: [sick], on: today) == 0)
        #expect(Capacity.available(contracted: 12, absences: [ended, leave], on: today) == 12)
        #expect(sick.covers(CivilDate("2024-01-01")!) && !ended.covers(today))
    }
}
