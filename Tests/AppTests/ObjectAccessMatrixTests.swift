@testable import App
import Domain
import Fluent
import NIOCore
import Testing
import VaporTesting

/// Generated from the route table: every route that names a record, for every role, against a record of the
/// person's own region and one of another region. Allowed roles of the record's region get an answer; other
/// regions get 404 (audited); other roles 403 (audited). A new route naming a record is covered automatically,
/// and a parameter this test cannot fill fails it.
@Suite("Object access matrix")
struct ObjectAccessMatrixTests {
    struct Records {
        let referral: UUID
        let person: UUID
        let subjectAccess: UUID
        let supportCase: UUID
        let rescue: UUID
        let visit: UUID
        let staff: UUID
        let meeting: UUID
        let context: UUID
        let registerEntry: UUID
        let attachment: UUID
    }

    /// A referral, its person and a subject-access request in West Midlands.
    static func westMidlandsRecords(_ app: Application) async throws -> Records {
        let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
        let browser = Browser(app)
        try await browser.signIn(manager)
        try await ReferralTests.record(browser, ReferralTests.form())
        let referral = try #require(try await Referral.query(on: app.db).first())
        try await browser.get(SiteURL.referral(referral.id).path)
        try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": manager.id.uuidString])
        let supportCase = try #require(try await SupportCase.query(on: app.db).first())
        try await browser.get(SiteURL.person(referral.$person.id).path)
        try await browser.post(SiteURL.personSubjectAccess(referral.$person.id).path, ["receivedOn": "2024-01-31", "requester": "Self"])
        let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
        try await browser.get(SiteURL.rescueNew.path)
        try await browser.post(SiteURL.rescueNew.path, RescueTests.form(dispatched: manager.id))
        let rescue = try #require(try await Rescue.query(on: app.db).first())
        try await browser.get(SiteURL.loneWorking.path)
        try await browser.post(SiteURL.loneWorking.path, ["place": "Youth centre", "expectedEnd": CasePage.localInput(app.clock.now().addingTimeInterval(3600))])
        let visit = try #require(try await LoneWorkingVisit.query(on: app.db).first())
        try await browser.get(SiteURL.partnerships.path)
        try await browser.post(SiteURL.partnerships.path, ["type": "steering_group", "heldOn": "2024-01-10", "agencies": "Police"])
        let meeting = try #require(try await PartnershipMeeting.query(on: app.db).first())
        try await browser.post(SiteURL.contexts.path, ["kind": "place", "name": "Cannon Hill Park"])
        let context = try #require(try await SafeguardingContext.query(on: app.db).first())
        try await browser.get(SiteURL.caseRegisters(supportCase.id).path)
        try await browser.post(SiteURL.caseRegisters(supportCase.id).path, [
            "kind": "missing_episode", "missing_episode.occurred_on": "2024-01-14", "missing_episode.found_on": "2024-01-16"])
        let entry = try #require(try await CaseRegisterEntry.query(on: app.db).first())
        let token = try await APITestSupport.token(app, for: manager)
        let uploaded = try await app.testing().sendRequest(.POST, SiteURL.apiCaseAttachments(supportCase.id).path + "?name=letter.txt",
                                                           headers: ["Authorization": "Bearer \(token)"],
                                                           body: ByteBuffer(string: "A letter from the school."))
        #expect(uploaded.status == .created)
        let attachment = try #require(try await Attachment.query(on: app.db).first())
        return Records(referral: referral.id!, person: referral.$person.id, subjectAccess: request.id!, supportCase: supportCase.id!,
                       rescue: rescue.id!, visit: visit.id!,
                       staff: manager.id, meeting: meeting.id!,
                       context: context.id!, registerEntry: entry.id!, attachment: attachment.id!)
    }

    static func path(_ route: Route, _ records: Records) -> String? {
        var path = ""
        for component in route.path {
            switch component {
            case let .constant(text): path += "/" + text
            case let .parameter(name):
                switch name {
                case "referralID": path += "/" + records.referral.uuidString
                case "personID": path += "/" + records.person.uuidString
                case "requestID": path += "/" + records.subjectAccess.uuidString
                case "caseID": path += "/" + records.supportCase.uuidString
                case "rescueID": path += "/" + records.rescue.uuidString
                case "visitID": path += "/" + records.visit.uuidString
                case "staffID": path += "/" + records.staff.uuidString
                case "meetingID": path += "/" + records.meeting.uuidString
                case "contextID": path += "/" + records.context.uuidString
                case "entryID": path += "/" + records.registerEntry.uuidString
                case "attachmentID": path += "/" + records.attachment.uuidString
                default: return nil
                }
            default: return nil
            }
        }
        return path
    }

    static let regionScopedParameters: Set<String> = ["referralID", "personID", "requestID", "caseID", "rescueID", "visitID", "staffID", "meetingID", "contextID", "attachmentID"]

    /// A London young person, case and referral with names no West Midlands page may ever show.
    static let londonMarker = "Zebedeequark"

    static func londonRecords(_ app: Application) async throws -> String {
        let manager = try await Fixtures.account(app, role: .manager, region: "london")
        let browser = Browser(app)
        try await browser.signIn(manager)
        try await ReferralTests.record(browser, ReferralTests.form(first: londonMarker, last: londonMarker, home: "camden",
                                                                   extra: ["concerns": londonMarker + " concerns"]))
        let referral = try #require(try await Referral.query(on: app.db).filter(\.$firstName == londonMarker).first())
        try await browser.get(SiteURL.referral(referral.id).path)
        try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": manager.id.uuidString])
        return referral.ref
    }

    /// The answers a route may give to someone allowed it: a page or the API's data for a read; for a write sent
    /// with an empty form, a redirect after doing it, a refusal of the empty form naming what is missing, or a
    /// conflict with the record's state (already decided, already closed). Never 404, 403 or a server error.
    static let allowedReads: Set<HTTPResponseStatus> = [.ok]
    static let allowedWrites: Set<HTTPResponseStatus> = [.seeOther, .unprocessableEntity, .badRequest, .conflict, .created]

    @Test("Every route naming a region's record: own region answers, another region is 404, another role 403",
          arguments: [(Role.caseworker, "west-midlands", false), (.caseworker, "west-midlands", true), (.caseworker, "london", false),
                      (.manager, "west-midlands", false), (.manager, "london", false),
                      (.nationalLead, nil, false), (.admin, nil, false), (.commissioner, nil, false)] as [(Role, String?, Bool)])
    func matrix(role: Role, region: String?, leadsTheCase: Bool) async throws {
        try await withApp { app in
            let records = try await Self.westMidlandsRecords(app)
            let londonRef = try await Self.londonRecords(app)
            let account = try await Fixtures.account(app, role: role, region: region)
            if leadsTheCase {
                try await SupportCase.query(on: app.db).filter(\.$id == records.supportCase).set(\.$leadCaseworker.$id, to: account.id).update()
            }
            let browser = Browser(app)
            try await browser.signIn(account)
            // The API takes tokens, never cookies: its routes are tried with a token of the same person.
            let token = try await APITestSupport.token(app, for: account)
            let routes = app.routes.all.filter { route in
                route.path.contains { if case let .parameter(name) = $0 { Self.regionScopedParameters.contains(name) } else { false } }
            }
            #expect(routes.count >= 10)
            for route in routes {
                let path = try #require(Self.path(route, records), "the matrix cannot fill \(route.path.string)")
                guard case let .roles(allowed)? = route.access else {
                    Issue.record("\(route.path.string) names a record but is not limited to roles")
                    continue
                }
                try await browser.get(SiteURL.home.path)
                let refusalsBefore = try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused")
                    .filter(\.$userID == account.id).count()
                // The merge names a second record: the same person, which the merge page and the merge both refuse (400).
                let isMerge = route.path.string.hasSuffix("merge")
                let response: TestingHTTPResponse
                if path.hasPrefix("/api/") {
                    response = try await APITestSupport.send(app, route.method, path, token: token, json: route.method == .GET ? nil : "{}")
                } else if route.method == .GET {
                    response = try await browser.get(path + (isMerge ? "?with=\(records.person)" : ""))
                } else if route.streamsBody {
                    // An upload's token comes in its query, as its page's form sends it.
                    response = try await browser.post(path + "?_csrf=" + (browser.lastToken ?? ""), [:])
                } else {
                    response = try await browser.post(path, isMerge ? ["other": records.person.uuidString] : [:])
                }
                let label = "\(role)\(leadsTheCase ? " (the case's lead)" : "") of \(region ?? "no region"): \(route.method) \(route.path.string)"
                // National leads read every region but write none; regional roles are confined to their region.
                let ownRegion = region == "west-midlands" || role == .nationalLead
                // A caseworker writes only to a case they lead (and to its young person's safe contact).
                let leadOnly = route.method == .POST && role == .caseworker && !leadsTheCase
                    && (route.path.string.hasPrefix("cases/:caseID") || route.path.string.hasSuffix("safe-contact")
                        || route.path.string.hasPrefix("api/v1/cases/:caseID")
                        // Deleting a case's file: the fixture's file is on the case.
                        || route.path.string.hasPrefix("attachments/:attachmentID"))
                // A caseworker's own staff record and own visits only: the fixture's are the manager's.
                let ownOnly = role == .caseworker && (route.path.string.hasPrefix("staff/:staffID")
                    || route.path.string.hasSuffix("check-in") || route.path.string.hasSuffix("check-out"))
                if !allowed.contains(role) {
                    #expect(response.status == .forbidden, "\(label)")
                } else if !ownRegion {
                    #expect(response.status == .notFound, "\(label)")
                } else if leadOnly || ownOnly {
                    #expect(response.status == .forbidden, "\(label): not their case, visit or staff record")
                } else {
                    let expected = route.method == .GET && !isMerge ? Self.allowedReads : Self.allowedWrites
                    #expect(expected.contains(response.status), "\(label): \(response.status)")
                }
                // Whatever the answer, nothing of another region's young person is in it (national leads read every
                // region: a London young person may be offered to them as a possible duplicate).
                if role != .nationalLead {
                    let body = response.body.string
                    #expect(!body.contains(Self.londonMarker) && !body.contains(londonRef), "\(label): London's record in the answer")
                }
                if response.status == .forbidden || response.status == .notFound {
                    let refusalsAfter = try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused")
                        .filter(\.$userID == account.id).count()
                    #expect(refusalsAfter == refusalsBefore + 1, "\(label): the refusal is audited")
                }
            }
        }
    }
}
