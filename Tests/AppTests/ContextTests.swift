@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Contextual safeguarding")
struct ContextTests {
    @Test("A place links several young people's referrals and shows the pattern; another region cannot see it")
    func place() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let today = CivilDate.today(at: app.clock.now()).description
            for name in ["Ann", "Bea", "Cal"] {
                try await ReferralTests.record(browser, ReferralTests.form(first: name, last: "Lee", received: today))
            }
            try await browser.get(SiteURL.contexts.path)
            let created = try await browser.post(SiteURL.contexts.path, ["kind": "place", "name": "Cannon Hill Park"])
            let path = try #require(created.location)
            let contextID = try #require(UUID(uuidString: String(path.split(separator: "/")[1].prefix(36))))
            for referral in try await Referral.query(on: app.db).all() {
                try await browser.get(path)
                try await browser.post(SiteURL.contextLinks(contextID).path, ["ref": referral.ref])
            }
            try await browser.post(SiteURL.contextNotes(contextID).path, ["note": "Older men seen near the bandstand at dusk"])
            let list = try await browser.get(SiteURL.contexts.path).body.string
            #expect(list.contains("<td class=\"numeric\">3</td><td class=\"numeric\">3</td>"), "three this quarter")
            let page = try await browser.get(path).body.string
            #expect(page.contains("Ann Lee") && page.contains("bandstand"))
            #expect(try await ContextNote.query(on: app.db).all().allSatisfy { !$0.note.contains("bandstand") }, "sealed")

            let london = Browser(app)
            try await london.signIn(try await Fixtures.account(app, role: .caseworker, region: "london"))
            #expect(try await london.get(path).status == .notFound)
        }
    }

    @Test("Quarters start in January, April, July and October")
    func quarters() {
        #expect(ContextsController.quarterStart(CivilDate("2024-05-17")!) == CivilDate("2024-04-01"))
        #expect(ContextsController.quarterStart(CivilDate("2024-12-31")!) == CivilDate("2024-10-01"))
    }
}
