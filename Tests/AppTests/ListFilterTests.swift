@testable import App
import Testing
import VaporTesting

@Suite("List filters say when a date is not one")
struct ListFilterTests {
    @Test("An impossible date in the referral list's or the audit log's filter is shown back with its problem, and filters nothing")
    func impossibleDates() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await ReferralTests.record(browser, ReferralTests.form(received: "2024-01-10"))
            // The referral was received on 10 January: a real date after it filters it out; an impossible one filters nothing.
            for (typed, isDate) in [("2024-02-30", false), ("31/01/2024", false), ("2024-01-11", true)] {
                let page = try await browser.get(SiteURL.referrals.path + "?status=awaiting_screening&from=\(typed)")
                #expect(page.status == .ok)
                let body = page.body.string
                #expect(body.contains("Enter a real date, like 2024-01-31") == !isDate, "\(typed)")
                #expect(body.contains("value=\"\(typed)\""), "\(typed) is shown back as typed")
                #expect(body.contains("O&#39;Neill") == !isDate, "\(typed)")
            }

            let admin = try await Fixtures.account(app, role: .admin)
            let adminBrowser = Browser(app)
            try await adminBrowser.signIn(admin)
            let audit = try await adminBrowser.get(SiteURL.adminAudit.path + "?from=2024-13-45").body.string
            #expect(audit.contains("Enter a real date, like 2024-01-31"))
            #expect(audit.contains("value=\"2024-13-45\""))
            #expect(audit.contains("signin.success"), "the log is listed, unfiltered by the impossible date")
        }
    }
}
