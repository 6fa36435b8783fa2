@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("A closed case takes no new records")
struct ClosedCaseTests {
    @Test("Every case form and the API refuse a closed case with 409 and write nothing, until a manager reopens it")
    func closedCaseRefusesWrites() async throws {
        try await withApp { app in
            let (manager, browser, caseID) = try await CaseTests.leadWithOpenCase(app, role: .manager)
            #expect(try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "disengaged"]).status == .seeOther)
            #expect(try await SupportCase.find(caseID, on: app.db)?.isOpen == false)
            func counts() async throws -> [Int] {
                [try await Contact.query(on: app.db).count(), try await RiskRating.query(on: app.db).count(),
                 try await Goal.query(on: app.db).count(), try await OutcomeMeasure.query(on: app.db).count(),
                 try await WheelAssessment.query(on: app.db).count(), try await CaseRegisterEntry.query(on: app.db).count(),
                 try await CaseAssignment.query(on: app.db).count()]
            }
            let before = try await counts()
            let page = try await browser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(!page.contains(SiteURL.caseContacts(caseID).path) && !page.contains(SiteURL.caseGoalUpdate(caseID).path),
                    "no form to write to a closed case")
            let registers = try await browser.get(SiteURL.caseRegisters(caseID).path).body.string
            #expect(!registers.contains("action=\"\(SiteURL.caseRegisters(caseID).path)\""), "nor on its registers page")
            let today = CivilDate.today(at: app.clock.now()).description
            let writes: [(String, [String: String])] = [
                (SiteURL.caseContacts(caseID).path, CaseTests.contact("After closing", sensitive: false)),
                (SiteURL.caseRisk(caseID).path, ["rating": "red", "reason": "After closing"]),
                (SiteURL.caseGoals(caseID).path, ["area": "feeling_safe", "description": "After closing"]),
                (SiteURL.caseMeasures(caseID).path, ["stage": "review", "recordedOn": today, "source": "self_report", "safety": "5"]),
                (SiteURL.caseWheel(caseID).path, ["stage": "review", "assessedOn": today, "score_feeling_safe": "5"]),
                (SiteURL.caseRegisters(caseID).path, ["kind": "onward_referral", "onward_referral.occurred_on": today]),
                (SiteURL.caseAssign(caseID).path, ["caseworker": manager.id.uuidString]),
            ]
            for (path, form) in writes {
                let refused = try await browser.post(path, form)
                #expect(refused.status == .conflict, "\(path)")
                #expect(refused.body.string.contains("This case is closed. A manager of its region can reopen it"), "\(path)")
            }
            let token = try await APITestSupport.token(app, for: manager)
            let api = try await APITestSupport.send(app, .POST, SiteURL.apiCaseContacts(caseID).path, token: token, json: """
                {"happenedAt": "\(today)T10:00:00Z", "kind": "phone", "durationMinutes": 10}
                """)
            #expect(api.status == .conflict)
            #expect(api.body.string.contains("This case is closed"))
            #expect(try await counts() == before, "nothing written to the closed case")

            #expect(try await browser.post(SiteURL.caseReopen(caseID).path).status == .seeOther)
            #expect(try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact("Reopened", sensitive: false))
                .status == .seeOther)
            #expect(try await Contact.query(on: app.db).count() == before[0] + 1)
        }
    }
}
