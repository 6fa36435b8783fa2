@testable import App
import Domain
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import VaporTesting

/// Case pages kept in memory (`RenderedCasePages`) must never show what has changed, nor reach anyone the case
/// was not checked for.
@Suite("Case pages kept in memory")
struct CasePageCacheTests {
    static func viewerCount(_ page: String) -> Int {
        guard let list = page.range(of: "<ul id=\"viewers\">"), let end = page.range(of: "</ul>", range: list.upperBound..<page.endIndex) else {
            return -1
        }
        return page[list.upperBound..<end.lowerBound].components(separatedBy: "<li>").count - 1
    }

    /// A West Midlands manager, signed in, leading a case of their region.
    static func managerWithCase(_ app: Application) async throws -> (Account, Browser, UUID) {
        let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
        let browser = Browser(app)
        try await browser.signIn(manager)
        let caseID = try await CaseTests.openCase(app, lead: manager, browser: browser)
        // A kept page is keyed by the minute: start the views at the start of one, so that two views in a row share
        // it even when the whole suite runs in parallel and a request takes seconds. The clock moves on more than
        // a minute, and one request then records the session as seen (`SessionMiddleware.touchInterval`): had the
        // first view been the one to do it, it would count a statement that a fresh session's view does not.
        let second = app.clock.now().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        app.clock.advance(by: 120 - second)
        #expect(try await browser.get(SiteURL.home.path).status == .ok)
        return (manager, browser, caseID)
    }

    @Test("Viewing a case again is served from memory for the same session, with who has looked at it read afresh")
    func keptForTheSession() async throws {
        try await withApp { app in
            app.logger.logLevel = .trace
            let (manager, browser, caseID) = try await Self.managerWithCase(app)
            let path = SiteURL.supportCase(caseID).path
            let first = try await QueryCountTests.queries(browser, path)
            let again = try await QueryCountTests.queries(browser, path)
            #expect(again < first, "kept: \(again) statements, rendered: \(first)")
            #expect(again <= 3, "the session with the revision, overdue visits and viewers: \(again)")

            let earlier = try await browser.get(path).body.string
            let later = try await browser.get(path).body.string
            #expect(Self.viewerCount(later) == Self.viewerCount(earlier) + 1, "each view is listed at once")
            #expect(later.contains(manager.email))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "case.viewed").count() == 4)
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil)
        }
    }

    @Test("Any write, by a form or by a command, makes the kept page unreachable")
    func writesReplaceIt() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await Self.managerWithCase(app)
            let path = SiteURL.supportCase(caseID).path
            _ = try await browser.get(path)
            #expect(app.renderedCasePages.count == 1)
            try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact("Went to the youth club together.", sensitive: false))
            #expect(try await browser.get(path).body.string.contains("Went to the youth club together."))

            // A write that no request made (a command, another instance) goes through the same gate.
            let personID = try #require(try await SupportCase.find(caseID, on: app.db)).$person.id
            try await app.writes.transaction(on: app.db) { db in
                try await Person.query(on: db).filter(\.$id == personID).set(\.$firstName, to: "Renamed").update()
            }
            #expect(try await browser.get(path).body.string.contains("Renamed"))
        }
    }

    @Test("A write by another instance on the same database makes this instance's kept page unreachable")
    func anotherInstance() async throws {
        try await withTwoInstances { first, second in
            let (_, browser, caseID) = try await Self.managerWithCase(first)
            let path = SiteURL.supportCase(caseID).path
            #expect(try await browser.get(path).status == .ok)
            #expect(first.renderedCasePages.count == 1)
            let personID = try #require(try await SupportCase.find(caseID, on: second.db)).$person.id
            try await second.writes.transaction(on: second.db) { db in
                try await Person.query(on: db).filter(\.$id == personID).set(\.$firstName, to: "Elsewhere").update()
            }
            #expect(try await browser.get(path).body.string.contains("Elsewhere"))
        }
    }

    @Test("A kept page reaches no other session, and not its own once the user's access changes")
    func accessIsStillChecked() async throws {
        try await withApp { app in
            app.logger.logLevel = .trace
            let (manager, browser, caseID) = try await Self.managerWithCase(app)
            let path = SiteURL.supportCase(caseID).path
            let rendered = try await QueryCountTests.queries(browser, path)

            let london = try await Fixtures.account(app, role: .manager, region: "london")
            let outsider = Browser(app)
            try await outsider.signIn(london)
            #expect(try await outsider.get(path).status == .notFound)

            // The same person signed in again is a new session: its first view is rendered, not taken from memory.
            let secondSession = Browser(app)
            try await secondSession.signIn(manager)
            #expect(try await QueryCountTests.queries(secondSession, path) == rendered)

            // Moved to London by an administrator: the kept page is not served, and the case is out of reach.
            let londonID = try #require(try await Region.query(on: app.db).filter(\.$code == "london").first()?.id)
            try await app.writes.transaction(on: app.db) { db in
                try await User.query(on: db).filter(\.$id == manager.id).set(\.$region.$id, to: londonID).update()
            }
            #expect(try await browser.get(path).status == .notFound)
        }
    }

    @Test("A page is kept for the minute it was rendered in: its forms' default times come from the clock")
    func keptForAMinute() async throws {
        try await withApp { app in
            app.logger.logLevel = .trace
            let (_, browser, caseID) = try await Self.managerWithCase(app)
            let path = SiteURL.supportCase(caseID).path
            let rendered = try await QueryCountTests.queries(browser, path)
            app.clock.advance(by: 61)
            #expect(try await QueryCountTests.queries(browser, path) >= rendered - 1, "rendered again")
            let page = try await browser.get(path).body.string
            #expect(page.contains(CasePage.localInput(app.clock.now())))
        }
    }

    @Test("Requests for a page being rendered wait for that rendering; if it fails, each renders for itself")
    func oneRendering() async throws {
        let pages = RenderedCasePages()
        let key = RenderedCasePages.Key(session: UUID(), caseID: UUID(), revision: "r1", minute: 0, alerts: [])
        let renders = NIOLockedValueBox(0)
        @Sendable func render() async throws -> RenderedCasePage {
            renders.withLockedValue { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
            return RenderedCasePage(caseID: key.caseID, regionCode: "london", rendered: ByteBuffer(string: "<p>page</p>"))
        }
        try await withThrowingTaskGroup(of: RenderedCasePage.self) { group in
            for _ in 0..<10 { group.addTask { try await pages.page(for: key, render: render) } }
            for try await page in group { #expect(page.head == ByteBuffer(string: "<p>page</p>")) }
        }
        #expect(renders.withLockedValue { $0 } == 1)

        struct Refused: Error {}
        let refusals = NIOLockedValueBox(0)
        @Sendable func refuse() async throws -> RenderedCasePage {
            refusals.withLockedValue { $0 += 1 }
            try await Task.sleep(for: .milliseconds(50))
            throw Refused()
        }
        let other = RenderedCasePages.Key(session: UUID(), caseID: UUID(), revision: "r1", minute: 0, alerts: [])
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<5 { group.addTask { (try? await pages.page(for: other, render: refuse)) == nil } }
            for await refused in group { #expect(refused) }
        }
        #expect(refusals.withLockedValue { $0 } == 5, "every refused request was refused (and audited) itself")
        #expect(await Self.isKept(other, in: pages) == false)
    }

    struct NotKept: Error {}

    /// Whether the store holds the key's page (asking counts as a use, as a request's would).
    static func isKept(_ key: RenderedCasePages.Key, in pages: RenderedCasePages) async -> Bool {
        (try? await pages.page(for: key) { throw NotKept() }) != nil
    }

    @Test("At most the store's capacity is kept, the least recently used page going first")
    func capacity() async throws {
        let pages = RenderedCasePages(capacity: 250)
        func keep(_ size: Int, _ key: RenderedCasePages.Key) async throws {
            _ = try await pages.page(for: key) {
                RenderedCasePage(caseID: UUID(), regionCode: "london", rendered: ByteBuffer(string: String(repeating: "x", count: size)))
            }
        }
        func key(_ n: Int, revision: String = "r1") -> RenderedCasePages.Key {
            RenderedCasePages.Key(session: UUID(uuidString: "00000000-0000-0000-0000-00000000000\(n)")!, caseID: UUID(uuidString: "00000000-0000-0000-0000-000000000000")!,
                                  revision: revision, minute: 0, alerts: [])
        }
        try await keep(100, key(1))
        try await keep(100, key(2))
        #expect(await Self.isKept(key(1), in: pages)) // 1 is now the more recently used
        try await keep(100, key(3))
        #expect(await Self.isKept(key(2), in: pages) == false, "the least recently used went")
        #expect(await Self.isKept(key(1), in: pages))
        #expect(await Self.isKept(key(3), in: pages))
        try await keep(300, key(4))
        #expect(await Self.isKept(key(4), in: pages) == false, "larger than the store: not kept")
        try await keep(10, key(5, revision: "r2"))
        #expect(pages.count == 1, "a newer revision drops every page of the older one")

        let split = RenderedCasePage(caseID: UUID(), regionCode: "london",
                                     rendered: ByteBuffer(string: "<p>before</p>" + RenderedCasePage.viewersSlot + "<p>after</p>"))
        #expect(split.head == ByteBuffer(string: "<p>before</p>") && split.tail == ByteBuffer(string: "<p>after</p>"))
    }
}
