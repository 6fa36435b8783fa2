@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// No N+1 queries: a page's number of SQL statements must not grow with the records it lists.
@Suite("Queries per page")
struct QueryCountTests {
    /// The statements one page view ran, counted by its request id.
    static func queries(_ browser: Browser, _ path: String) async throws -> Int {
        let id = "count-" + UUID().uuidString.prefix(12).lowercased()
        browser.extraHeaders = ["X-Request-Id": id]
        let response = try await browser.get(path)
        browser.extraHeaders = [:]
        #expect(response.status == .ok, "\(path): \(response.status)")
        return QueryCounter.count(for: id)
    }

    @Test("The case page, the case list, the referral list and the home page run as many queries for many records as for few")
    func constantQueries() async throws {
        try await withApp { app in
            // Every statement is logged at trace level: turn this app's logger up to see them (nothing is printed).
            app.logger.logLevel = .trace
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let caseID = try await CaseTests.openCase(app, lead: manager, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact("First meeting.", sensitive: false))
            let pages = [SiteURL.supportCase(caseID).path, SiteURL.cases.path, SiteURL.referrals.path + "?status=accepted",
                         SiteURL.home.path, SiteURL.referral(try #require(try await Referral.query(on: app.db).first()?.id)).path]
            var few: [String: Int] = [:]
            for page in pages { few[page] = try await Self.queries(browser, page) }

            for index in 0..<12 {
                try await browser.get(SiteURL.supportCase(caseID).path)
                try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact("Contact \(index).", sensitive: index % 3 == 0))
                let other = try await CaseTests.openCase(app, lead: manager, browser: browser)
                #expect(other != caseID)
            }
            for page in pages {
                let many = try await Self.queries(browser, page)
                #expect(few[page]! > 0, "\(page): queries are counted")
                #expect(many == few[page]!, "\(page): \(few[page]!) queries with one record, \(many) with thirteen")
                #expect(many <= 40, "\(page): \(many) queries")
            }
        }
    }
}
