@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Dashboards")
struct DashboardTests {
    @Test("A caseworker sees their quiet cases and reviews due; a manager also sees cases awaiting a lead")
    func dashboards() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let caseID = try await CaseTests.openCase(app, lead: worker, browser: browser)
            let fresh = try await browser.get(SiteURL.home.path).body.string
            #expect(fresh.contains("id=\"no-contact\""), "no contact yet: listed")
            try await browser.get(SiteURL.supportCase(caseID).path)
            let now = CasePage.localInput(app.clock.now())
            try await browser.post(SiteURL.caseContacts(caseID).path, ["happenedAt": now, "kind": "phone", "durationMinutes": "10"])
            let after = try await browser.get(SiteURL.home.path).body.string
            #expect(!after.contains("id=\"no-contact\""), "a recent contact clears it")
            #expect(after.contains("Every case has had a recent contact."))

            // Fifteen days on without contact, and thirteen weeks on without measures.
            app.clock.advance(by: 91 * 86400)
            try await browser.signIn(worker)
            let later = try await browser.get(SiteURL.home.path).body.string
            #expect(later.contains("id=\"no-contact\""))
            #expect(later.contains("id=\"reviews-due\""))

            try await ImportAndReportTests.importFixture(app)
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            let managerHome = try await managerBrowser.get(SiteURL.home.path).body.string
            #expect(managerHome.contains("id=\"awaiting-lead\""))
            #expect(managerHome.contains("Leon Grey"))
        }
    }
}
