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

@Suite("Closing a case")
struct CaseClosureTests {
    static let other = ClosureReason(rawValue: "moved_away")

    @Test("Planned closures need exit measures and, from a caseworker, a manager; others close at once", arguments: [
        (true, ClosureReason.planned, true, false, CaseClosure.Decision.askManager),
        (true, .planned, true, true, .close),
        (true, .planned, false, true, .refused(.needsExitMeasures)),
        (true, .planned, false, false, .refused(.needsExitMeasures)),
        (true, other, false, false, .close),
        (true, other, false, true, .close),
        (true, nil, true, true, .refused(.noReason)),
        (false, .planned, true, true, .refused(.alreadyClosed)),
        (false, other, false, false, .refused(.alreadyClosed)),
    ] as [(Bool, ClosureReason?, Bool, Bool, CaseClosure.Decision)])
    func decide(isOpen: Bool, reason: ClosureReason?, hasExit: Bool, byManager: Bool, decision: CaseClosure.Decision) {
        #expect(CaseClosure.decide(isOpen: isOpen, reason: reason, hasExitMeasures: hasExit, byManager: byManager) == decision)
    }
}

@Suite("Cases needing attention")
struct CaseAttentionTests {
    static let attention = CaseAttention(noContactDays: 14, reviewWeeks: 12)
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("Quiet after 14 days without a contact, or with none", arguments: [
        (nil, true), (-14 * 86_400 - 1, true), (-14 * 86_400, false), (-86_400, false),
    ] as [(TimeInterval?, Bool)])
    func quiet(ago: TimeInterval?, quiet: Bool) {
        #expect(Self.attention.isQuiet(lastContact: ago.map { Self.now.addingTimeInterval($0) }, now: Self.now) == quiet)
    }

    @Test("A review due 12 weeks after the last measures, or after opening when never measured", arguments: [
        (nil, "2026-09-14", true), (nil, "2026-09-15", false), ("2026-09-14", "2020-01-01", true),
        ("2026-09-15", "2020-01-01", false), ("2026-12-07", "2026-01-01", false),
    ] as [(String?, String, Bool)])
    func reviewDue(measured: String?, opened: String, due: Bool) {
        let today = CivilDate("2026-12-07")!
        #expect(Self.attention.isReviewDue(lastMeasured: measured.map { CivilDate($0)! }, opened: CivilDate(opened)!, today: today) == due)
    }
}

@Suite("Goal statuses and services")
struct GoalStatusAndServiceTests {
    @Test("Stored codes never change; labels are sentence case")
    func codes() {
        #expect(GoalStatus.allCases.map(\.rawValue) == ["not_started", "in_progress", "achieved", "stopped"])
        #expect(GoalStatus.allCases.map(\.label) == ["Not started", "In progress", "Achieved", "Stopped"])
        #expect(Service.allCases.map(\.rawValue) == CodeList.service.seed.map(\.code))
    }
}

@Suite("Outcome definitions, case by case")
struct OutcomeCountTests {
    @Test("Pairs count only with both values; reductions sum both sides of each pair; yes/no measures need an exit value")
    func cases() {
        var sums = OutcomeSums()
        sums.count(entry: ReferralRow.Measures(safety: 3, criminogenicNeed: 8, countyLinesActive: true, familyConflict: true),
                   exit: ReferralRow.Measures(safety: 6, goalProgress: "positive", criminogenicNeed: 5, countyLinesActive: false, eet: true))
        sums.count(entry: ReferralRow.Measures(safety: 5, mentalHealth: 4, criminogenicNeed: 4, countyLinesActive: true),
                   exit: ReferralRow.Measures(safety: 5, mentalHealth: nil, goalProgress: "none", criminogenicNeed: nil, familyConflict: false))
        sums.count(entry: nil, exit: ReferralRow.Measures(safety: 9, eet: false))
        #expect(sums.cohort == 3)
        #expect((sums.safetyPairs, sums.safetyImproved) == (2, 1), "equal is not an increase; no entry, no pair")
        #expect(sums.mentalHealthPairs == 0)
        #expect((sums.goalRecorded, sums.goalPositive) == (2, 1))
        #expect((sums.criminogenicEntry, sums.criminogenicExit) == (8, 5), "the second case has no exit value")
        #expect((sums.countyLinesActiveAtEntry, sums.countyLinesStopped) == (1, 1), "active at entry with no exit value: out")
        #expect((sums.conflictAtEntry, sums.conflictEnded) == (0, 0), "conflict at entry had no exit value; none at entry is out")
        #expect((sums.eetRecorded, sums.eetAtExit) == (2, 1))
    }
}

@Suite("Outcome sums of several regions")
struct OutcomeSumsAddingTests {
    @Test("Adding two regions' sums gives the sums of all their cases counted together")
    func adding() {
        let cases: [(ReferralRow.Measures?, ReferralRow.Measures?)] = [
            (ReferralRow.Measures(safety: 2, mentalHealth: 3, criminogenicNeed: 9, missingEpisodes: 4, offences: 2, countyLinesActive: true,
                           familyConflict: true),
             ReferralRow.Measures(safety: 5, mentalHealth: 6, goalProgress: "positive", criminogenicNeed: 3, missingEpisodes: 1, offences: 0,
                           countyLinesActive: false, familyConflict: false, eet: true)),
            (ReferralRow.Measures(safety: 6, mentalHealth: 6, criminogenicNeed: 2, missingEpisodes: 0, offences: 1, countyLinesActive: true,
                           familyConflict: true),
             ReferralRow.Measures(safety: 4, mentalHealth: 7, goalProgress: "none", criminogenicNeed: 4, missingEpisodes: 2, offences: 3,
                           countyLinesActive: true, familyConflict: true, eet: false)),
            (nil, ReferralRow.Measures(goalProgress: "negative")),
        ]
        var first = OutcomeSums(), second = OutcomeSums(), together = OutcomeSums()
        for (index, (entry, exit)) in cases.enumerated() {
            if index == 0 { first.count(entry: entry, exit: exit) } else { second.count(entry: entry, exit: exit) }
            together.count(entry: entry, exit: exit)
        }
        first.add(second)
        #expect(first == together)
        // Every field of the sums is in play, so a field that `add` forgot would show.
        #expect(Mirror(reflecting: together).children.allSatisfy { ($0.value as? Int ?? 0) != 0 })
    }
}

@Suite("Lists of codes in one column")
struct StoredCodesTests {
    @Test("Codes are joined by semicolons and read back in order; an empty column is no codes", arguments: [
        ([], ""), (["county_lines"], "county_lines"), (["county_lines", "cuckooing"], "county_lines;cuckooing"),
        (["young_person", "parent_carer", "professional"], "young_person;parent_carer;professional"),
    ] as [([String], String)])
    func roundTrip(codes: [String], stored: String) {
        #expect(StoredCodes.join(codes) == stored)
        #expect(StoredCodes.split(stored) == codes)
    }

    @Test("Empty places between semicolons are no codes")
    func emptyPlaces() {
        #expect(StoredCodes.split(";county_lines;;cuckooing;") == ["county_lines", "cuckooing"])
    }
}
