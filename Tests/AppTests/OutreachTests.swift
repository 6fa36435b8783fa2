@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Outreach on screen")
struct OutreachTests {
    @Test("Sessions entered on screen appear in the annual report beside imported ones")
    func sessions() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.outreach.path)
            let bad = try await browser.post(SiteURL.outreach.path, ["date": "2024-01-15", "audience": "", "attendees": "many"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("href=\"#audience\"") && bad.body.string.contains("href=\"#attendees\""))
            try await browser.post(SiteURL.outreach.path, ["date": "2024-01-15", "kind": "webinar", "format": "webinar",
                                                          "audience": "professionals", "organisation": "Dudley schools",
                                                          "topic": "County lines", "registrations": "60", "attendees": "41",
                                                          "confidenceBefore": "4.5", "confidenceAfter": "8"])
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear("2023-24")!, on: app.db)
            #expect(report.outreach.sessions == 1 && report.outreach.attendees == 41)
            _ = try await OutreachImport.run(text: AnnualReportFixture.outreach, actor: AuditEntry(action: .importFile, actor: "t"),
                                             now: app.clock.now(), db: app.db, writes: app.writes)
            let both = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear("2023-24")!, on: app.db)
            #expect(both.outreach.sessions == 3 && both.outreach.attendees == 83)
            let page = try await browser.get(SiteURL.outreach.path).body.string
            #expect(page.contains("4.5 → 8.0"))
        }
    }
}
