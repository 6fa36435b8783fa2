@testable import App
import Domain
import Fluent
import NIOCore
import Testing
import VaporTesting

@Suite("Lone working")
struct LoneWorkingTests {
    @Test("A visit not checked out goes overdue; the region's managers, and only they, see it on every page until acknowledged")
    func overdue() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.loneWorking.path)
            let past = try await browser.post(SiteURL.loneWorking.path, ["place": "Home visit", "expectedEnd": "2020-01-01T10:00"])
            #expect(past.status == .unprocessableEntity)
            try await browser.post(SiteURL.loneWorking.path, [
                "place": "Home visit, Aston", "withWhom": "Young person and mum",
                "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(3600)), "checkInNote": "Safe word: bluebell"])
            let visit = try #require(try await LoneWorkingVisit.query(on: app.db).first())
            #expect(!visit.checkInNote.contains("bluebell"), "sealed")

            app.clock.advance(by: 2 * 3600)
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let londonManager = try await Fixtures.account(app, role: .manager, region: "london")
            let managerBrowser = Browser(app), londonBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            try await londonBrowser.signIn(londonManager)
            for path in [SiteURL.home.path, SiteURL.referrals.path, SiteURL.account.path] {
                #expect(try await managerBrowser.get(path).body.string.contains("id=\"overdue-visits\""), "on \(path)")
            }
            #expect(!(try await londonBrowser.get(SiteURL.home.path).body.string.contains("overdue-visits")))
            try await browser.signIn(worker)
            #expect(!(try await browser.get(SiteURL.home.path).body.string.contains("overdue-visits")), "managers are alerted")

            try await managerBrowser.get(SiteURL.loneWorking.path)
            #expect(try await managerBrowser.post(SiteURL.visitAcknowledge(visit.id).path, ["note": ""]).status == .unprocessableEntity)
            try await managerBrowser.post(SiteURL.visitEscalate(visit.id).path, ["step": "Phoned the worker, no answer"])
            try await managerBrowser.post(SiteURL.visitAcknowledge(visit.id).path, ["note": "Reached her: phone had died, she is safe"])
            // Acknowledged is not checked out: the alert stays, saying so, until the visit ends.
            #expect(try await managerBrowser.get(SiteURL.home.path).body.string.contains("acknowledged, not yet known to be safe"))
            let page = try await managerBrowser.get(SiteURL.loneWorking.path).body.string
            #expect(page.contains("Phoned the worker, no answer") && page.contains("she is safe"))
            #expect(try await londonBrowser.post(SiteURL.visitAcknowledge(visit.id).path, ["note": "x"]).status == .notFound)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "lone_working.viewed").count() >= 2, "views are audited")
        }
    }

    @Test("Two server instances on one database raise an overdue visit exactly once")
    func raisedOnce() async throws {
        try await withTwoInstances { first, second in
            let worker = try await Fixtures.account(first, role: .caseworker, region: "london")
            for _ in 0..<3 {
                let visit = LoneWorkingVisit()
                visit.$region.id = try #require(try await Region.query(on: first.db).filter(\.$code == "london").first()?.id)
                visit.$caseworker.id = worker.id
                visit.place = try first.cipher.seal("A")
                visit.withWhom = try first.cipher.seal("B")
                visit.checkInNote = try first.cipher.seal("C")
                visit.startedAt = Date().addingTimeInterval(-7200)
                visit.expectedEnd = Date().addingTimeInterval(-60)
                try await visit.create(on: first.db)
            }
            let now = Date()
            async let a = LoneWorkingAlerts.raiseOverdue(app: first, now: now)
            async let b = LoneWorkingAlerts.raiseOverdue(app: second, now: now)
            let (raisedByFirst, raisedBySecond) = try await (a, b)
            #expect(raisedByFirst + raisedBySecond == 3)
            #expect(try await LoneWorkingAlerts.raiseOverdue(app: first, now: now.addingTimeInterval(60)) == 0, "after a restart too")
            #expect(try await AuditEvent.query(on: first.db).filter(\.$action == "lone_working.overdue").count() == 3)
            #expect(try await Audit.firstBrokenEntry(on: first.db) == nil, "one audit chain across instances")
        }
    }
}

@Suite("Lone working: every path of a visit, with the clock under the test's control")
struct LoneWorkingEpisodeTests {
    static func banner(_ browser: Browser) async throws -> String? {
        let page = try await browser.get(SiteURL.home.path).body.string
        guard let start = page.range(of: "id=\"overdue-visits\"") else { return nil }
        return String(page[start.lowerBound...].prefix(800))
    }

    @Test("Overdue, acknowledged, extended by a check-in, overdue again: the second episode is a new alert; late check-out ends it")
    func secondDeadline() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app), managerBrowser = Browser(app)
            try await browser.signIn(worker)
            try await managerBrowser.signIn(manager)
            try await browser.get(SiteURL.loneWorking.path)
            try await browser.post(SiteURL.loneWorking.path, [
                "place": "Flat, Aston", "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(3600))])
            let visit = try #require(try await LoneWorkingVisit.query(on: app.db).first())
            #expect(try await Self.banner(managerBrowser) == nil, "on time: nothing to show")

            // First deadline missed. (Sessions time out after 30 idle minutes: each person signs in again.)
            app.clock.advance(by: 3600 + 25 * 60)
            #expect(try await LoneWorkingAlerts.raiseOverdue(app: app, now: app.clock.now()) == 1)
            try await managerBrowser.signIn(manager)
            try await browser.signIn(worker)
            let first = try #require(try await Self.banner(managerBrowser))
            // 25 minutes late, and two sign-ins of 30 seconds each (a slow machine may add a minute more).
            #expect(["26", "27"].contains { first.contains("(\($0) minutes ago)") } && !first.contains("acknowledged"), "\(first)")
            try await managerBrowser.get(SiteURL.loneWorking.path)
            try await managerBrowser.post(SiteURL.visitAcknowledge(visit.id).path, ["note": "Texted her, she replied"])
            let acknowledged = try #require(try await Self.banner(managerBrowser), "acknowledged is not safe: still shown")
            #expect(acknowledged.contains("acknowledged, not yet known to be safe"))

            // The worker checks in and moves the end on; an end years away is refused.
            try await browser.get(SiteURL.loneWorking.path)
            let tooFar = try await browser.post(SiteURL.visitCheckIn(visit.id).path, ["expectedEnd": "2099-01-01T10:00"])
            #expect(tooFar.status == .unprocessableEntity && tooFar.body.string.contains("at most 12 hours ahead"))
            #expect(try await LoneWorkingVisit.find(visit.id, on: app.db)?.expectedEnd ?? .distantFuture < app.clock.now().addingTimeInterval(13 * 3600))
            try await browser.post(SiteURL.visitCheckIn(visit.id).path,
                                   ["expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(1800))])
            #expect(try await Self.banner(managerBrowser) == nil, "back on time after the check-in")

            // Second deadline missed: a new alert, not covered by the first acknowledgement.
            app.clock.advance(by: 1800 + 10 * 60)
            #expect(try await LoneWorkingAlerts.raiseOverdue(app: app, now: app.clock.now()) == 1)
            try await managerBrowser.signIn(manager)
            try await browser.signIn(worker)
            let second = try #require(try await Self.banner(managerBrowser))
            #expect(second.contains("minutes ago") && !second.contains("acknowledged"), "\(second)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "lone_working.overdue").count() == 2)
            let page = try await managerBrowser.get(SiteURL.loneWorking.path).body.string
            #expect(["11", "12"].contains { page.contains("Overdue by \($0) minutes") })
            #expect(!page.contains("<strong>Acknowledged:</strong>"), "the first acknowledgement does not answer the second episode")
            #expect(page.contains("Acknowledged before the worker checked in and moved the end: Texted her"), "it stays in the history")

            // Two check-ins at once: the later end stands, whatever their order.
            let later = app.clock.now().addingTimeInterval(3 * 3600), sooner = app.clock.now().addingTimeInterval(3600)
            try await browser.get(SiteURL.loneWorking.path)
            let headers = ConcurrencyTests.cookieHeaders(browser), token = browser.lastToken ?? ""
            _ = try await ConcurrencyTests.burst(2, (app, app)) { app, index in
                let end = CasePage.localInput(index == 0 ? later : sooner)
                return try await app.testing().sendRequest(.POST, SiteURL.visitCheckIn(visit.id).path, headers: headers,
                                                           body: ByteBuffer(string: Browser.encode(["expectedEnd": end, "_csrf": token])))
            }
            let end = try #require(try await LoneWorkingVisit.find(visit.id, on: app.db)).expectedEnd
            #expect(abs(end.timeIntervalSince(later)) < 60, "the later end stands")

            // Checked out late: the alert ends.
            try await browser.get(SiteURL.loneWorking.path)
            try await browser.post(SiteURL.visitCheckOut(visit.id).path)
            #expect(try await Self.banner(managerBrowser) == nil)
            #expect(try await browser.post(SiteURL.visitCheckIn(visit.id).path, ["expectedEnd": CasePage.localInput(later)]).status == .conflict,
                    "no check-in after the check-out")
        }
    }
}

@Suite("Lone working: duress")
struct DuressTests {
    @Test("Checking out with the duress word looks like any check-out to the worker and raises a silent alarm to the region's managers and the national lead, until a manager acts")
    func duressLater() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let colleague = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let londonManager = try await Fixtures.account(app, role: .manager, region: "london")
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.loneWorking.path)
            #expect(try await browser.post(SiteURL.loneWorkingDuressWord.path, ["duressWord": "ab"]).status == .unprocessableEntity)
            try await browser.post(SiteURL.loneWorkingDuressWord.path, ["duressWord": "Bluebell"])
            #expect(try #require(try await User.find(worker.id, on: app.db)).duressWordHash?.contains("luebell") == false, "hashed")
            // A first visit checked out with an ordinary note: no alarm.
            for note in ["All fine, home now", " BLUEBELL "] {
                try await browser.get(SiteURL.loneWorking.path)
                try await browser.post(SiteURL.loneWorking.path, [
                    "place": "Flat, Aston", "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(3600))])
                let visit = try #require(try await LoneWorkingVisit.query(on: app.db).filter(\.$checkedOutAt == nil).first())
                try await browser.get(SiteURL.loneWorking.path)
                let answer = try await browser.post(SiteURL.visitCheckOut(visit.id).path, ["note": note])
                #expect(answer.status == .seeOther && answer.location?.hasPrefix(SiteURL.loneWorking.path + "?saved=lone_working.checked_out.") == true,
                        "the same answer either way")
                let after = try await browser.get(try #require(answer.location)).body.string
                #expect(after.contains("Checked out. Stay safe."), "the same confirmation either way")
                #expect(!after.contains("Duress") && !after.contains("Flat, Aston"), "the worker sees a check-out, nothing more")
            }
            let visits = try await LoneWorkingVisit.query(on: app.db).all()
            #expect(visits.filter { $0.duressAt != nil }.count == 1, "the duress word, whatever its case or spacing, raised one alarm")
            let stored = try await FreeTextSweepTests.everyStoredText(app.db)
            #expect(!stored.contains { $0.lowercased().contains("bluebell") }, "the word itself is never stored")

            // Who sees the alarm.
            func banner(_ account: Account) async throws -> String {
                let other = Browser(app)
                try await other.signIn(account)
                return try await other.get(SiteURL.home.path).body.string
            }
            #expect(try await banner(manager).contains("Duress: Test Caseworker checked out"))
            #expect(try await banner(lead).contains("Duress: Test Caseworker checked out"))
            #expect(!(try await banner(londonManager).contains("Duress")), "another region's manager does not")
            #expect(!(try await banner(colleague).contains("Duress")), "nor a colleague")
            #expect(!(try await banner(worker).contains("Duress")), "nor the worker: the alarm is silent")

            // A manager acts on it; the alarm leaves the banner, the audit log keeps it.
            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            let page = try await managerBrowser.get(SiteURL.loneWorking.path).body.string
            #expect(page.contains("checked out with their duress word"))
            let duressVisit = try #require(visits.first { $0.duressAt != nil })
            try await managerBrowser.post(SiteURL.visitDuressAcknowledge(duressVisit.id).path)
            #expect(!(try await managerBrowser.get(SiteURL.home.path).body.string.contains("Duress")))
            let actions = try await Fixtures.auditActions(app)
            #expect(actions.contains("lone_working.duress") && actions.contains("lone_working.duress_acknowledged"))
        }
    }
}
