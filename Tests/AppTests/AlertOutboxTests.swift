@testable import App
import Domain
import Fluent
import SQLKit
import Testing
import VaporTesting

@Suite("Alerts: the outbox sends each message once, retries what fails, and shows what keeps failing")
struct AlertOutboxTests {
    @Test("Two instances ticking at once send each message once; a sender that died mid-send leaves it to the other, after its claim runs out")
    func exactlyOnce() async throws {
        try await withInstances { first, second in
            let providers = RecordingProviders()
            providers.install(first)
            providers.install(second)
            let region = try await AlertRegion.make(first)
            for _ in 0..<4 { _ = try await region.overdueVisit(first) }
            _ = try await LoneWorkingAlerts.raiseOverdue(app: first, now: first.clock.now())
            async let a: Void = AlertEngine.tick(app: first)
            async let b: Void = AlertEngine.tick(app: second)
            async let c: Void = AlertEngine.tick(app: first)
            _ = try await (a, b, c)
            let messages = try await AlertMessageRecord.query(on: first.db).all()
            #expect(messages.count == 8, "four alerts, the worker by text and by email")
            #expect(providers.sent.count == 8, "each sent once: \(providers.sent.count)")
            #expect(messages.allSatisfy { $0.status == .sent && $0.attempts == 1 })

            // A sender claimed one and died before sending it (kill -9): after its claim runs out, the other sends it.
            let dead = try #require(messages.first)
            try await (first.db as! any SQLDatabase).update(AlertMessageRecord.schema).set("status", to: "sending")
                .set("claimed_until", to: first.clock.now().addingTimeInterval(AlertSender.lease)).where("id", .equal, dead.id!).run()
            providers.clear()
            try await AlertEngine.tick(app: second)
            #expect(providers.sent.isEmpty, "its claim still holds")
            first.clock.advance(by: AlertSender.lease + 1)
            second.clock.advance(by: AlertSender.lease + 1)
            try await AlertEngine.tick(app: second)
            #expect(providers.sent.count == 1)
            #expect(try await AlertMessageRecord.find(dead.id, on: first.db)?.attempts == 2)
        }
    }

    @Test("A provider that fails is tried again with growing waits, never dropped; after three tries the managers see it; a permanent refusal at once")
    func retries() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            try await AlertRegion.contact(app, region.worker, phone: AlertRegion.workerPhone, channels: [.sms], name: "Wendy Worker")
            _ = try await region.overdueVisit(app)
            providers.failNext(4)
            try await alertTick(app)
            let message = try #require(try await AlertMessageRecord.query(on: app.db).first())
            #expect(message.status == .pending && message.attempts == 1 && message.lastError?.contains("refused") == true)
            var waits: [TimeInterval] = []
            var last = try #require(try await AlertMessageRecord.find(message.id, on: app.db))
            for _ in 0..<3 {
                waits.append(last.nextAttemptAt.timeIntervalSince(app.clock.now()))
                app.clock.advance(by: last.nextAttemptAt.timeIntervalSince(app.clock.now()) + 1)
                try await AlertSender.sendDue(app: app, now: app.clock.now())
                last = try #require(try await AlertMessageRecord.find(message.id, on: app.db))
            }
            #expect(waits.count == 3 && waits[1] > waits[0] && waits[2] > waits[1], "growing waits: \(waits)")
            #expect(last.attempts == 4 && last.status == .pending)
            let manager = Browser(app)
            try await manager.signIn(region.manager)
            let home = try await manager.get(SiteURL.home.path).body.string
            #expect(home.contains("id=\"undelivered-alerts\"") && home.contains("Still trying"))
            app.clock.advance(by: last.nextAttemptAt.timeIntervalSince(app.clock.now()) + 1)
            _ = try await AlertSender.sendDue(app: app, now: app.clock.now())
            #expect(try await AlertMessageRecord.find(message.id, on: app.db)?.status == .sent, "sent in the end")

            // A number the provider will never take: failed, shown, not tried again.
            providers.failNext(1, permanent: true)
            try await AlertRegion.contact(app, region.manager, phone: AlertRegion.managerPhone, channels: [.sms], name: "Mo Manager")
            app.clock.advance(by: 10 * 60 + 1)
            try await alertTick(app)
            let failed = try #require(try await AlertMessageRecord.query(on: app.db).filter(\.$userID == region.manager.id).first())
            #expect(failed.status == .failed)
            let alerts = try await manager.get(SiteURL.alerts.path).body.string
            #expect(alerts.contains("id=\"undelivered\"") && alerts.contains("Not sent"))
        }
    }

    @Test("Without a provider a channel is off and says so: nothing pretends to send, the managers see why")
    func channelOff() async throws {
        try await withApp { app in
            app.alertProviders = AlertProviders()
            let region = try await AlertRegion.make(app)
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let messages = try await AlertMessageRecord.query(on: app.db).all()
            #expect(messages.count == 2 && messages.allSatisfy { $0.status == .off })
            #expect(messages.contains { $0.lastError?.contains("no SMS provider is configured") == true })
            let browser = Browser(app)
            try await browser.signIn(region.worker)
            let page = try await browser.get(SiteURL.accountAlerts.path).body.string
            #expect(page.contains("Text messages are off: no SMS provider is configured"))
            #expect(!(try await Fixtures.auditActions(app)).contains("alert.sent"))
        }
    }

    @Test("Messages: the reference, the kind and a link; the address and the words sealed in the outbox")
    func sealed() async throws {
        try await withApp { app in
            RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT address, body FROM alert_messages").all()
            for row in rows {
                let address = try row.decode(column: "address", as: String.self), body = try row.decode(column: "body", as: String.self)
                #expect(address.hasPrefix("v1.") && !address.contains("7700") && body.hasPrefix("v1.") && !body.contains("/alerts/ack/"))
            }
            let users = try await (app.db as! any SQLDatabase).raw("SELECT alert_phone FROM users WHERE alert_phone IS NOT NULL").all()
            #expect(try users.allSatisfy { !(try $0.decode(column: "alert_phone", as: String.self)).contains("7700") })
        }
    }
}
