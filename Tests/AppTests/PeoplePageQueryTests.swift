@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor

/// The home, case list, rescue log and data protection pages of the suite "Workforce, people, home and rescue pages
/// as queries" (see `WorkforcePageQueryTests.swift`), built with no request on the annual report's fixture.
extension WorkforcePageQueryTests {
    @Test("The home page counts an admin's accounts by state and a national lead's partner referrals in every region")
    func adminAndNationalLeadHome() async throws {
        try await withApp { app in
            let now = app.clock.now()
            let attention = try app.settings.caseAttention
            let admin = try await Self.user(app, .admin, nil, "Ada Admin")
            let lead = try await Self.user(app, .nationalLead, nil, "Lena Lead")
            let manager = try await Self.user(app, .manager, "west-midlands", "Mo Manager")
            let locked = try await Self.user(app, .caseworker, "london", "Lou Locked")
            try await User.query(on: app.db).filter(\.$id == locked.id).set(\.$lockedUntil, to: now.addingTimeInterval(600)).update()
            let disabled = try await Self.user(app, .caseworker, "london", "Dee Disabled")
            try await User.query(on: app.db).filter(\.$id == disabled.id).set(\.$disabled, to: true).update()
            try await User(email: "new-7f3@example.org", displayName: "Nia New", role: .caseworker, regionID: manager.regionID).create(on: app.db)

            let home = try await HomePage.make(for: admin, layout: Self.layout("Home"), attention: attention, cipher: app.cipher, now: now, on: app.db)
            // Active: admin, lead, manager and the locked caseworker (locked is not disabled); one awaits set-up.
            #expect(home.figures?.map(\.label) == ["Active accounts", "Awaiting set-up", "Locked now", "Disabled"])
            #expect(home.figures?.map(\.value) == [4, 1, 1, 1] && home.heading == "Administration")
            #expect(home.tasks.first?.href == SiteURL.adminUserNew.path)
            #expect(try await AdminPageQueryTests.html(app, "home/home", home).contains("Awaiting set-up"))

            func partnerReferral(_ ref: String, region: String?, status: PartnerReferral.Status = .awaitingTriage) async throws {
                let referral = PartnerReferral()
                referral.ref = ref
                referral.regionID = region == nil ? nil : try await Self.region(app, region!).requireID()
                referral.path = .urgent
                referral.routedBy = region == nil ? "national_triage" : "home_local_authority"
                referral.receivedAt = now.addingTimeInterval(-600)
                referral.callBackDue = now.addingTimeInterval(3000)
                referral.status = status
                try await referral.create(on: app.db)
            }
            try await partnerReferral("PR-WMID-0001", region: "west-midlands")
            try await partnerReferral("PR-LOND-0002", region: "london")
            try await partnerReferral("PR-NONE-0003", region: nil)
            try await partnerReferral("PR-SPAM-0004", region: "west-midlands", status: .spam)

            let national = try await HomePage.make(for: lead, layout: Self.layout("Home"), attention: attention, cipher: app.cipher, now: now, on: app.db)
            #expect(national.figures?.map(\.value) == [3], "every region's open partner referrals and the unrouted one, not the spam")
            let queue = try #require(national.sections?.first { $0.id == "partner-referrals" })
            #expect(Set(queue.items?.map { String($0.label.prefix(12)) } ?? []) == ["PR-WMID-0001", "PR-LOND-0002", "PR-NONE-0003"])
            #expect(national.heading == "All regions" && national.tasks.map(\.label).contains("Referrals in every region"))
            #expect(try await AdminPageQueryTests.html(app, "home/home", national).contains("PR-NONE-0003"))

            let regional = try await HomePage.make(for: manager, layout: Self.layout("Home"), attention: attention, cipher: app.cipher, now: now,
                                                   on: app.db)
            #expect(regional.figures?.first { $0.label == "Partner referrals to triage or call back" }?.value == 1)
            #expect(regional.sections?.first { $0.id == "partner-referrals" }?.items?.map(\.href).count == 1)
        }
    }

    @Test("The case list, rescue log and a manager's home hold the region's own open cases and rescues, a caseworker's only those they lead")
    func casesRescuesAndHome() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let manager = try await Self.user(app, .manager, "west-midlands", "Mo Manager")
            let ann = try await Self.user(app, .caseworker, "west-midlands", "Ann Able")
            let ben = try await Self.user(app, .caseworker, "west-midlands", "Ben Baker")
            let londoner = try await Self.user(app, .manager, "london", "Lou London")
            let lead = try await Self.user(app, .nationalLead, nil, "Lena Lead")
            let now = app.clock.now()
            let settings = try app.settings
            // R01's and R05's cases reopened and led; R05's closure asked for; R07's case has no lead; London's R11 reopened.
            for (ref, worker) in [("R01", ann), ("R05", ben), ("R11", londoner)] {
                try await SupportCase.query(on: app.db).filter(\.$id == Self.supportCase(app, ref).requireID()).set(\.$closedDate, to: nil)
                    .set(\.$leadCaseworker.$id, to: worker.id).update()
            }
            try await SupportCase.query(on: app.db).filter(\.$id == Self.supportCase(app, "R05").requireID())
                .set(\.$closureRequestedOn, to: "2024-02-01").update()

            func list(_ user: CurrentUser, show: String? = nil, sort: String? = nil, lead: UUID? = nil) async throws -> CaseListPage {
                try await CaseListPage.make(scope: RegionScope(user), user: user, filter: CaseListFilter(show: show, sort: sort, lead: lead), page: 1,
                                            settings: settings, layout: Self.layout("Cases"), now: now, on: app.db)
            }
            let cases = try await list(manager, sort: "newest")
            #expect(cases.total == 2 && cases.assigned.map(\.name) == ["Kyle Smith", "Zoë O'Neill"], "newest first; London's absent")
            #expect(cases.assigned.map(\.lead) == ["Ben Baker", "Ann Able"] && cases.assigned[0].closureRequested)
            #expect(cases.awaiting.map(\.name) == ["Leon Grey"] && cases.awaitingClosure.map(\.name) == ["Kyle Smith"])
            #expect(cases.caseloads.filter { $0.open > 0 }.map(\.name).sorted() == ["Ann Able", "Ben Baker"])
            #expect(cases.nextPage == nil && cases.pageText.hasPrefix("Page 1 of 1: 2 open cases"))
            let casesHTML = try await AdminPageQueryTests.html(app, "cases/list", cases)
            #expect(casesHTML.contains("Leon Grey") && casesHTML.contains("Kyle Smith"))
            #expect(try await list(manager, show: "closing").assigned.map(\.name) == ["Kyle Smith"])
            #expect(try await list(manager, lead: ann.id).assigned.map(\.name) == ["Zoë O'Neill"])
            let annsCases = try await list(ann)
            #expect(annsCases.total == 1 && annsCases.assigned.map(\.name) == ["Zoë O'Neill"] && annsCases.awaiting.isEmpty && !annsCases.isManager)
            #expect(!(try await AdminPageQueryTests.html(app, "cases/list", annsCases)).contains("Kyle Smith"))

            // Rescues: R08's reopened (the young person with the caseworker); an open London one on R11's referral.
            let mia = try await Self.referral(app, "R08")
            try await Rescue.query(on: app.db).filter(\.$referral.$id == mia.requireID()).set(\.$outcome, to: nil).update()
            let london = Rescue()
            london.$referral.id = try await Self.referral(app, "R11").requireID()
            london.callAt = now.addingTimeInterval(-3600)
            try await london.create(on: app.db)
            let log = try await RescueLogPage.make(scope: RegionScope(manager), page: 1, layout: Self.layout("Rescues"), now: now, on: app.db)
            #expect(log.rows.map(\.name) == ["Mia Stone"] && log.rows[0].stage == "With the young person", "London's open rescue absent")
            #expect(Set(log.finished?.map(\.name) ?? []) == ["Leon Grey", "Ned Fox"])
            #expect(log.finished?.first { $0.name == "Leon Grey" }?.clock == "1 h 30 min", "response time: call to arrival")
            #expect(log.newPath == SiteURL.rescueNew.path && log.nextPage == nil && log.previousPage == nil)
            let logHTML = try await AdminPageQueryTests.html(app, "rescues/log", log)
            #expect(logHTML.contains("Mia Stone") && !logHTML.contains("Sam Lee"))
            let everywhere = try await RescueLogPage.make(scope: RegionScope(lead), page: 1, layout: Self.layout("Rescues"), now: now, on: app.db)
            #expect(everywhere.rows.map(\.name) == ["Mia Stone", "Sam Lee"] && everywhere.newPath == nil, "oldest call first; leads only read")
            let second = try await RescueLogPage.make(scope: RegionScope(manager), page: 2, layout: Self.layout("Rescues"), now: now, on: app.db)
            #expect(second.finished == nil && second.previousPage == SiteURL.rescues.path + "?page=1")

            let home = try await HomePage.make(for: manager, layout: Self.layout("Home"), attention: settings.caseAttention, cipher: app.cipher,
                                               now: now, on: app.db)
            func figure(_ page: HomePage, _ label: String) -> Int? { page.figures?.first { $0.label == label }?.value }
            #expect(figure(home, "Open cases in the region") == 3 && figure(home, "Cases awaiting a lead") == 1)
            #expect(figure(home, "Closures awaiting approval") == 1 && figure(home, "Open rescues") == 1)
            #expect(home.sections?.first { $0.id == "awaiting-lead" }?.items?.map(\.label) == ["Leon Grey"])
            #expect(try await AdminPageQueryTests.html(app, "home/home", home).contains("Leon Grey"))
            let annsHome = try await HomePage.make(for: ann, layout: Self.layout("Home"), attention: settings.caseAttention, cipher: app.cipher,
                                                   now: now, on: app.db)
            #expect(figure(annsHome, "Open cases you lead") == 1 && figure(annsHome, "Cases awaiting a lead") == nil)
        }
    }

    @Test("Subject access requests, their approval, the export and the sharing log show the region's own, and what another region holds only once approved")
    func subjectAccessAndSharing() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let manager = try await Self.user(app, .manager, "west-midlands", "Mo Manager")
            let worker = try await Self.user(app, .caseworker, "west-midlands", "Ann Able")
            let londoner = try await Self.user(app, .manager, "london", "Lou London")
            let lead = try await Self.user(app, .nationalLead, nil, "Lena Lead")
            let now = app.clock.now()
            let cipher = try app.cipher
            let zoe = try await Self.referral(app, "R01").$person.id
            let kyle = try await Self.referral(app, "R05").$person.id
            let sam = try await Self.referral(app, "R11").$person.id
            // The two regions agreed London's R11 is the same young person as West Midlands' Zoë.
            try await Referral.query(on: app.db).filter(\.$ref == "R11").set(\.$person.$id, to: zoe).update()

            func request(_ person: UUID, by user: CurrentUser, received: String, due: String, completed: String? = nil,
                         otherRegions: String = "") async throws -> SubjectAccessRequest {
                let request = SubjectAccessRequest()
                request.$person.id = person
                request.$region.id = try #require(user.regionID)
                request.receivedOn = received
                request.dueOn = due
                request.completedOn = completed
                request.requester = try cipher.seal("The young person, by letter")
                request.requestedByID = user.id
                request.otherRegions = otherRegions
                request.separateRecordsExcluded = false
                request.approvedRecords = ""
                try await request.create(on: app.db)
                return request
            }
            let zoes = try await request(zoe, by: manager, received: "2024-01-31", due: "2024-02-29", otherRegions: "London")
            _ = try await request(kyle, by: manager, received: "2024-01-05", due: "2024-02-05", completed: "2024-01-20")
            _ = try await request(sam, by: londoner, received: "2024-03-01", due: "2024-04-01")

            let today = CivilDate.today(at: now)
            let requests = try await SubjectAccessListPage.make(regionID: manager.regionID, layout: Self.layout("Subject access"), today: today, on: app.db)
            #expect(requests.open.map(\.name) == ["Zoë O'Neill"] && requests.done.map(\.name) == ["Kyle Smith"], "London's request absent")
            #expect(requests.open[0].awaitsApproval && requests.open[0].overdue && requests.open[0].path == SiteURL.subjectAccess(zoes.id).path)
            #expect(try await AdminPageQueryTests.html(app, "people/subject-access-list", requests).contains("2024-02-29"))

            let approvals = try await SubjectAccessApprovalsPage.make(layout: Self.layout("Approvals"), on: app.db)
            #expect(approvals.rows.map(\.name) == ["Zoë O'Neill"] && approvals.hasRows, "only an export taking in another region's records waits")
            #expect(approvals.rows[0].region == "West Midlands" && approvals.rows[0].askedBy == "Mo Manager")
            #expect(approvals.rows[0].elsewhere == ["London: Sam Lee, referred 2023-05-01 from Camden"])
            #expect(try await AdminPageQueryTests.html(app, "people/subject-access-approvals", approvals).contains("Sam Lee, referred 2023-05-01"))

            try await SubjectAccessRequest.query(on: app.db).filter(\.$id == zoes.requireID()).set(\.$approvedAt, to: now)
                .set(\.$approvedByID, to: lead.id).update()
            let approved = try #require(try await SubjectAccessRequest.find(zoes.id, on: app.db))
            let export = try await SubjectAccessExport.build(personID: zoe, request: approved, cipher: cipher, now: now, on: app.db)
            #expect(Set(export.referrals.map(\.region)) == ["West Midlands", "London"] && export.referrals.map(\.ref).contains("R11"))
            let document = try await SubjectAccessPage.make(approved, export: export, layout: Self.layout("Subject access"), cipher: cipher, on: app.db)
            #expect(document.requester == "The young person, by letter" && document.due == "2024-02-29" && document.completed == nil)
            #expect(document.approval?.hasPrefix("Includes the records of London, approved by Lena Lead on ") == true)
            #expect(document.jsonPath == SiteURL.subjectAccessJSON(zoes.id).path)
            let documentHTML = try await AdminPageQueryTests.html(app, "people/subject-access", document)
            #expect(documentHTML.contains("approved by Lena Lead") && documentHTML.contains("R11"))

            func share(_ person: UUID, _ region: CurrentUser, on date: String, what: String) async throws {
                let share = InformationShare()
                share.$person.id = person
                share.$region.id = try #require(region.regionID)
                share.sharedOn = date
                share.agency = try cipher.seal("Children's services")
                share.what = try cipher.seal(what)
                share.why = try cipher.seal("Strategy meeting")
                share.lawfulBasis = LawfulBasis.safeguarding.rawValue
                share.consentSought = false
                share.recordedByID = region.id
                try await share.create(on: app.db)
            }
            try await share(kyle, manager, on: "2024-01-10", what: "School attendance")
            try await share(zoe, manager, on: "2024-02-01", what: "Missing episode details")
            try await share(sam, londoner, on: "2024-03-01", what: "Custody record")
            for decided in [false, true] {
                let ask = ShareRequest()
                ask.$referral.id = try await Self.referral(app, "R11").requireID()
                ask.askingRegionID = try #require(londoner.regionID)
                ask.askingPersonID = sam
                ask.holdingRegionID = try #require(manager.regionID)
                ask.holdingPersonID = kyle
                ask.reason = try cipher.seal(decided ? "Asked and answered" : "Seen in Camden with the same group")
                ask.requestedByID = londoner.id
                ask.requestedAt = now
                if decided { (ask.decidedAt, ask.decidedByID, ask.outcome) = (now, manager.id, .refused) }
                try await ask.create(on: app.db)
            }
            let log = try await SharingLogPage.make(user: manager, layout: Self.layout("Information sharing"), cipher: cipher, on: app.db)
            #expect(log.rows.map(\.what) == ["Missing episode details", "School attendance"], "newest first; London's absent")
            #expect(log.rows[0].basis.contains("Sch. 1 para 18") && log.rows[0].consent == "No" && log.rows[0].personPath == SiteURL.person(zoe).path)
            #expect(log.requests.map(\.reason) == ["Seen in Camden with the same group"] && log.requests[0].askedBy == "London")
            #expect(log.requests[0].name.hasPrefix("Kyle Smith, born "))
            let logHTML = try await AdminPageQueryTests.html(app, "people/information-sharing", log)
            #expect(logHTML.contains("Missing episode details") && !logHTML.contains("Custody record"))
            let workers = try await SharingLogPage.make(user: worker, layout: Self.layout("Information sharing"), cipher: cipher, on: app.db)
            #expect(workers.rows.count == 2 && !workers.hasRequests, "a region's managers decide requests to share")
        }
    }
}
