@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Subject access and information sharing")
struct DataProtectionTests {
    @Test("A manager opens a request, exports everything held across regions as a readable document and JSON, with names to review")
    func subjectAccess() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let saved = try await ReferralTests.record(browser, ReferralTests.form(received: "2024-01-10", extra: [
                "concerns": "Zoe was picked up by Jason Smith near the station."]))
            let referralPath = try #require(saved.location).components(separatedBy: "?")[0]
            let referral = try #require(try await Referral.query(on: app.db).first())
            // The same young person was also referred to London, which keeps a record of its own (a name and a date
            // of birth open nothing another region holds); the two regions agreed they are one person.
            let london = try await Fixtures.account(app, role: .caseworker, region: "london")
            let londonBrowser = Browser(app)
            try await londonBrowser.signIn(london)
            try await ReferralTests.record(londonBrowser, ReferralTests.form(received: "2024-02-01", home: "camden"))
            #expect(try await Referral.query(on: app.db).filter(\.$person.$id == referral.$person.id).count() == 1)
            try await Referral.query(on: app.db).filter(\.$person.$id != referral.$person.id).set(\.$person.$id, to: referral.$person.id).update()

            try await browser.get(referralPath)
            try await browser.get(SiteURL.person(referral.$person.id).path)
            let opened = try await browser.post(SiteURL.personSubjectAccess(referral.$person.id).path,
                                                ["receivedOn": "2024-01-31", "requester": "The young person, by letter"])
            let documentPath = try #require(opened.location)
            let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
            #expect(request.dueOn == "2024-02-29", "one calendar month, to the end of a short month")
            let document = try await browser.get(documentPath)
            #expect(document.status == .ok)
            let html = document.body.string
            #expect(html.contains("London") && html.contains("West Midlands"), "every region")
            #expect(html.contains("<mark class=\"review\">Jason</mark>"))
            #expect(!html.contains("<mark class=\"review\">Zoe</mark>"), "the young person's own name is not flagged")
            let json = try await browser.get(SiteURL.subjectAccessJSON(request.id).path)
            #expect(json.body.string.contains("Jason Smith near the station"))
            #expect(json.body.string.contains("\"referrals\""))
            let list = try await browser.get(SiteURL.subjectAccessRequests.path)
            #expect(list.body.string.contains("2024-02-29"))
            #expect(list.body.string.contains("Overdue"))
            try await browser.post(SiteURL.subjectAccessComplete(request.id).path)
            #expect(try await SubjectAccessRequest.find(request.id, on: app.db)?.completedOn != nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "subject_access.exported").count() == 2)

            // A caseworker may not export; a London manager does not see West Midlands' request.
            #expect(try await londonBrowser.get(documentPath).status == .forbidden)
            let londonManager = try await Fixtures.account(app, role: .manager, region: "london")
            let other = Browser(app)
            try await other.signIn(londonManager)
            #expect(try await other.get(documentPath).status == .notFound)
        }
    }

    @Test("Sharing with another agency is logged with why and the lawful basis, sealed at rest")
    func sharing() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await ReferralTests.record(browser, ReferralTests.form())
            let person = try #require(try await Referral.query(on: app.db).first()).$person.id
            try await browser.get(SiteURL.person(person).path)
            try await browser.post(SiteURL.personInformationSharing(person).path, [
                "sharedOn": "2024-01-12", "agency": "Children's services", "what": "Missing episode details",
                "why": "Strategy meeting", "lawfulBasis": "safeguarding", "consentSought": "no"])
            let share = try #require(try await InformationShare.query(on: app.db).first())
            #expect(!share.what.contains("Missing"), "sealed")
            let log = try await browser.get(SiteURL.informationSharing.path)
            #expect(log.body.string.contains("Missing episode details"))
            #expect(log.body.string.contains("Sch. 1 para 18"))
        }
    }

    @Test("One calendar month later", arguments: [("2024-01-31", "2024-02-29"), ("2023-01-31", "2023-02-28"),
                                                  ("2024-12-15", "2025-01-15"), ("2024-03-31", "2024-04-30")])
    func oneMonth(from: String, to: String) {
        #expect(CivilDate(from)!.oneMonthLater == CivilDate(to)!)
    }
}
