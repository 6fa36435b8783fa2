@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// The search box (issue: find anyone at 2 a.m.): a young person found by name, slip, alias, date of birth or ref
/// within the user's regions, and never across the wall (SPEC §1): the same "no one found" whatever another
/// region holds.
@Suite("Search: find a young person, only in your regions")
struct SearchTests {
    static let header = RegionWallTests.header

    /// Mia Roberts (Greater Manchester, with a case, alias "Little M") and Sam Hill (London).
    static func twoRegions(_ app: Application) async throws -> (mia: Person, sam: Person) {
        let csv = header + """

            GM-1,2024-05-01,greater-manchester,support,police,Mia,Roberts,2008-06-01,female,manchester,county_lines,2024-05-02
            L-1,2024-05-01,london,support,police,Sam,Hill,2008-01-01,male,camden,county_lines,

            """
        _ = try await ReferralImport.run(text: csv, onlyRegion: nil, actor: AuditEntry(action: .importFile, actor: "test"),
                                         now: app.clock.now(), db: app.db, writes: app.writes)
        let mia = try #require(try await Person.query(on: app.db).filter(\.$lastName == "Roberts").first())
        let sam = try #require(try await Person.query(on: app.db).filter(\.$lastName == "Hill").first())
        try await PersonAlias(personID: mia.id!, name: "Little M", folded: NameFolding.fold("Little M")).create(on: app.db)
        return (mia, sam)
    }

    static func search(_ browser: Browser, _ text: String) async throws -> String {
        try await browser.get(SiteURL.search.path)
        let answer = try await browser.post(SiteURL.search.path, ["q": text])
        #expect(answer.status == .ok, "\(text): \(answer.status)")
        return answer.body.string
    }

    /// The part of the page that answers, without the tokens and the echo of what was typed.
    static func answer(_ page: String) -> String {
        guard let start = page.range(of: "<h2 id=\"results\">"), let end = page.range(of: "</main>") else { return "" }
        return String(page[start.lowerBound..<end.lowerBound])
    }

    @Test("A manager finds their region's young person by name, a slip, an alias, a date of birth or a ref, linked to the case")
    func findsByEveryKey() async throws {
        try await withApp { app in
            let (mia, _) = try await Self.twoRegions(app)
            let manager = try await Fixtures.account(app, role: .manager, region: "greater-manchester")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let supportCase = try #require(try await SupportCase.query(on: app.db).filter(\.$person.$id == mia.id!).first())
            for text in ["Mia Roberts", "roberts", "Mia Robrets", "ROBERTS 01/06/2008", "2008-06-01", "GM-1", "gm-1",
                         "little m", "Rob", "Mia", "mia 2008-06-01"] {
                let page = try await Self.search(browser, text)
                #expect(page.contains("1 young person found"), "\(text)")
                #expect(page.contains(SiteURL.person(mia.id).path), "\(text)")
                #expect(page.contains(SiteURL.supportCase(supportCase.id).path), "\(text): the case is linked")
            }
            let page = try await Self.search(browser, "Mia Roberts 2008-06-02")
            #expect(page.contains("0 young people found"), "a name with another date of birth is someone else")
        }
    }

    @Test("Another region's young person is not found by name, slip, date of birth, ref or alias; the answer is the one a stranger gets")
    func wallHolds() async throws {
        try await withApp { app in
            _ = try await Self.twoRegions(app)
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            let stranger = Self.answer(try await Self.search(browser, "Zed Nobody"))
            #expect(stranger.contains("0 young people found"))
            for text in ["Mia Roberts", "Roberts", "Mia Robrets", "2008-06-01", "GM-1", "Little M", "Mia Roberts 2008-06-01", "Mia"] {
                let page = try await Self.search(browser, text)
                #expect(Self.answer(page) == stranger, "\(text)")
                #expect(!page.contains("Roberts</a>"), "\(text)")
            }
            let own = try await Self.search(browser, "Sam Hill")
            #expect(own.contains("1 young person found"))
        }
    }

    @Test("Only roles that read case content may search; the box is in their header only")
    func roles() async throws {
        try await withApp { app in
            for role in [Role.admin, .commissioner] {
                let account = try await Fixtures.account(app, role: role, region: nil, email: "\(role.rawValue)@example.org")
                let browser = Browser(app)
                try await browser.signIn(account)
                #expect(!(try await browser.get(SiteURL.home.path)).body.string.contains("header-search"))
                let refused = try await browser.post(SiteURL.search.path, ["q": "Mia"])
                #expect(refused.status == .forbidden || refused.status == .notFound, "\(role)")
            }
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let browser = Browser(app)
            try await browser.signIn(lead)
            #expect((try await browser.get(SiteURL.home.path)).body.string.contains("id=\"header-search\""))
        }
    }

    @Test("What was typed stays out of the audit log and the URL; hostile text is escaped; nothing searchable is a field error")
    func hostileAndAudited() async throws {
        try await withApp { app in
            _ = try await Self.twoRegions(app)
            let manager = try await Fixtures.account(app, role: .manager, region: "greater-manchester")
            let browser = Browser(app)
            try await browser.signIn(manager)
            _ = try await Self.search(browser, "Mia Roberts")
            let entries = try await AuditEvent.query(on: app.db).filter(\.$action == "person.searched").all()
            #expect(entries.count == 1 && entries.allSatisfy { !$0.detail.contains("Mia") && !$0.detail.contains("Roberts") })
            let hostile = try await Self.search(browser, "<script>alert(1)</script> =HYPERLINK(\"x\")")
            #expect(!hostile.contains("<script>alert"))
            for text in ["", "!!! ---", String(repeating: "a", count: 201), "\u{202E}\u{200B}"] {
                let refused = try await browser.post(SiteURL.search.path, ["q": text])
                #expect(refused.status == .unprocessableEntity, "a refused search answers as every refused form does")
                let page = refused.body.string
                #expect(page.contains("There is a problem") && page.contains("aria-describedby=\"q-hint q-error\""), "\(text)")
                #expect(!page.contains("young people found"))
            }
            let withoutToken = try await browser.post(SiteURL.search.path, ["q": "Mia"], withToken: false)
            #expect(withoutToken.status == .forbidden)
        }
    }
}
