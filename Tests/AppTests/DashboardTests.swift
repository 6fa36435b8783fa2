@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
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

/// The dashboard is a query over a `Database` for a user and a moment: built here without a request, and its SQL
/// figures checked against the Domain's definition of a case needing attention (`CaseAttention`).
@Suite("The dashboard as a query")
struct DashboardQueryTests {
    struct OpenCase: Decodable {
        let region_id: UUID
        let opened_date: String
        let last_contact_at: Date?
        let last_measured_on: String?
    }

    @Test("Its figures are those the Domain's rules give for every open case of the region, for a manager, without HTTP")
    func figuresFollowTheDomain() async throws {
        try await withApp { app in
            let today = try await ImportPartsTests.importGenerated(app, rows: 1_500)
            let region = try #require(try await Region.query(on: app.db).filter(\.$code == "west-midlands").first())
            let regionID = try region.requireID()
            // A moment inside the data, so some cases are due a review and some not; contacts at either side of
            // the no-contact threshold for a third of the cases each.
            let now = Date(timeIntervalSince1970: Double(CivilDate("\(today.year - 1)-10-01")!.daysSinceEpoch) * 86_400 + 12 * 3600)
            let attention = CaseAttention(noContactDays: 14, reviewWeeks: 12)
            let sql = app.db as! any SQLDatabase
            let ids = try await sql.raw("SELECT id FROM cases WHERE closed_date IS NULL ORDER BY id")
                .all(decoding: [String: UUID].self).compactMap { $0["id"] }
            for (index, id) in ids.enumerated() where index % 3 != 0 {
                let ago = index % 3 == 1 ? 3.0 : 30.0
                try await sql.raw("UPDATE cases SET last_contact_at = \(bind: now.addingTimeInterval(-ago * 86_400)) WHERE id = \(bind: id)").run()
            }
            // And cases on each threshold's very day and moment.
            let cutoff = attention.reviewCutoff(today: CivilDate.today(at: now))
            let dayAfter = CivilDate(daysSinceEpoch: cutoff.daysSinceEpoch + 1)
            for (index, id) in ids.enumerated().prefix(40) {
                let measured = index % 2 == 0 ? cutoff : dayAfter
                try await sql.raw("UPDATE cases SET last_measured_on = \(bind: measured.description) WHERE id = \(bind: id)").run()
                if index % 4 == 0 {
                    try await sql.raw("UPDATE cases SET last_contact_at = \(bind: attention.quietSince(now: now)) WHERE id = \(bind: id)").run()
                }
            }
            let manager = CurrentUser(id: UUID(), email: "m@example.org", displayName: "M", role: .manager, regionID: regionID,
                                      regionCode: region.code, regionName: region.name, sessionID: UUID(), stage: .signedIn,
                                      csrfToken: "")
            let dashboard = try await Dashboard.make(for: manager, attention: attention, cipher: app.cipher, now: now, on: app.db)

            let open = try await sql.raw("""
                SELECT region_id, opened_date, last_contact_at, last_measured_on FROM cases
                WHERE closed_date IS NULL AND region_id = \(bind: regionID)
                """).all(decoding: OpenCase.self)
            let nowDay = CivilDate.today(at: now)
            let quiet = open.filter { attention.isQuiet(lastContact: $0.last_contact_at, now: now) }.count
            let due = open.filter {
                attention.isReviewDue(lastMeasured: $0.last_measured_on.flatMap(CivilDate.init), opened: CivilDate($0.opened_date)!, today: nowDay)
            }.count
            func figure(_ label: String) -> Int? { dashboard.figures.first { $0.label == label }?.value }
            #expect(figure("Open cases in the region") == open.count)
            #expect(figure("No contact for 14 days") == quiet)
            #expect(figure("Reviews due") == due)
            #expect(open.count > 20 && quiet > 0 && quiet < open.count && due > 0 && due < open.count,
                    "the fixture has cases on both sides of each threshold: \(open.count) open, \(quiet) quiet, \(due) due")
        }
    }
}
