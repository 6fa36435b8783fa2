@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("The on-call rota, each person's channels, and set-up links by email")
struct OnCallTests {
    @Test("Managers edit their region's rota; gaps show on the rota and their home page; caseworkers read it; another region's shift is 404")
    func rota() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let second = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let londoner = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let before = try await browser.get(SiteURL.home.path).body.string
            #expect(before.contains("id=\"on-call-gaps\"") && before.contains("Manager on call"))
            try await browser.get(SiteURL.onCall.path)
            let now = app.clock.now()
            // Refused: someone of another region (a forged id), a caseworker as manager on call, an end before the start.
            let refused = try await browser.post(SiteURL.onCall.path, ["person": londoner.id.uuidString, "role": "manager",
                                                                       "startsAt": CasePage.localInput(now), "endsAt": CasePage.localInput(now.addingTimeInterval(-3600))])
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("id=\"person-error\"") && page.contains("id=\"endsAt-error\"") && page.contains("Error: on-call rota"))
            let asManager = try await browser.post(SiteURL.onCall.path, ["person": worker.id.uuidString, "role": "manager",
                                                                         "startsAt": CasePage.localInput(now), "endsAt": CasePage.localInput(now.addingTimeInterval(3600))])
            #expect(asManager.body.string.contains("must be a manager"))
            // One person holds one place at a time; the second on call is a manager too.
            let twice = try await browser.post(SiteURL.onCall.path, ["person": worker.id.uuidString, "role": "second",
                                                                     "startsAt": CasePage.localInput(now), "endsAt": CasePage.localInput(now.addingTimeInterval(3600))])
            #expect(twice.body.string.contains("second on call must be a manager"))
            for (person, role) in [(manager, "manager"), (second, "second"), (worker, "caseworker")] {
                let added = try await browser.post(SiteURL.onCall.path, ["person": person.id.uuidString, "role": role,
                                                                         "startsAt": CasePage.localInput(now.addingTimeInterval(-60)),
                                                                         "endsAt": CasePage.localInput(now.addingTimeInterval(8 * 86400))])
                #expect(added.status == .seeOther || added.status == .found)
                try await browser.get(SiteURL.onCall.path)
            }
            let covered = try await browser.get(SiteURL.onCall.path).body.string
            #expect(covered.contains("Every place is covered for the next 7 days"))
            let overlap = try await browser.post(SiteURL.onCall.path, ["person": manager.id.uuidString, "role": "second",
                                                                       "startsAt": CasePage.localInput(now.addingTimeInterval(3600)),
                                                                       "endsAt": CasePage.localInput(now.addingTimeInterval(7200))])
            #expect(overlap.status == .unprocessableEntity && overlap.body.string.contains("already on the rota as manager on call"))
            #expect(try await browser.get(SiteURL.home.path).body.string.contains("Every place on the rota is covered"))

            let reader = Browser(app)
            try await reader.signIn(worker)
            let read = try await reader.get(SiteURL.onCall.path)
            #expect(read.status == .ok && !read.body.string.contains("Add a shift"))
            #expect(try await reader.post(SiteURL.onCall.path, ["person": worker.id.uuidString]).status == .forbidden)
            let shift = try #require(try await OnCallShiftRecord.query(on: app.db).first())
            let londonManager = try await Fixtures.account(app, role: .manager, region: "london")
            let outsider = Browser(app)
            try await outsider.signIn(londonManager)
            try await outsider.get(SiteURL.onCall.path)
            #expect(try await outsider.post(SiteURL.onCallShiftRemove(shift.id).path).status == .notFound)
            #expect(try await OnCallShiftRecord.query(on: app.db).count() == 3)
            try await browser.get(SiteURL.onCall.path)
            try await browser.post(SiteURL.onCallShiftRemove(shift.id).path)
            #expect(try await OnCallShiftRecord.query(on: app.db).count() == 2)
            #expect(try await Fixtures.auditActions(app).filter { $0.hasPrefix("on_call.") }.count == 4)
        }
    }

    @Test("Each person's number and address: normalised, sealed, never in the audit log; a new number is used only once the code texted to it is typed back; another person's number is refused")
    func contactDetails() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.accountAlerts.path)
            let noNumber = try await browser.post(SiteURL.accountAlerts.path, pairs: [("phone", ""), ("channels[]", "sms")])
            #expect(noNumber.status == .unprocessableEntity && noNumber.body.string.contains("id=\"phone-error\""))
            let badNumber = try await browser.post(SiteURL.accountAlerts.path, pairs: [("phone", "call me maybe"), ("email", "a@b"), ("channels[]", "email")])
            #expect(badNumber.body.string.contains("call me maybe") && badNumber.body.string.contains("id=\"email-error\""))
            let none = try await browser.post(SiteURL.accountAlerts.path, pairs: [("phone", "07700 900123")])
            #expect(none.body.string.contains("Choose at least one way"))
            let saved = try await browser.post(SiteURL.accountAlerts.path, pairs: [("phone", "07700 900123"), ("email", "wendy@service.example.org"),
                                                                                   ("channels[]", "sms"), ("channels[]", "email")])
            #expect(saved.status == .seeOther || saved.status == .found)
            var user = try #require(try await User.find(worker.id, on: app.db))
            #expect(user.alertPhone == nil, "not used until confirmed")
            #expect(try app.cipher.open(user.alertPhonePending ?? "") == "+447700900123" && !(user.alertPhonePending ?? "").contains("900123"))
            #expect(user.alertChannels == "sms,email")
            try await AlertEngine.tick(app: app)
            let text = try #require(providers.sent(to: "+447700900123").first).text
            let code = String(try #require(text.split(separator: " ").first { $0.count == 6 && $0.allSatisfy(\.isNumber) }))
            let page = try await browser.get(SiteURL.accountAlerts.path).body.string
            #expect(page.contains("id=\"confirm-number\"") && page.contains("wendy@service.example.org") && !page.contains("900123"))
            let wrong = try await browser.post(SiteURL.accountAlertsConfirm.path, ["code": code == "000000" ? "111111" : "000000"])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("id=\"code-error\""))
            try await browser.post(SiteURL.accountAlertsConfirm.path, ["code": code])
            user = try #require(try await User.find(worker.id, on: app.db))
            #expect(try app.cipher.open(user.alertPhone ?? "") == "+447700900123" && user.alertPhonePending == nil)
            #expect(try await browser.get(SiteURL.accountAlerts.path).body.string.contains("+447700900123"))

            // Another person cannot take this number, confirmed or not.
            let colleague = try await Fixtures.account(app, role: .manager, region: "london")
            let other = Browser(app)
            try await other.signIn(colleague)
            try await other.get(SiteURL.accountAlerts.path)
            // Typing it tells nobody whose it is; the code goes to the phone, and even with it the number stays one person's.
            providers.clear()
            let typed = try await other.post(SiteURL.accountAlerts.path, pairs: [("phone", "+44 7700 900123"), ("channels[]", "sms")])
            #expect(typed.status == .seeOther || typed.status == .found)
            try await AlertEngine.tick(app: app)
            let theirCode = String(try #require(providers.sent(to: "+447700900123").first?.text.split(separator: " ").first { $0.count == 6 }))
            try await other.get(SiteURL.accountAlerts.path)
            let taken = try await other.post(SiteURL.accountAlertsConfirm.path, ["code": theirCode])
            #expect(taken.status == .unprocessableEntity && taken.body.string.contains("already confirmed for another account"))
            // One code a minute.
            let again = try await other.post(SiteURL.accountAlerts.path, pairs: [("phone", "07700 900777"), ("channels[]", "sms")])
            #expect(again.body.string.contains("less than a minute ago"))
            app.clock.advance(by: 61)
            // Guesses are limited: five in all, then a new code is needed.
            try await other.get(SiteURL.accountAlerts.path)
            try await other.post(SiteURL.accountAlerts.path, pairs: [("phone", "07700 900777"), ("channels[]", "sms")])
            for _ in 0..<5 { try await other.post(SiteURL.accountAlertsConfirm.path, ["code": "999999"]) }
            try await AlertEngine.tick(app: app)
            let right = String(try #require(providers.sent(to: "+447700900777").first?.text.split(separator: " ").first { $0.count == 6 }))
            let late = try await other.post(SiteURL.accountAlertsConfirm.path, ["code": right])
            #expect(late.body.string.contains("tried too often"))
            // Five codes an hour at most, whatever the numbers: each is a text message to any number typed.
            for n in 0..<3 {
                app.clock.advance(by: 61)
                try await other.get(SiteURL.accountAlerts.path)
                try await other.post(SiteURL.accountAlerts.path, pairs: [("phone", "07700 90080\(n)"), ("channels[]", "sms")])
            }
            app.clock.advance(by: 61)
            try await other.get(SiteURL.accountAlerts.path)
            let sixth = try await other.post(SiteURL.accountAlerts.path, pairs: [("phone", "07700 900899"), ("channels[]", "sms")])
            #expect(sixth.body.string.contains("Five codes have been texted to you in the last hour"))
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "account.alert_contact_changed")
                .filter(\.$objectID == worker.id.uuidString).all()
            #expect(audit.count == 1 && !audit[0].detail.contains("900123"))
        }
    }

    @Test("With email on, a new account's set-up link and a reset's go to the person's own address, never to the admin's screen")
    func setupLinksByEmail() async throws {
        try await withApp { app in
            let providers = RecordingProviders().install(app)
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminUserNew.path)
            // A commissioner needs no second person: the link is made at once.
            let created = try await browser.post(SiteURL.adminUserNew.path, ["email": "new.person@example.org", "name": "New Person",
                                                                              "role": "commissioner", "region": ""])
            let page = created.body.string
            #expect(page.contains("id=\"setup-link-sent\"") && !page.contains("/set-up/"), "the admin never sees the link")
            try await AlertEngine.tick(app: app)
            let mail = try #require(providers.sent(to: "new.person@example.org").first)
            let token = try #require(mail.text.range(of: "/set-up/")).upperBound
            let link = "/set-up/" + mail.text[token...].prefix { !$0.isWhitespace }
            #expect(try await Browser(app).get(link).status == .ok, "the person's link works")
            #expect(try await Fixtures.auditActions(app).contains("user.setup_link_emailed"))
        }
    }
}
