import Domain
import Testing

@Suite("A register entry's fields")
struct RegisterKindTests {
    @Test("Every date of an entry follows the entry's own date; a count is a whole number from 0 to 999",
          arguments: [
              (RegisterKind.missingEpisode, ["occurred_on": "2026-11-20", "found_on": "2026-11-10"], "found_on"),
              (.nrm, ["occurred_on": "2026-11-20", "first_responder": "Police", "route": "child",
                      "reasonable_grounds_on": "2026-11-19"], "reasonable_grounds_on"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "-3"],
               "pre_release_sessions"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "two"],
               "pre_release_sessions"),
              (.prisonInReach, ["occurred_on": "2026-11-20", "establishment": "HMP Oakwood", "pre_release_sessions": "1000"],
               "pre_release_sessions"),
          ])
    func refused(kind: RegisterKind, values: [String: String], field: String) {
        guard case let .failure(problem) = kind.check(values) else {
            Issue.record("\(kind) \(values) was accepted")
            return
        }
        #expect(problem.field == field)
    }

    @Test("A found date on the day of going missing, a decision after submission and a count of sessions are kept")
    func accepted() throws {
        let missing = try RegisterKind.missingEpisode.check(["occurred_on": "2026-11-20", "found_on": "2026-11-20"]).get()
        #expect(missing["found_on"] == "2026-11-20")
        let prison = try RegisterKind.prisonInReach.check(["occurred_on": "2026-11-20", "establishment": "HMP Oakwood",
                                                            "pre_release_sessions": "3", "expected_release": "2027-02-01"]).get()
        #expect(prison["pre_release_sessions"] == "3")
    }
}
