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
