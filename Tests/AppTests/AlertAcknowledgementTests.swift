@testable import App
import Domain
import Fluent
import NIOHTTP1
import Testing
import VaporTesting

@Suite("Alerts: acknowledged by a text reply, a key on the call, the link or the page; Twilio's webhooks signed")
struct AlertAcknowledgementTests {
    static let twilio = ["REACHABLE_TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32),
                         "REACHABLE_TWILIO_AUTH_TOKEN": "test-auth-token", "REACHABLE_TWILIO_FROM": "+447700900999",
                         "REACHABLE_BASE_URL": "https://reachable.example.org"]

    /// Posts a form as Twilio would: signed with the auth token for the public URL, unless `signature` is given.
    static func webhook(_ app: Application, _ path: String, _ form: [(String, String)], signature: String? = nil) async throws -> TestingHTTPResponse {
        let body = form.map { Browser.encode([$0.0: $0.1]) }.joined(separator: "&")
        let signed = signature ?? TwilioSignature.expected(url: "https://reachable.example.org" + path, parameters: form,
                                                           authToken: "test-auth-token")
        return try await app.testing().sendRequest(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded",
                                                                         "X-Twilio-Signature": signed],
                                                   body: ByteBuffer(string: body))
    }

    @Test("Twilio's signature, checked against the example in Twilio's documentation")
    func signatureExample() {
        let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675310"), ("Digits", "1234"),
                          ("From", "+14158675310"), ("To", "+18005551212")]
        #expect(TwilioSignature.expected(url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: parameters.reversed(),
                                         authToken: "12345") == "GvWf1cFY/Q7PnoempGyD5oXAezc=")
    }

    @Test("\"OK\" from the number alerted acknowledges as that person, once however often it is replayed; a forged signature, another number, other words or a cry for help never acknowledge")
    func smsReply() async throws {
        try await withApp(env: Self.twilio) { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let path = SiteURL.twilioSMS.path
            let forged = try await Self.webhook(app, path, [("From", "07700 900001"), ("Body", "ok")], signature: "bm90IGEgc2lnbmF0dXJl")
            #expect(forged.status == .forbidden)
            let unsigned = try await app.testing().sendRequest(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                               body: ByteBuffer(string: "From=%2B447700900001&Body=OK"))
            #expect(unsigned.status == .forbidden)
            #expect(try await Fixtures.auditActions(app).filter { $0 == "webhook.refused" }.count == 2)
            let stranger = try await Self.webhook(app, path, [("MessageSid", "SMa"), ("From", "+447700900777"), ("Body", "OK")])
            #expect(stranger.status == .ok && !stranger.body.string.contains("Reachable"), "a stranger learns nothing")
            let chatter = try await Self.webhook(app, path, [("MessageSid", "SMb"), ("From", AlertRegion.workerPhone), ("Body", "who is this?")])
            #expect(chatter.body.string.contains("reply OK"))
            let named = try await Self.webhook(app, path, [("MessageSid", "SMc"), ("From", AlertRegion.workerPhone), ("Body", "OK AL-ZZZZZZ")])
            #expect(named.body.string.contains("AL-ZZZZZZ is not an open alert"))
            let help = try await Self.webhook(app, path, [("MessageSid", "SMd"), ("From", AlertRegion.workerPhone), ("Body", "Ok not safe, send help")])
            #expect(help.body.string.contains("call 999"))
            #expect(try await Alert.query(on: app.db).filter(\.$acknowledgedAt != nil).count() == 0, "a cry for help never acknowledges")
            try await AlertEngine.tick(app: app)
            #expect(providers.sent(to: AlertRegion.managerPhone).contains { $0.text.contains("call for help by text") },
                    "a call for help of its own, to the manager on call at once")
            #expect(providers.sent(to: AlertRegion.leadPhone).contains { $0.text.contains("call for help by text") })
            let again = try await Self.webhook(app, path, [("MessageSid", "SMe"), ("From", AlertRegion.workerPhone), ("Body", "HELP")])
            #expect(again.body.string.contains("call 999"))
            #expect(try await Alert.query(on: app.db).filter(\.$kind == .helpByText).count() == 1, "one open call for help, not one a text")
            let query = try await Self.webhook(app, path, [("MessageSid", "SMf"), ("From", AlertRegion.workerPhone), ("Body", "OK?")])
            #expect(!query.body.string.contains("acknowledged"))
            providers.clear()

            let form = [("MessageSid", "SM1"), ("From", AlertRegion.workerPhone), ("Body", " Ok, safe now ")]
            let reply = try await Self.webhook(app, path, form)
            #expect(reply.status == .ok && reply.headers.first(name: .contentType)?.hasPrefix("text/xml") == true)
            #expect(reply.body.string.contains("acknowledged"))
            let alert = try #require(try await Alert.query(on: app.db).filter(\.$kind == .loneWorkingOverdue).first())
            #expect(alert.acknowledgedByID == region.worker.id && alert.acknowledgedVia == AcknowledgementRoute.smsReply.rawValue)
            // The same signed request again (Twilio retries; someone replays a captured one) acts on nothing else.
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let replayed = try await Self.webhook(app, path, form)
            #expect(!replayed.body.string.contains("acknowledged"))
            #expect(try await Alert.query(on: app.db).filter(\.$kind == .loneWorkingOverdue).filter(\.$acknowledgedAt == nil).count() == 1,
                    "the second alert is still open")
            app.clock.advance(by: 60 * 60)
            try await alertTick(app)
            #expect(!providers.sent(to: AlertRegion.secondPhone).contains { $0.text.contains(alert.reference) },
                    "the worker answered: nobody else is called about the first alert")
            #expect(try await Fixtures.auditActions(app).contains("alert.reply"))
        }
    }

    @Test("A delivery report marks the message; an undelivered one is shown to the managers")
    func deliveryReport() async throws {
        try await withApp(env: Self.twilio) { app in
            RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let sms = try #require(try await AlertMessageRecord.query(on: app.db).filter(\.$channel == .sms).first())
            let report = try await Self.webhook(app, SiteURL.twilioStatus.path,
                                                [("MessageSid", sms.providerID ?? ""), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")])
            #expect(report.status == .ok)
            let stored = try #require(try await AlertMessageRecord.find(sms.id, on: app.db))
            #expect(stored.deliveryStatus == "undelivered" && stored.status == .failed)
            let manager = Browser(app)
            try await manager.signIn(region.manager)
            #expect(try await manager.get(SiteURL.home.path).body.string.contains("reported it undelivered"))
        }
    }

    @Test("A call: the key 1 acknowledges as the person called; the call's words carry no personal data")
    func voiceKeypress() async throws {
        try await withApp(env: Self.twilio) { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            try await AlertRegion.contact(app, region.worker, phone: AlertRegion.workerPhone, channels: [.voice], name: "Wendy Worker")
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let twiml = try #require(providers.sent(to: AlertRegion.workerPhone).first).text
            #expect(twiml.contains("<Gather") && twiml.contains("press 1") && !twiml.contains("Wendy") && !twiml.contains("Aston"))
            let message = try #require(try await AlertMessageRecord.query(on: app.db).filter(\.$channel == .voice).first())
            let path = SiteURL.twilioVoice.path + "?message=\(message.id!.uuidString)"
            let call = try #require(message.providerID)
            #expect(try await Self.webhook(app, path, [("CallSid", call), ("Digits", "1")], signature: "x").status == .forbidden)
            let wrongKey = try await Self.webhook(app, path, [("CallSid", call), ("Digits", "2")])
            #expect(wrongKey.body.string.contains("No alert was acknowledged"))
            let otherCall = try await Self.webhook(app, path, [("CallSid", "CA-another-call"), ("Digits", "1")])
            #expect(otherCall.body.string.contains("can no longer acknowledge"), "the key counts only on the call the message placed")
            let pressed = try await Self.webhook(app, path, [("CallSid", call), ("Digits", "1")])
            #expect(pressed.body.string.contains("acknowledged"))
            #expect(try await Alert.query(on: app.db).first()?.acknowledgedVia == AcknowledgementRoute.voiceKeypress.rawValue)
        }
    }

    @Test("Without Twilio configured the webhooks do not exist")
    func noTwilio() async throws {
        try await withApp { app in
            let response = try await Self.webhook(app, SiteURL.twilioSMS.path, [("From", "+447700900001"), ("Body", "OK")])
            #expect(response.status == .notFound)
        }
    }

    @Test("The link expires after a day; on the page, another region's alert is 404 and an acknowledgement names the person and happens once")
    func linkAndPage() async throws {
        try await withApp { app in
            let (region, path) = try await AlertRegion.withOverdueVisitLink(app)
            app.clock.advance(by: AlertOutbox.linkLifetime + 1)
            let browser = Browser(app)
            let late = try await browser.get(path)
            #expect(late.status == .notFound && late.body.string.contains("no longer works"))
            try await browser.get(SiteURL.signIn.path)
            #expect(try await browser.post(path).status == .notFound, "with a good form token, still refused")

            let alert = try #require(try await Alert.query(on: app.db).first())
            let london = try await Fixtures.account(app, role: .manager, region: "london")
            let outsider = Browser(app)
            try await outsider.signIn(london)
            try await outsider.get(SiteURL.alerts.path)
            #expect(try await outsider.post(SiteURL.alertAcknowledgeOnPage(alert.id).path).status == .notFound)
            let manager = Browser(app)
            try await manager.signIn(region.manager)
            let list = try await manager.get(SiteURL.alerts.path).body.string
            #expect(list.contains(alert.reference))
            let done = try await manager.post(SiteURL.alertAcknowledgeOnPage(alert.id).path)
            #expect(done.status == .seeOther || done.status == .found)
            #expect(try await manager.get(SiteURL.alerts.path).body.string.contains("Acknowledged by Mo Manager on the page"))
            #expect(try await manager.post(SiteURL.alertAcknowledgeOnPage(alert.id).path).status == .conflict)
        }
    }

    @Test("A caseworker sees and acknowledges their own overdue visit on the page, never a colleague's")
    func caseworkersOwn() async throws {
        try await withApp { app in
            RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            _ = try await region.overdueVisit(app)
            try await alertTick(app)
            let alert = try #require(try await Alert.query(on: app.db).first())
            let colleague = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let other = Browser(app)
            try await other.signIn(colleague)
            #expect(!(try await other.get(SiteURL.alerts.path).body.string.contains(alert.reference)))
            #expect(try await other.post(SiteURL.alertAcknowledgeOnPage(alert.id).path).status == .notFound)
            let own = Browser(app)
            try await own.signIn(region.worker)
            #expect(try await own.get(SiteURL.alerts.path).body.string.contains(alert.reference))
            try await own.post(SiteURL.alertAcknowledgeOnPage(alert.id).path)
            #expect(try await Alert.find(alert.id, on: app.db)?.acknowledgedByID == region.worker.id)
        }
    }
}
