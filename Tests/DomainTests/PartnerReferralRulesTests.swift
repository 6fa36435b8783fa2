import Domain
import Foundation
import Testing

@Suite("The partners' front door: routing, listed domains and the call-back clock")
struct PartnerReferralRulesTests {
    static let regionOf: [String: String] = ["camden": "london", "birmingham": "west-midlands", "wirral": "merseyside"]

    @Test("Routed by the home area, else by where the young person is now, else to the national lead", arguments: [
        ("camden", "birmingham", PartnerReferralRouting.region(code: "london", basis: .homeLocalAuthority)),
        ("camden", nil, .region(code: "london", basis: .homeLocalAuthority)),
        (nil, "birmingham", .region(code: "west-midlands", basis: .whereNow)),
        ("cornwall", "wirral", .region(code: "merseyside", basis: .whereNow)),
        ("cornwall", "devon", .nationalTriage),
        (nil, nil, .nationalTriage),
    ] as [(String?, String?, PartnerReferralRouting)])
    func routing(home: String?, now: String?, expected: PartnerReferralRouting) {
        #expect(PartnerReferralRouting.route(homeLocalAuthority: home, whereNow: now) { Self.regionOf[$0] } == expected)
    }

    @Test("An address is in a listed domain only at a dot boundary, whatever its case", arguments: [
        ("pc.smith@met.police.uk", "police.uk"),
        ("PC.Smith@Met.Police.UK", "police.uk"),
        ("officer@police.uk", "police.uk"),
        ("nurse@nhs.net", "nhs.net"),
        ("head@oakfield.sch.uk", "sch.uk"),
        ("someone@notpolice.uk", nil),
        ("someone@police.uk.example.com", nil),
        ("someone@example.org", nil),
        ("police.uk", nil),
        ("x@", nil),
        ("x@@police.uk", "police.uk"),
        ("x@police..uk", nil),
    ] as [(String, String?)])
    func listedDomains(email: String, expected: String?) {
        #expect(PartnerDomainTrust.listedDomain(of: email, listed: ["police.uk", "nhs.net", "sch.uk", "gov.uk"]) == expected)
    }

    @Test("The most specific listed domain is named")
    func mostSpecific() {
        #expect(PartnerDomainTrust.listedDomain(of: "a@met.police.uk", listed: ["police.uk", "met.police.uk"]) == "met.police.uk")
    }

    @Test("The clock: minutes left rounded up, overdue rounded down, stopped by the call-back")
    func clock() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = CallBackClock(due: start.addingTimeInterval(3600), calledBackAt: nil)
        #expect(clock.state(at: start) == .running(minutesLeft: 60))
        #expect(clock.summary(at: start) == "1 hour left")
        #expect(clock.summary(at: start.addingTimeInterval(3600 - 61)) == "2 minutes left")
        #expect(clock.summary(at: start.addingTimeInterval(3599)) == "1 minute left")
        #expect(!clock.isOverdue(at: start.addingTimeInterval(3599)))
        #expect(clock.isOverdue(at: start.addingTimeInterval(3600)))
        #expect(clock.summary(at: start.addingTimeInterval(3600 + 59)) == "due now")
        #expect(clock.summary(at: start.addingTimeInterval(3600 + 65 * 60)) == "overdue by 1 hour 5 minutes")
        let called = CallBackClock(due: clock.due, calledBackAt: start.addingTimeInterval(600))
        #expect(called.summary(at: start.addingTimeInterval(7200)) == "called back")
        #expect(!called.isOverdue(at: start.addingTimeInterval(7200)))
    }
}
