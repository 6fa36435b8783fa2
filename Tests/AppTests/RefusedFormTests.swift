@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// Every form, refused, comes back as its own page (never a "go back and try again" page): the error summary takes
/// focus, each problem sits beside its field and is linked to it with `aria-describedby`, and everything typed is
/// still there (issue: the 2 a.m. jobs, item 1).
@Suite("Refused forms keep what was typed")
struct RefusedFormTests {
    /// What a refused form's page must show for `field`, and the typed text (HTML-escaped) it must keep.
    static func expectRefused(_ answer: TestingHTTPResponse, field: String, keeps typed: [String] = [],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let page = answer.body.string
        #expect(answer.status == .unprocessableEntity, "\(field): \(answer.status)", sourceLocation: sourceLocation)
        #expect(page.contains("class=\"error-summary\"") && page.contains("autofocus"), "\(field): the summary takes focus",
                sourceLocation: sourceLocation)
        #expect(page.contains("<a href=\"#\(field)\">"), "\(field): the summary links to the field", sourceLocation: sourceLocation)
        #expect(page.contains("id=\"\(field)-error\""), "\(field): the error beside the field", sourceLocation: sourceLocation)
        #expect(page.range(of: "aria-describedby=\"[^\"]*\(field)-error", options: .regularExpression) != nil,
                "\(field): linked with aria-describedby", sourceLocation: sourceLocation)
        #expect(!page.contains("Go back, correct it"), sourceLocation: sourceLocation)
        for text in typed {
            let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
            #expect(page.contains(escaped), "\(field): keeps \(text)", sourceLocation: sourceLocation)
        }
    }

    static let hostile = "<b>Flat 3</b> & \"the garage\" =SUM(A1)"

    @Test("Lone working, information sharing and a subject access request")
    func loneWorkingAndPersonForms() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await browser.get(SiteURL.loneWorking.path)
            Self.expectRefused(try await browser.post(SiteURL.loneWorking.path, [
                "place": Self.hostile, "withWhom": "Mum and two others", "expectedEnd": "2001-01-01T10:00", "checkInNote": "ring at 9"]),
                field: "expectedEnd", keeps: [Self.hostile, "Mum and two others", "2001-01-01T10:00", "ring at 9"])
            #expect(try await LoneWorkingVisit.query(on: app.db).count() == 0)

            try await ReferralTests.record(browser, ReferralTests.form())
            let person = try #require(try await Person.query(on: app.db).first())
            try await browser.get(SiteURL.person(person.id).path)
            Self.expectRefused(try await browser.post(SiteURL.personInformationSharing(person.id).path, [
                "sharedOn": "2999-01-01", "agency": Self.hostile, "what": "Missing episode dates", "why": "",
                "lawfulBasis": "vital_interests", "consentSought": "yes"]),
                field: "why", keeps: [Self.hostile, "Missing episode dates", "2999-01-01"])
            let refusedShare = try await browser.post(SiteURL.personInformationSharing(person.id).path, ["agency": "Police"])
            Self.expectRefused(refusedShare, field: "sharedOn", keeps: ["Police"])
            #expect(try await InformationShare.query(on: app.db).count() == 0)

            Self.expectRefused(try await browser.post(SiteURL.personSubjectAccess(person.id).path, [
                "receivedOn": "2024-02-01", "requester": ""]), field: "requester", keeps: ["2024-02-01"])
            #expect(try await SubjectAccessRequest.query(on: app.db).count() == 0)
        }
    }

    @Test("Places and groups, partnership meetings and their actions")
    func workforceForms() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            try await browser.get(SiteURL.contexts.path)
            Self.expectRefused(try await browser.post(SiteURL.contexts.path, ["kind": "place", "name": "  "]), field: "name")
            Self.expectRefused(try await browser.post(SiteURL.contexts.path, ["kind": "castle", "name": Self.hostile]),
                               field: "kind", keeps: [Self.hostile])
            let created = try await browser.post(SiteURL.contexts.path, ["kind": "place", "name": "Cannon Hill Park"])
            let contextPath = try #require(created.location)
            let contextID = try #require(UUID(uuidString: String(contextPath.split(separator: "/")[1].prefix(36))))
            try await browser.get(SiteURL.context(contextID).path)
            Self.expectRefused(try await browser.post(SiteURL.contextLinks(contextID).path, ["ref": "REF-NOSUCH"]),
                               field: "ref", keeps: ["REF-NOSUCH"])
            Self.expectRefused(try await browser.post(SiteURL.contextNotes(contextID).path, ["note": String(repeating: "x", count: 2001)]),
                               field: "note", keeps: [String(repeating: "x", count: 2001)])

            try await browser.get(SiteURL.partnerships.path)
            Self.expectRefused(try await browser.post(SiteURL.partnerships.path, [
                "type": "mace", "heldOn": "2999-12-31", "agencies": "Police; school", "notes": Self.hostile]),
                field: "heldOn", keeps: ["2999-12-31", "Police; school", Self.hostile])
            #expect(try await PartnershipMeeting.query(on: app.db).count() == 0)
            let meeting = try await browser.post(SiteURL.partnerships.path, [
                "type": "county_lines_vulnerability", "heldOn": "2024-03-01", "agencies": "Police"])
            let meetingPath = try #require(meeting.location)
            let meetingID = try #require(UUID(uuidString: String(meetingPath.split(separator: "/")[1].prefix(36))))
            try await browser.get(SiteURL.partnershipMeeting(meetingID).path)
            Self.expectRefused(try await browser.post(SiteURL.meetingActions(meetingID).path, [
                "description": Self.hostile, "owner": "", "dueOn": "soon"]), field: "owner", keeps: [Self.hostile, "soon"])
            #expect(try await MeetingAction.query(on: app.db).count() == 0)
        }
    }
}
