@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

/// What a black-box adversary broke in the alerts, each kept broken-proof.
@Suite("Alerts: the adversary's findings")
struct AlertAdversaryTests {
    @Test("A manager on call who checks out under duress is told nothing: no message, no banner, nothing on their pages")
    func managerUnderDuress() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            let browser = Browser(app)
            try await browser.signIn(region.manager)
            try await browser.get(SiteURL.loneWorking.path)
            try await browser.post(SiteURL.loneWorkingDuressWord.path, ["duressWord": "rhubarb"])
            try await browser.post(SiteURL.loneWorking.path, ["place": "Aston", "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(3600))])
            let visit = try #require(try await LoneWorkingVisit.query(on: app.db).first())
            try await browser.post(SiteURL.visitCheckOut(visit.id).path, ["note": "rhubarb"])
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.managerPhone).isEmpty && providers.sent(to: region.manager.email).isEmpty)
            #expect(!providers.sent(to: AlertRegion.leadPhone).isEmpty && !providers.sent(to: AlertRegion.secondPhone).isEmpty,
                    "the national lead at once, and the second on call in the manager's place")
            for path in [SiteURL.home.path, SiteURL.loneWorking.path, SiteURL.alerts.path] {
                let page = try await browser.get(path).body.string
                #expect(!page.contains("Duress") && !page.contains("silent alarm"), "nothing on \(path)")
            }
            #expect(try await browser.post(SiteURL.visitDuressAcknowledge(visit.id).path).status == .conflict)
        }
    }

    @Test("A link opened by someone else signed in acknowledges nothing, and the link alone shows no staff names")
    func linkForSomeoneElse() async throws {
        try await withApp { app in
            let (_, path) = try await AlertRegion.withOverdueVisitLink(app)
            let other = Browser(app)
            try await other.signIn(try await Fixtures.account(app, role: .manager, region: "greater-manchester"))
            #expect(try await other.get(path).status == .forbidden)
            #expect(try await other.post(path).status == .forbidden)
            #expect(try await Alert.query(on: app.db).first()?.acknowledgedAt == nil)
            let anonymous = try await Browser(app).get(path).body.string
            #expect(!anonymous.contains("Wendy") && !anonymous.contains("Mo Manager"))
        }
    }

    @Test("A disabled account is no cover: its shift leaves a gap, and the step passes it by")
    func disabledIsNoCover() async throws {
        try await withApp { app in
            let region = try await AlertRegion.make(app)
            try await User.query(on: app.db).filter(\.$id == region.second.id).set(\.$disabled, to: true).update()
            let browser = Browser(app)
            try await browser.signIn(region.manager)
            let rota = try await browser.get(SiteURL.onCall.path).body.string
            #expect(rota.contains("cannot hold this place now: not covering") && !rota.contains("Every place is covered"))
            let home = try await browser.get(SiteURL.home.path).body.string
            #expect(home.contains("Second on call") && home.contains("id=\"on-call-gaps\""))
        }
    }

    @Test("Control characters in an email address are refused, in the alert address and in a new account's")
    func controlCharacters() async throws {
        #expect(!AlertContactController.looksLikeAnAddress("a\u{0}b@c.example"))
        #expect(!AlertContactController.looksLikeAnAddress("a\tb@c.example"))
        #expect(AlertContactController.looksLikeAnAddress("wendy@service.example.org"))
        #expect(UserForm.emailProblem("x3@demo.reachable.example\u{0}") != nil)
        #expect(UserForm.emailProblem("x3@demo.reachable.example\u{200B}") != nil)
        #expect(UserForm.emailProblem("x3@demo.reachable.example") == nil)
    }

    @Test("A rescue saved before the young person is identified alerts the caseworker on call; identified, it is the same alert")
    func unidentifiedRescue() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app, rota: [.manager])
            let caseworkerOnCall = OnCallShiftRecord()
            caseworkerOnCall.regionID = region.regionID
            caseworkerOnCall.$user.id = region.worker.id
            caseworkerOnCall.role = .caseworker
            caseworkerOnCall.startsAt = app.clock.now().addingTimeInterval(-60)
            caseworkerOnCall.endsAt = app.clock.now().addingTimeInterval(3600)
            caseworkerOnCall.createdByID = region.manager.id
            try await caseworkerOnCall.create(on: app.db)
            let browser = Browser(app)
            try await browser.signIn(region.manager)
            try await browser.get(SiteURL.rescueNew.path)
            var form = PendingRescueTests.pending(dispatched: region.worker.id)
            form["callAt"] = CasePage.localInput(app.clock.now().addingTimeInterval(-120))
            let saved = try await browser.post(SiteURL.rescueNew.path, form)
            #expect(saved.status == .seeOther || saved.status == .found, "\(saved.body.string.prefix(300))")
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.workerPhone).contains { $0.text.contains("rescue call waiting") })
            #expect(try await Alert.query(on: app.db).filter(\.$kind == .rescueWaiting).count() == 1)
        }
    }
}

@Suite("Alerts: the adversary's second round")
struct AlertAdversaryRoundTwoTests {
    @Test("HELP from a member of staff with nothing open raises a call for help at once; from a stranger, nothing and no answer")
    func helpWithNothingOpen() async throws {
        try await withApp(env: AlertAcknowledgementTests.twilio) { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            let path = SiteURL.twilioSMS.path
            let stranger = try await AlertAcknowledgementTests.webhook(app, path, [("MessageSid", "SM1"), ("From", "+447700900555"), ("Body", "HELP")])
            #expect(!stranger.body.string.contains("Reachable"))
            let help = try await AlertAcknowledgementTests.webhook(app, path, [("MessageSid", "SM2"), ("From", AlertRegion.workerPhone), ("Body", "help me please")])
            #expect(help.body.string.contains("call 999"))
            try await AlertEngine.tick(app: app)
            #expect(providers.sent(to: AlertRegion.managerPhone).contains { $0.text.contains("call for help by text") })
            #expect(providers.sent(to: AlertRegion.workerPhone).isEmpty, "never to the sender")
            let manager = Browser(app)
            try await manager.signIn(region.manager)
            #expect(try await manager.get(SiteURL.alerts.path).body.string.contains("Wendy Worker"), "signed in, the manager sees who")
        }
    }

    @Test("A bare OK with two alerts open asks which; a manager made a caseworker since holds no manager's place")
    func whichAlertAndWhoHolds() async throws {
        try await withApp(env: AlertAcknowledgementTests.twilio) { app in
            let providers = RecordingProviders().install(app)
            let region = try await AlertRegion.make(app)
            _ = try await region.overdueVisit(app)
            _ = try await region.overdueVisit(app, place: "Another flat")
            try await alertTick(app)
            let reply = try await AlertAcknowledgementTests.webhook(app, SiteURL.twilioSMS.path,
                                                                    [("MessageSid", "SM1"), ("From", AlertRegion.workerPhone), ("Body", "OK")])
            #expect(reply.body.string.contains("2 alerts are open"))
            #expect(try await Alert.query(on: app.db).filter(\.$acknowledgedAt != nil).count() == 0)
            try await User.query(on: app.db).filter(\.$id == region.manager.id).set(\.$role, to: .caseworker).update()
            app.clock.advance(by: 10 * 60 + 1)
            try await alertTick(app)
            #expect(providers.sent(to: AlertRegion.managerPhone).isEmpty, "no longer a manager: not the manager on call")
            #expect(!providers.sent(to: AlertRegion.secondPhone).isEmpty, "the step passed to the second on call")
        }
    }
}
