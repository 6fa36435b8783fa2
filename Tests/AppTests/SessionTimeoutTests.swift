@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The idle timeout does not throw away a note being typed (issue: the 2 a.m. jobs, item 2): what arrives after
/// the session timed out is kept, sealed and for its sender only, and saved with one button after signing in.
@Suite("A session that times out while someone types loses nothing")
struct SessionTimeoutTests {
    static func signInAgain(_ browser: Browser, _ account: Account) async throws -> String? {
        try await browser.get(SiteURL.signIn.path)
        try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
        try await browser.get(SiteURL.signInCode.path)
        return try await browser.post(SiteURL.signInCode.path, ["code": Fixtures.currentCode(browser.app, account)]).location
    }

    @Test("A contact sent after the timeout is kept sealed, shown after signing in again, and saved on the case with one button")
    func contactKeptAndSaved() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            let caseID = try await CaseTests.openCase(app, lead: caseworker, browser: browser)
            let page = try await browser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(page.contains("id=\"session-timeout\"") && page.contains("session-warning--after-25m"), "the page says when it ends")
            app.clock.advance(by: 31 * 60)
            let note = "Seen at New Street at 02:10 with two older males; phone taken"
            let contact = CaseTests.contact(note, sensitive: false)
            let late = try await browser.post(SiteURL.caseContacts(caseID).path, contact)
            #expect(late.status == .seeOther && late.location == SiteURL.signIn.path + "?kept=1")
            #expect(try await Contact.query(on: app.db).count() == 0, "nothing saved without a session")
            let kept = try #require(try await KeptSubmission.query(on: app.db).first())
            #expect(kept.userID == caseworker.id && kept.path == SiteURL.caseContacts(caseID).path)
            #expect(!kept.body.contains("New+Street") && !kept.body.contains("New Street"), "sealed")
            #expect((try await browser.get(try #require(late.location))).body.string.contains("it is kept for you"))

            #expect(try await Self.signInAgain(browser, caseworker) == SiteURL.kept.path, "the kept form is the first page")
            let list = try await browser.get(SiteURL.kept.path).body.string
            #expect(list.contains("A contact on a case") && list.contains(note))
            let resent = try await browser.post(SiteURL.keptSave(kept.id).path, contact)
            #expect(resent.status == .temporaryRedirect && resent.location == SiteURL.caseContacts(caseID).path)
            // The browser repeats the same body to the route: saved there with that route's checks.
            let saved = try await browser.post(try #require(resent.location), contact)
            #expect(saved.location?.hasPrefix(SiteURL.supportCase(caseID).path + "?saved=contact.recorded") == true)
            #expect(try await Contact.query(on: app.db).count() == 1)
            #expect(try await KeptSubmission.query(on: app.db).count() == 0, "gone once sent again")
            #expect(try await Fixtures.auditActions(app).contains("submission.kept"))
        }
    }

    @Test("A page of the timed-out session, sent after signing in again in another tab, is kept rather than refused")
    func sentAfterSigningInElsewhere() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            let caseID = try await CaseTests.openCase(app, lead: caseworker, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            let oldToken = try #require(browser.lastToken)
            app.clock.advance(by: 31 * 60)
            // The warning's "Stay signed in" tab finds the session ended and signs in again.
            #expect(try await Self.signInAgain(browser, caseworker) == SiteURL.home.path)
            let note = "Typed in the first tab before the timeout"
            let sent = try await browser.post(SiteURL.caseContacts(caseID).path,
                                              CaseTests.contact(note, sensitive: false).merging(["_csrf": oldToken]) { $1 })
            #expect(sent.status == .seeOther && sent.location == SiteURL.kept.path)
            #expect((try await browser.get(SiteURL.kept.path)).body.string.contains(note))
            // A made-up token is still refused, and keeps nothing.
            let forged = try await browser.post(SiteURL.caseContacts(caseID).path,
                                                CaseTests.contact("forged", sensitive: false).merging(["_csrf": "forged"]) { $1 })
            #expect(forged.status == .forbidden)
            #expect(try await KeptSubmission.query(on: app.db).count() == 1)
            // Not for a path that is no form of the service.
            let nowhere = try await browser.post("/cases/nowhere/at/all", ["_csrf": oldToken, "notes": "x"])
            #expect(nowhere.location != SiteURL.kept.path)
            #expect(try await KeptSubmission.query(on: app.db).count() == 1)
        }
    }

    @Test("Nothing is kept without the session's own token, after signing out, for sign-in forms, or for anyone else to see")
    func onlyTheSendersOwnForm() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            let caseID = try await CaseTests.openCase(app, lead: caseworker, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            app.clock.advance(by: 31 * 60)
            let forged = try await browser.post(SiteURL.caseContacts(caseID).path,
                                                CaseTests.contact("planted", sensitive: false).merging(["_csrf": "not-the-token"]) { $1 })
            #expect(forged.location != SiteURL.signIn.path + "?kept=1")
            let account = try await browser.post(SiteURL.accountSignOutEverywhere.path)
            #expect(account.location != SiteURL.signIn.path + "?kept=1")
            #expect(try await KeptSubmission.query(on: app.db).count() == 0)

            // Kept once (the session's own token), then invisible to another account, which gets 404 for it.
            try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact("mine", sensitive: false))
            let kept = try #require(try await KeptSubmission.query(on: app.db).first())
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let other = Browser(app)
            try await other.signIn(manager)
            #expect(!(try await other.get(SiteURL.kept.path)).body.string.contains("mine"))
            #expect(try await other.post(SiteURL.keptSave(kept.id).path).status == .notFound)
            #expect(try await other.post(SiteURL.keptDiscard(kept.id).path).status == .notFound)

            // Signed out properly: a form sent from a page still open is not kept.
            let third = Browser(app)
            try await third.signIn(manager)
            try await third.get(SiteURL.supportCase(caseID).path)
            let token = try #require(third.lastToken)
            try await third.post(SiteURL.signOut.path)
            let afterSignOut = try await third.post(SiteURL.caseContacts(caseID).path,
                                                    CaseTests.contact("after sign-out", sensitive: false).merging(["_csrf": token]) { $1 })
            #expect(afterSignOut.location != SiteURL.signIn.path + "?kept=1")
            #expect(try await KeptSubmission.query(on: app.db).count() == 1)

            // Thrown away by its owner.
            #expect(try await Self.signInAgain(browser, caseworker) == SiteURL.kept.path)
            try await browser.get(SiteURL.kept.path)
            #expect(try await browser.post(SiteURL.keptDiscard(kept.id).path).location == SiteURL.kept.path)
            #expect(try await KeptSubmission.query(on: app.db).count() == 0)
        }
    }

    @Test("Form fields survive keeping in every script, with repeated names and empty values", arguments: [
        "notes=Jo+%26+Sam+%3Cb%3E&present%5B%5D=young_person&present%5B%5D=professional&empty=",
        "notes=%D0%9C%D0%B0%D1%80%D0%B8%D1%8F+%E7%8E%8B+%D8%B9%D9%84%D9%8A%3D1",
    ])
    func formPairsRoundTrip(body: String) {
        let pairs = FormPairs.decode(body)
        #expect(FormPairs.decode(FormPairs.encode(pairs)) == pairs)
        #expect(pairs.contains { $0.name == "notes" })
    }
}
