@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Partnership meetings")
struct PartnershipTests {
    @Test("A meeting links the cases discussed without naming them to those who may not see them; actions stay open until done")
    func meeting() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await CaseTests.openCase(app, lead: lead, browser: browser)
            try await browser.get(SiteURL.partnerships.path)
            let missing = try await browser.post(SiteURL.partnerships.path, ["type": "", "heldOn": "2024-01-18"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("<a href=\"#type\">Select the type of meeting</a>"), "the page names the field")
            #expect(try await PartnershipMeeting.query(on: app.db).count() == 0)
            let saved = try await browser.post(SiteURL.partnerships.path, [
                "type": "county_lines_vulnerability", "heldOn": "2024-01-18", "agencies": "West Midlands Police, Birmingham CSC",
                "notes": "Discussed the Aston line", "cases[0]": caseID.uuidString])
            let path = try #require(saved.location)
            try await browser.get(path)
            try await browser.post(SiteURL.meetingActions(try #require(UUID(uuidString: String(path.split(separator: "/")[1].prefix(36))))).path,
                                   ["description": "Share intelligence on the line", "owner": "PC Patel", "dueOn": "2024-01-25"])
            let list = try await browser.get(SiteURL.partnerships.path).body.string
            #expect(list.contains("Share intelligence on the line"))
            let page = try await browser.get(path).body.string
            #expect(page.contains("Zoë O&#39;Neill"))

            // Another region's caseworker cannot open the meeting at all.
            let london = try await Fixtures.account(app, role: .caseworker, region: "london")
            let other = Browser(app)
            try await other.signIn(london)
            #expect(try await other.get(path).status == .notFound)
            let meeting = try #require(try await PartnershipMeeting.query(on: app.db).first())
            let action = try #require(try await MeetingAction.query(on: app.db).first())
            try await browser.get(path)
            try await browser.post(SiteURL.meetingActionDone(meeting.id).path, ["action": action.id!.uuidString])
            #expect(try await MeetingAction.find(action.id, on: app.db)?.doneOn != nil)
            #expect(!(try await browser.get(SiteURL.partnerships.path).body.string.contains("id=\"open-actions\"><li>")))
        }
    }

    @Test("A meeting naming a young person the recorder may not see, or text past its limit, is refused whole, never cut or dropped")
    func refusedLinksAndLengths() async throws {
        try await withApp { app in
            let london = try await Fixtures.account(app, role: .manager, region: "london")
            let londonBrowser = Browser(app)
            try await londonBrowser.signIn(london)
            let londonCase = try await CaseTests.openCase(app, lead: london, browser: londonBrowser,
                                                          referral: ReferralTests.form(first: "Amir", last: "Khan", home: "camden"))
            let lead = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let ownCase = try await CaseTests.openCase(app, lead: lead, browser: browser)
            try await browser.get(SiteURL.partnerships.path)
            let meeting = ["type": "county_lines_vulnerability", "heldOn": "2024-01-18", "agencies": "West Midlands Police",
                           "notes": "Discussed the Aston line"]
            for cases in [[ownCase.uuidString, londonCase.uuidString], ["not-a-case"]] {
                var form = meeting
                for (index, id) in cases.enumerated() { form["cases[\(index)]"] = id }
                let refused = try await browser.post(SiteURL.partnerships.path, form)
                #expect(refused.status == .unprocessableEntity, "\(cases)")
                #expect(refused.body.string.contains("<a href=\"#cases\">"), "the summary names the field")
                #expect(refused.body.string.contains("Discussed the Aston line"), "what was typed is kept")
                #expect(!refused.body.string.contains(londonCase.uuidString), "nothing of the other region's case is shown")
            }
            var tooLong = meeting
            tooLong["notes"] = String(repeating: "n", count: 5001)
            tooLong["agencies"] = String(repeating: "a", count: 1001)
            let long = try await browser.post(SiteURL.partnerships.path, tooLong)
            #expect(long.status == .unprocessableEntity)
            #expect(long.body.string.contains("<a href=\"#notes\">") && long.body.string.contains("<a href=\"#agencies\">"))
            #expect(try await PartnershipMeeting.query(on: app.db).count() == 0, "nothing half-written")
            #expect(try await MeetingCase.query(on: app.db).count() == 0)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.accessRefused.rawValue)
                .filter(\.$objectID == londonCase.uuidString).count()
            #expect(refusals == 1, "the other region's case is an audited refusal")
        }
    }
}
