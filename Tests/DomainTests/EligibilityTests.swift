import Domain
import Testing

@Suite("Screening a referral")
struct EligibilityTests {
    static let westMidlands: Set<String> = ["birmingham", "coventry", "dudley", "sandwell", "solihull", "walsall", "wolverhampton"]

    static func assess(born: String, received: String = "2024-01-10", home: String = "birmingham",
                       types: [String] = ["county_lines"]) -> Eligibility {
        Eligibility.assess(received: CivilDate(received)!, dateOfBirth: CivilDate(born)!, homeLocalAuthority: home,
                           regionLocalAuthorities: westMidlands, exploitationTypes: types)
    }

    @Test("Under 25 on the received date, from the region, with an exploitation type: eligible")
    func eligible() {
        #expect(Self.assess(born: "2007-05-01").isEligible)
    }

    @Test("25 on the day of referral is too old; 24 the day before is not", arguments: [
        ("1999-01-10", false), ("1999-01-11", true), ("1999-01-09", false),
    ])
    func ageBoundary(born: String, eligible: Bool) {
        #expect(Self.assess(born: born).isEligible == eligible)
    }

    @Test("Born on 29 February: 25 on 1 March of a year without one")
    func leapDay() {
        #expect(Self.assess(born: "2000-02-29", received: "2025-02-28").isEligible)
        #expect(Self.assess(born: "2000-02-29", received: "2025-03-01").reasons == [.age25OrOver])
    }

    @Test("Every failing reason is kept, in the order reports rank them")
    func reasonsInOrder() {
        let result = Self.assess(born: "1990-01-01", home: "leeds", types: [])
        #expect(result.reasons == [.outsideArea, .age25OrOver, .noExploitationConcern])
        #expect(result.firstReason == .outsideArea)
        #expect(Self.assess(born: "2008-01-01", types: []).firstReason == .noExploitationConcern)
        #expect(Eligibility(reasons: [.noExploitationConcern, .outsideArea]).reasons == [.outsideArea, .noExploitationConcern])
    }
}
