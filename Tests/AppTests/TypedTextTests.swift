@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// What a person types is cleaned in one place before any handler reads it (`CleanedContent`): characters that
/// disguise or break text are dropped, and a field with nothing visible left is empty, so every required field
/// refuses it. And the case page's goal and closure forms keep what was typed when they are refused.
@Suite("Typed text and the case page's last forms")
struct TypedTextTests {
    @Test("A required field of invisible characters is refused like an empty one: a goal, a risk reason, a place's name")
    func invisibleIsEmpty() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)
            let area = try #require(try await CodeListItem.query(on: app.db).filter(\.$list == CodeList.outcomeArea.rawValue).first()).code
            for invisible in ["\u{202E}", "\u{200D}", "\u{3164}", "\u{2800}", "\u{0000}", "\u{00AD}\u{034F}", " \u{2066}\u{2069} "] {
                let goal = try await browser.post(SiteURL.caseGoals(caseID).path, ["area": area, "description": invisible])
                #expect(goal.status == .unprocessableEntity, "goal \(invisible.unicodeScalars.map(\.value))")
                #expect(goal.body.string.contains("id=\"goalDescription-error\""))
                let risk = try await browser.post(SiteURL.caseRisk(caseID).path, ["rating": "amber", "reason": invisible])
                #expect(risk.status == .unprocessableEntity, "risk reason \(invisible.unicodeScalars.map(\.value))")
            }
            #expect(try await Goal.query(on: app.db).count() == 0)
            try await browser.get(SiteURL.contexts.path)
            let place = try await browser.post(SiteURL.contexts.path, ["kind": "place", "name": "\u{200B}\u{FEFF}"])
            #expect(place.status == .unprocessableEntity)
            #expect(try await SafeguardingContext.query(on: app.db).count() == 0)
        }
    }

    @Test("Characters that disguise or break text are dropped before it is stored: a name's direction override, a note's NUL")
    func disguisesDropped() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            #expect(try await ReferralTests.record(browser, ReferralTests.form(first: "Ann\u{202E}txet", last: "Sm\u{0000}ith")).location != nil)
            let referral = try #require(try await Referral.query(on: app.db).first())
            #expect(referral.firstName == "Anntxet" && referral.lastName == "Smith")
            // The scripts' own joiners stay inside words: a Persian name with a zero-width non-joiner, an emoji family.
            #expect(TypedText.clean("مهر\u{200C}آسا") == "مهر\u{200C}آسا")
            #expect(TypedText.clean("👩\u{200D}👧") == "👩\u{200D}👧")
        }
    }

    @Test("Secrets are compared as typed, never cleaned; every other value of a form or JSON body is")
    func secretsUntouched() throws {
        let form = CleanedFormDecoder.cleaned(ByteBuffer(string: "password=a%E2%80%AEb&confirmation=%00x&note=a%E2%80%AEb&cases%5B%5D=%E2%80%8B"))
        #expect(String(buffer: form) == "password=a%E2%80%AEb&confirmation=%00x&note=ab&cases%5B%5D=")
        let json = CleanedJSONDecoder.cleaned(ByteBuffer(string: #"{"password":"a\u202eb","person":{"firstName":"Ann\u202etxet","aliases":["\u200b","Jo"]}}"#))
        let decoded = try JSONSerialization.jsonObject(with: Data(buffer: json)) as? [String: Any]
        #expect(decoded?["password"] as? String == "a\u{202E}b")
        let person = decoded?["person"] as? [String: Any]
        #expect(person?["firstName"] as? String == "Anntxet" && person?["aliases"] as? [String] == ["", "Jo"])
        // Plain text is left alone, byte for byte.
        let plain = ByteBuffer(string: "note=Seen+at+New+Street%2C+10%3A15&kind=phone")
        #expect(CleanedFormDecoder.cleaned(plain) == plain)
    }

    @Test("A refused goal update shows its problems beside that goal's fields and keeps what was typed; a refused closure keeps its note")
    func goalAndClosureKeepTyped() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)
            let area = try #require(try await CodeListItem.query(on: app.db).filter(\.$list == CodeList.outcomeArea.rawValue).first()).code
            #expect(try await browser.post(SiteURL.caseGoals(caseID).path, ["area": area, "description": "Back at school"]).status == .seeOther)
            let goal = try #require(try await Goal.query(on: app.db).first())
            let id = try goal.requireID()
            let refused = try await browser.post(SiteURL.caseGoalUpdate(caseID).path,
                                                 ["goal": id.uuidString, "status": "achieved", "progress": "150"])
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("href=\"#progress-\(id)\""), "the summary links to the goal's own field")
            #expect(page.contains("id=\"progress-\(id)-error\"") && page.contains("aria-describedby=\"progress-\(id)-error\""))
            #expect(page.contains("id=\"progress-\(id)\" name=\"progress\" type=\"number\" value=\"150\""), "the progress typed kept")
            #expect(page.contains("<option value=\"achieved\" selected>"), "the status chosen kept")
            #expect(try await Goal.find(id, on: app.db)?.progress == 0, "nothing saved")

            let close = try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "planned", "note": "Moving to Leeds in May"])
            #expect(close.status == .unprocessableEntity)
            #expect(close.body.string.contains("id=\"note\" name=\"note\" type=\"text\" value=\"Moving to Leeds in May\""))
        }
    }

    @Test("The API refuses what a form would clean: a name's direction override or NUL, a name of fillers alone; clean text goes in")
    func apiRefusesWhatFormsClean() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await APITestSupport.token(app, for: caseworker)
            for referral in [APITestSupport.referral(firstName: "Evil\u{202E}NAME"), APITestSupport.referral(firstName: "Jo\u{0000}"),
                             APITestSupport.referral(lastName: "\u{3164}\u{115F}")] {
                let refused = try await APITestSupport.send(app, .POST, SiteURL.apiReferrals.path, token: token,
                                                            json: APITestSupport.json(referral))
                #expect(refused.status == .unprocessableEntity && refused.body.string.contains("invisible formatting"))
            }
            #expect(try await Referral.query(on: app.db).count() == 0)
            let created = try await APITestSupport.send(app, .POST, SiteURL.apiReferrals.path, token: token,
                                                        json: APITestSupport.json(APITestSupport.referral(firstName: "مهر\u{200C}آسا")))
            #expect(created.status == .created)
            #expect(try await Referral.query(on: app.db).first()?.firstName == "مهر\u{200C}آسا")
        }
    }

    @Test("A closure sent again from a page of before is a conflict, not a problem beside a form that is gone; a long note is refused")
    func closureEdges() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app, role: .manager)
            let long = try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "moved_away", "note": String(repeating: "n", count: 501)])
            #expect(long.status == .unprocessableEntity && long.body.string.contains("id=\"note-error\""))
            #expect(try await SupportCase.find(caseID, on: app.db)?.closedDate == nil)
            #expect(try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "moved_away", "note": "Moved"]).status == .seeOther)
            #expect(try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "moved_away"]).status == .conflict)
        }
    }

    @Test("A code list refuses a second code people could not tell apart from one it has")
    func codeLabelsDistinct() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin, region: nil)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminCodeLists.path)
            let existing = try #require(try await CodeListItem.query(on: app.db).filter(\.$list == CodeList.ethnicity.rawValue).first())
            for label in [existing.label, " \(existing.label.uppercased()) ", "\(existing.label)\u{200B}"] {
                let refused = try await browser.post(SiteURL.adminCodeList(CodeList.ethnicity.rawValue).path,
                                                     ["code": "duplicate_label", "label": label])
                #expect(refused.status == .unprocessableEntity, "\(label)")
            }
            #expect(try await CodeListItem.query(on: app.db).filter(\.$code == "duplicate_label").count() == 0)
        }
    }
}
