@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Alerts: escalation until a named person acknowledges, with the clock under the test's control")
struct AlertEscalationTests {
    @Test("An overdue visit: the worker first, then the manager on call, the second, the national lead; the manager acknowledges by the link and nothing more is sent")
    func overdueVisit() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            let visit = try await region.overdueVisit(app)

            try await alertTick(app)
            #expect(Set(providers.sent.map(\.to)) == [AlertRegion.workerPhone, region.worker.email], "the worker first, by text and email")
            let toWorker = try #require(providers.sent(to: AlertRegion.workerPhone).first).text
            #expect(toWorker.contains("Reply OK"))
            for secret in ["Aston", "Jay", "Wendy", "mum"] { #expect(!toWorker.contains(secret), "no personal data: \(secret)") }

            try await alertTick(app)
            #expect(providers.sent.count == 2, "nothing more until the step's minutes have passed")
            app.clock.advance(by: 10 * 60 + 1)
            try await alertTick(app)
            let toManager = try #require(providers.sent(to: AlertRegion.managerPhone).first).text
            #expect(providers.sent(to: region.manager.email).count == 1)
            #expect(!toManager.contains("Aston") && !toManager.contains("Wendy"))

            // The link opens a page that asks; only the button acknowledges (a mail scanner's GET changes nothing).
            let path = try acknowledgementPath(in: toManager)
            let anyone = Browser(app)
            let page = try await anyone.get(path)
            #expect(page.status == .ok && page.body.string.contains("works once") && !page.body.string.contains("Aston"))
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            #expect(try await Alert.query(on: app.db).first()?.acknowledgedAt == nil)
            let done = try await anyone.post(path)
            #expect(done.status == .ok && done.body.string.contains("you have acknowledged it"))
            let second = try await anyone.post(path)
            #expect(second.status == .notFound, "the link works once")

            app.clock.advance(by: 60 * 60)
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.secondPhone).isEmpty && providers.sent(to: AlertRegion.leadPhone).isEmpty,
                    "acknowledged: nothing more is sent")
            let alert = try #require(try await Alert.query(on: app.db).first())
            #expect(alert.acknowledgedByID == region.manager.id && alert.acknowledgedVia == AcknowledgementRoute.link.rawValue)
            let stored = try #require(try await LoneWorkingVisit.find(visit, on: app.db))
            #expect(try app.cipher.open(stored.acknowledgement ?? "").contains("Mo Manager"), "the visit says who acknowledged")
            let actions = try await Fixtures.auditActions(app)
            for action in ["lone_working.overdue", "alert.raised", "alert.escalated", "alert.sent", "alert.acknowledged"] {
                #expect(actions.contains(action), "audited: \(action)")
            }
            #expect(actions.filter { $0 == "alert.escalated" }.count == 2)
        }
    }

    @Test("Nobody acknowledges: every step is taken in turn, the national lead last, and the last again after each wait")
    func wholeChain() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            _ = try await AlertRegion.make(app).overdueVisit(app)
            var order: [String] = []
            for _ in 0..<6 {
                try await alertTick(app)
                for sent in providers.sent where sent.channel == "sms" && !order.contains(sent.to) { order.append(sent.to) }
                app.clock.advance(by: 10 * 60 + 1)
            }
            #expect(order == [AlertRegion.workerPhone, AlertRegion.managerPhone, AlertRegion.secondPhone, AlertRegion.leadPhone])
            let texts = providers.sent.filter { $0.channel == "sms" }
            #expect(texts.filter { $0.to != AlertRegion.leadPhone }.count == 3, "each step before the last once")
            #expect(texts.filter { $0.to == AlertRegion.leadPhone }.count == 3, "the last step again after each wait, until someone answers")
        }
    }

    @Test("A gap in the rota: the step with nobody in it passes at once, and the audit log says nobody was on call")
    func gapInTheRota() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            _ = try await AlertRegion.make(app, rota: []).overdueVisit(app)
            try await alertTick(app)
            app.clock.advance(by: 10 * 60 + 1)
            try await alertTick(app)
            #expect(!providers.sent(to: AlertRegion.leadPhone).isEmpty, "with no manager or second on call, the national lead at once")
            let skipped = try await AuditEvent.query(on: app.db).filter(\.$action == "alert.step_skipped").all()
            #expect(skipped.count == 2 && skipped.contains { $0.detail.contains("manager on call") })
        }
    }

    @Test("Duress: the manager on call and the national lead at once, never the worker; the worker's screen is a normal check-out")
    func duress() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            let browser = Browser(app)
            try await browser.signIn(region.worker)
            try await browser.get(SiteURL.loneWorking.path)
            try await browser.post(SiteURL.loneWorkingDuressWord.path, ["duressWord": "bluebell"])
            for _ in 0..<2 {
                try await browser.post(SiteURL.loneWorking.path, ["place": "Aston", "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(3600))])
            }
            let visits = try await LoneWorkingVisit.query(on: app.db).all()
            let normal = try await browser.post(SiteURL.visitCheckOut(visits[0].id).path, ["note": "all fine"])
            try await browser.get(SiteURL.loneWorking.path)
            let silent = try await browser.post(SiteURL.visitCheckOut(visits[1].id).path, ["note": " Bluebell "])
            #expect(normal.status == silent.status)
            #expect(normal.location?.split(separator: "?").first == silent.location?.split(separator: "?").first)
            try await alertTick(app)
            #expect(!providers.sent(to: AlertRegion.managerPhone).isEmpty && !providers.sent(to: AlertRegion.leadPhone).isEmpty)
            #expect(providers.sent(to: AlertRegion.workerPhone).isEmpty && providers.sent(to: region.worker.email).isEmpty, "silent")
            let text = try #require(providers.sent(to: AlertRegion.managerPhone).first).text
            #expect(text.contains("silent alarm") && !text.contains("Wendy") && !text.contains("Aston"))
            // The worker sees no trace of it, on the alerts page either.
            let alertsPage = try await browser.get(SiteURL.alerts.path)
            #expect(alertsPage.status == .ok && !alertsPage.body.string.contains("silent alarm"))
        }
    }

    @Test("Checking out ends the alert: nothing more is sent, and the alert says it is over")
    func checkOutEnds() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            let visit = try await region.overdueVisit(app)
            try await alertTick(app)
            let browser = Browser(app)
            try await browser.signIn(region.worker)
            try await browser.get(SiteURL.loneWorking.path)
            try await browser.post(SiteURL.visitCheckOut(visit).path, ["note": "sorry, phone died"])
            app.clock.advance(by: 60 * 60)
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.managerPhone).isEmpty)
            #expect(try await Alert.query(on: app.db).first()?.resolvedAt != nil)
        }
    }

    @Test("Raised once each: a red rating (not again while red), a rescue call, an urgent partner call-back past its time")
    func otherKinds() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app, rota: [.manager])
            let browser = Browser(app)
            try await browser.signIn(region.manager)
            let caseID = try await CaseTests.openCase(app, lead: region.manager, browser: browser)
            for rating in ["red", "red", "amber"] {
                try await browser.get(SiteURL.supportCase(caseID).path)
                try await browser.post(SiteURL.caseRisk(caseID).path, ["rating": rating, "reason": "Seen with older males"])
            }
            let red = try await Alert.query(on: app.db).filter(\.$kind == .caseRed).all()
            #expect(red.count == 1, "red twice in a row is one alert")
            #expect(red.first?.resolvedAt != nil, "rated amber: over")
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.managerPhone).isEmpty, "rated amber since: the red alert is over")
            try await browser.get(SiteURL.supportCase(caseID).path)
            try await browser.post(SiteURL.caseRisk(caseID).path, ["rating": "red", "reason": "Missing again"])
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.managerPhone).contains { $0.text.contains("case rated red") })
        }
    }
}
