import Domain
import Testing

@Suite("A register entry's fields")
struct RegisterKindTests {
    static let today = CivilDate(year: 2026, month: 12, day: 7)

    @Test("Every date of an entry follows the entry's own date and has happened; a count is a whole number from 0 to 999",
          arguments: [
              (RegisterKind.missingEpisode, ["occurred_on": "2026-11-20", "found_on": "2026-11-10"], "found_on"),
              (.missingEpisode, ["occurred_on": "2026-11-20", "found_on": "2027-01-01"], "found_on"),
              (.nrm, ["occurred_on": "2026-11-20", "first_responder": "Police", "route": "child",
                      "reasonable_grounds_on": "2026-11-19"], "reasonable_grounds_on"),
              (.nrm, ["occurred_on": "2026-11-20", "first_responder": "Police", "route": "child",
                      "reasonable_grounds_on": "2026-12-07", "conclusive_grounds_on": "2026-12-06"], "conclusive_grounds_on"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "-3"],
               "pre_release_sessions"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "two"],
               "pre_release_sessions"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "1000"],
               "pre_release_sessions"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "٥"],
               "pre_release_sessions"),
          ])
    func refused(kind: RegisterKind, values: [String: String], field: String) {
        guard case let .failure(refused) = kind.check(values, today: Self.today) else {
            Issue.record("\(kind) \(values) was accepted")
            return
        }
        #expect(refused.problems.map(\.field) == [field])
    }

    @Test("Every problem of an entry is named at once, in the form's order")
    func everyProblem() {
        let values = ["occurred_on": "2026-11-20", "expected_release": "2026-11-01", "pre_release_sessions": "-4"]
        guard case let .failure(refused) = RegisterKind.prisonInReach.check(values, today: Self.today) else {
            Issue.record("accepted")
            return
        }
        #expect(refused.problems.map(\.field) == ["establishment", "expected_release", "pre_release_sessions"])
    }

    @Test("A found date on the day of going missing, an expected release to come and a count of sessions are kept, the count as a number")
    func accepted() throws {
        let missing = try RegisterKind.missingEpisode.check(["occurred_on": "2026-11-20", "found_on": "2026-11-20"], today: Self.today).get()
        #expect(missing["found_on"] == "2026-11-20")
        let prison = try RegisterKind.prisonInReach.check(["occurred_on": "2026-11-20", "establishment": "HMP Oakwood",
                                                            "pre_release_sessions": "+5", "expected_release": "2027-02-01"],
                                                           today: Self.today).get()
        #expect(prison["pre_release_sessions"] == "5")
        #expect(prison["expected_release"] == "2027-02-01")
    }
}
