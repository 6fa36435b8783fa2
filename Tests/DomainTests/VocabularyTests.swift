import Domain
import Foundation
import Testing

@Suite("Risk levels")
struct RiskLevelTests {
    @Test("The wait for a lead: an hour when red, three hours otherwise", arguments: [
        (RiskLevel.red, 3600.0), (.amber, 10800), (.green, 10800), (nil, 10800),
    ] as [(RiskLevel?, TimeInterval)])
    func leadWait(risk: RiskLevel?, target: TimeInterval) {
        #expect(RiskLevel.leadWaitTarget(risk) == target)
    }

    @Test("Becoming red raises a red-case alert; staying red, or any other rating, does not", arguments: [
        (nil, RiskLevel.red, true), (.amber, .red, true), (.green, .red, true), (.red, .red, false),
        (.red, .amber, false), (nil, .green, false), (.amber, .amber, false),
    ] as [(RiskLevel?, RiskLevel, Bool)])
    func redAlert(previous: RiskLevel?, new: RiskLevel, raises: Bool) {
        #expect(RiskLevel.raisesAlert(from: previous, to: new) == raises)
    }
}

@Suite("Rescue vocabulary")
struct RescueVocabularyTests {
    @Test("Every outcome but declining needs the arrival; stored values are the reported ones")
    func outcomes() {
        #expect(RescueOutcome.allCases.filter { !$0.needsArrival } == [.declined])
        #expect(RescueOutcome.allCases.map(\.rawValue) == ["home", "safe_accommodation", "hospital", "declined"])
        #expect(RescueJourneyMode(rawValue: "police_transport")?.label == "Police transport")
    }
}

@Suite("Who may lead a case")
struct CaseLeadingTests {
    static let north = UUID(), south = UUID()

    @Test("An active caseworker or manager of the case's own region, nobody else", arguments: [
        (Role.caseworker, false, north, true), (.manager, false, north, true),
        (.caseworker, true, north, false), (.manager, true, north, false),
        (.caseworker, false, south, false), (.manager, false, nil, false),
        (.nationalLead, false, nil, false), (.nationalLead, false, north, false),
        (.admin, false, north, false), (.commissioner, false, north, false),
    ] as [(Role, Bool, UUID?, Bool)])
    func mayLead(role: Role, disabled: Bool, region: UUID?, may: Bool) {
        #expect(CaseLeading.mayLead(role: role, disabled: disabled, memberOf: region, caseRegion: Self.north) == may)
    }
}

@Suite("Repeat referrals")
struct RepeatReferralTests {
    @Test("A repeat when a case closed before the day the referral was received, not on it or after", arguments: [
        ([], false), (["2024-03-31"], true), (["2024-04-01"], false), (["2024-04-02"], false),
        (["2025-01-01", "2020-06-30"], true), (["2024-04-02", "2024-05-01"], false),
    ] as [([String], Bool)])
    func rule(closings: [String], isRepeat: Bool) {
        #expect(RepeatReferral.isRepeat(received: CivilDate("2024-04-01")!, caseClosings: closings.map { CivilDate($0)! }) == isRepeat)
    }
}
