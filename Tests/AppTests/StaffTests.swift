@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Staff records")
struct StaffTests {
    @Test("Capacity against caseload, long-term sickness, and training renewals due in 60 days")
    func staff() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await browser.get(SiteURL.staffMember(worker.id).path)
            #expect(try await browser.post(SiteURL.staffProfile(worker.id).path, ["capacity": "300"]).status == .unprocessableEntity)
            try await browser.post(SiteURL.staffProfile(worker.id).path, ["capacity": "12", "specialisms[0]": "women_and_girls"])
            var list = try await browser.get(SiteURL.staff.path).body.string
            #expect(list.contains("12 of 12"))
            #expect(list.contains("Women and girls"))
            let today = CivilDate.today(at: app.clock.now())
            try await browser.get(SiteURL.staffMember(worker.id).path)
            try await browser.post(SiteURL.staffAbsences(worker.id).path, ["kind": "long_term_sickness", "from": today.description])
            list = try await browser.get(SiteURL.staff.path).body.string
            #expect(list.contains("0 of 12"), "no capacity while on long-term sickness")
            let soon = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 30).description
            let later = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 200).description
            try await browser.post(SiteURL.staffTraining(worker.id).path, ["course": "hydra", "completedOn": today.description, "renewalDue": soon])
            try await browser.post(SiteURL.staffTraining(worker.id).path, ["course": "safeguarding", "completedOn": today.description, "renewalDue": later])
            list = try await browser.get(SiteURL.staff.path).body.string
            #expect(list.contains("Hydra, by \(soon)"))
            #expect(!list.contains("Safeguarding, by"))

            let own = Browser(app)
            try await own.signIn(worker)
            #expect(try await own.get(SiteURL.staffMember(worker.id).path).status == .ok)
            #expect(try await own.get(SiteURL.staffMember(manager.id).path).status == .forbidden, "caseworkers see only their own record")
        }
    }
}
