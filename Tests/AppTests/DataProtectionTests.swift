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
            // London's records are in it: nothing is released until a national lead approves.
            #expect(request.otherRegions == "London")
            let waiting = try await browser.get(documentPath).body.string
            #expect(waiting.contains("id=\"awaiting-approval\"") && !waiting.contains("Jason Smith"))
            #expect(try await browser.get(SiteURL.subjectAccessJSON(request.id).path).status == .conflict)
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            #expect(try await leadBrowser.get(SiteURL.subjectAccessApprovals.path).body.string.contains("London"))
            try await leadBrowser.post(SiteURL.subjectAccessApprove(request.id).path)
            #expect(try await Fixtures.auditActions(app).contains("subject_access.approved"))
            let document = try await browser.get(documentPath)
            #expect(document.status == .ok)
            let html = document.body.string
            #expect(html.contains("London") && html.contains("West Midlands"), "every region")
            #expect(html.contains("approved by Test National lead"), "the approval is shown on the export")
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

@Suite("Subject access: everything held")
struct SubjectAccessCompletenessTests {
    @Test("Every kind of record about the young person is in the export and up for redaction review, another region's separate record included")
    func everythingHeld() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await CaseTests.openCase(app, lead: lead, browser: browser)
            let supportCase = try #require(try await SupportCase.find(caseID, on: app.db))
            let personID = supportCase.$person.id
            let cipher = try app.cipher
            let now = app.clock.now()
            // One marker per table that holds something about the young person.
            let contact = Contact()
            contact.$supportCase.id = caseID; contact.happenedAt = now; contact.kind = .phone; contact.durationMinutes = 10
            contact.present = "young_person"; contact.notes = try cipher.seal("MarkContact talked to Dwayne"); contact.sensitive = true
            contact.recordedByID = lead.id
            try await contact.create(on: app.db)
            let rating = RiskRating()
            rating.$supportCase.id = caseID; rating.rating = "red"; rating.reason = try cipher.seal("MarkRisk seen with Kyle")
            rating.ratedAt = now; rating.ratedByID = lead.id; rating.indicators = ""
            try await rating.create(on: app.db)
            let goal = Goal()
            goal.$supportCase.id = caseID; goal.area = "education"; goal.description = try cipher.seal("MarkGoal back to college")
            goal.status = "in_progress"; goal.progress = 40
            try await goal.create(on: app.db)
            let entry = CaseRegisterEntry()
            entry.$supportCase.id = caseID; entry.kind = "missing_episode"; entry.occurredOn = "2024-01-11"
            entry.fields = try cipher.seal(#"{"where_found":"MarkRegister at the flat of Leon"}"#); entry.recordedByID = lead.id
            try await entry.create(on: app.db)
            try await SupportCase.query(on: app.db).filter(\.$id == caseID)
                .set(\.$closureRequestedReason, to: try cipher.seal("MarkClosure moving on")).update()
            try await Person.query(on: app.db).filter(\.$id == personID)
                .set(\.$safeContact, to: try cipher.seal("MarkSafe aunt's landline")).update()
            try await browser.get(SiteURL.partnerships.path)
            try await browser.post(SiteURL.partnerships.path, ["type": "steering_group", "heldOn": "2024-01-15", "agencies": "Police",
                                                               "notes": "MarkMeeting discussed with Tariq", "cases[0]": caseID.uuidString])
            #expect(try await MeetingCase.query(on: app.db).count() == 1, "the meeting names the case")
            // A London record of the same name and date of birth, kept apart by London.
            let london = try await Fixtures.account(app, role: .caseworker, region: "london")
            let londonBrowser = Browser(app)
            try await londonBrowser.signIn(london)
            try await ReferralTests.record(londonBrowser, ReferralTests.form(received: "2024-02-01", home: "camden",
                                                                            extra: ["contactDetails": "MarkLondon 020 7946 0000"]))

            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            try await managerBrowser.get(SiteURL.person(personID).path)
            let opened = try await managerBrowser.post(SiteURL.personSubjectAccess(personID).path,
                                                       ["receivedOn": "2024-01-31", "requester": "The young person"])
            let documentPath = try #require(opened.location)
            let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
            #expect(request.otherRegions == "London", "London's separate record is the same young person's data")
            let nationalLead = try await Fixtures.account(app, role: .nationalLead)
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(nationalLead)
            try await leadBrowser.get(SiteURL.subjectAccessApprovals.path)
            try await leadBrowser.post(SiteURL.subjectAccessApprove(request.id).path)

            let html = try await managerBrowser.get(documentPath).body.string
            let json = try await managerBrowser.get(SiteURL.subjectAccessJSON(request.id).path).body.string
            for marker in ["MarkContact", "MarkRisk", "MarkGoal", "MarkRegister", "MarkClosure", "MarkSafe", "MarkLondon", "MarkMeeting"] {
                #expect(html.contains(marker), "\(marker) in the document")
                #expect(json.contains(marker), "\(marker) in the JSON")
            }
            for name in ["Dwayne", "Kyle", "Leon", "Tariq"] {
                #expect(html.contains("<mark class=\"review\">\(name)</mark>"), "\(name) flagged for redaction review")
            }
        }
    }
}

@Suite("Subject access: the approval follows what the export holds")
struct SubjectAccessApprovalTests {
    @Test("A request opened for a region-only record, then merged into one matching another region's child, waits for the national lead again")
    func mergeAfterOpening() async throws {
        try await withApp { app in
            let (gm, _) = try await RegionWallTests.greaterManchesterCase(app)
            let manager = try await Fixtures.account(app, role: .manager, region: "london")
            let browser = Browser(app)
            try await browser.signIn(manager)
            // K: London's record with the Greater Manchester child's name and date of birth; Y: a London-only child.
            try await ReferralTests.record(browser, ReferralTests.form(first: "Mia", last: "Roberts", born: "2008-06-01",
                                                                       received: "2024-06-01", home: "camden"))
            try await ReferralTests.record(browser, ReferralTests.form(first: "Quentin", last: "Marsh", born: "2011-01-01",
                                                                       received: "2024-06-02", home: "camden"))
            let k = try #require(try await Person.query(on: app.db).filter(\.$firstName == "Mia").filter(\.$id != gm.$person.id).first())
            let y = try #require(try await Person.query(on: app.db).filter(\.$firstName == "Quentin").first())
            try await browser.get(SiteURL.person(y.id).path)
            let opened = try await browser.post(SiteURL.personSubjectAccess(y.id).path, ["receivedOn": "2024-06-03", "requester": "Quentin"])
            let documentPath = try #require(opened.location)
            let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
            #expect(try await browser.get(SiteURL.subjectAccessJSON(request.id).path).status == .ok, "London's records only: no approval")

            try await browser.get(SiteURL.personMerge(k.id).path + "?with=\(y.id!.uuidString)")
            try await browser.post(SiteURL.personMerge(k.id).path, ["other": y.id!.uuidString])
            #expect(try await SubjectAccessRequest.find(request.id, on: app.db)?.$person.id == k.id, "the request followed the merge")
            #expect(try await browser.get(SiteURL.subjectAccessJSON(request.id).path).status == .conflict,
                    "Greater Manchester's records are in it now: a national lead must approve first")
            #expect(try await browser.get(documentPath).body.string.contains("id=\"awaiting-approval\""))

            // The national lead sees who and what, and judges Greater Manchester's record to be someone else's.
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            let page = try await leadBrowser.get(SiteURL.subjectAccessApprovals.path).body.string
            #expect(page.contains("Mia Roberts") && page.contains("Greater Manchester: Mia Roberts, referred 2024-05-01"))
            try await leadBrowser.post(SiteURL.subjectAccessSeparate(request.id).path)
            let json = try await browser.get(SiteURL.subjectAccessJSON(request.id).path)
            #expect(json.status == .ok)
            #expect(!json.body.string.contains("GM-1") && !json.body.string.contains("Greater Manchester"))
        }
    }
}

@Suite("Closure notes are kept")
struct ClosureNoteTests {
    @Test("The note written when a manager closes a case is kept sealed, shown on the case and in subject access")
    func keptAndExported() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let caseID = try await CaseTests.openCase(app, lead: manager, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "moved_away", "note": "MarkClosed moved to Leeds with mum"])
            let stored = try #require(try await SupportCase.find(caseID, on: app.db))
            #expect(stored.closedDate != nil && stored.closureNote?.contains("MarkClosed") == false, "closed, the note sealed")
            #expect(try await browser.get(SiteURL.supportCase(caseID).path).body.string.contains("MarkClosed moved to Leeds"))
            let personID = stored.$person.id
            try await browser.get(SiteURL.person(personID).path)
            let opened = try await browser.post(SiteURL.personSubjectAccess(personID).path, ["receivedOn": "2024-02-01", "requester": "Mum"])
            let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
            _ = opened
            #expect(try await browser.get(SiteURL.subjectAccessJSON(request.id).path).body.string.contains("MarkClosed"))
        }
    }
}
