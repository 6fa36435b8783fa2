@testable import App
import Domain
import Foundation
import Vapor

/// Samples for a young person's pages: their record, search, merging, information sharing and subject access.
extension TemplateSamples {
    static let people: [TemplateSample] = [
        TemplateSample("people/show", shows: "Sample Person 7f3") { app in
            PersonPage(layout: layout("A young person"), name: "Sample Person 7f3", dateOfBirth: "2009-03-27", aliases: ["Sammy", "SP"],
                       hasAliases: true, referrals: [try await referralRow(app)],
                       cases: [.init(path: "/cases/1", opened: "2026-05-01", closed: "Open", closure: "", region: "Sample Region")],
                       hasCases: true, repeatCount: 1, elsewhere: 2, contactDetails: "Sample contact details", legalHold: true,
                       canHold: true, legalHoldPath: "/people/1/legal-hold", canWrite: true, subjectAccessPath: "/people/1/subject-access",
                       sharingPath: "/people/1/information-sharing", today: "2026-05-28", fields: personFields(),
                       errorLinks: errorLinks(("agency", "Enter the agency")))
        },
        TemplateSample("people/merge", shows: "Sample merge reason 7f3") { _ in
            MergePage(layout: layout("Merge records"), sides: [
                .init(id: UUID().uuidString, name: "Sample Person", dateOfBirth: "2009-03-27", aliases: "Sammy", referrals: 2,
                      firstReferred: "2026-01-04", path: "/people/1", keptByDefault: true),
                .init(id: UUID().uuidString, name: "Sampel Person", dateOfBirth: "2009-03-27", aliases: "None", referrals: 1,
                      firstReferred: "2026-05-01", path: "/people/2", keptByDefault: false),
            ], reason: "Sample merge reason 7f3", action: "/people/1/merge", otherID: UUID().uuidString)
        },
        TemplateSample("people/search", shows: "Sample Person 7f3") { _ in
            let record = PeopleSearch.Result.Record(id: UUID(), ref: "REF-7F3", date: "2026-05-01", detail: "Awaiting screening",
                                                    region: "Sample Region")
            let person = PeopleSearch.Result.Person(id: UUID(), firstName: "Sample", lastName: "Person 7f3", dateOfBirth: "2009-03-27",
                                                    aliases: ["Sammy"], referrals: [record], cases: [record])
            return SearchPage(layout: layout("Find a young person"), query: "Sample", error: "Sample search problem", searched: true,
                              results: [SearchPage.Row(person)], more: true)
        },
        TemplateSample("people/information-sharing", shows: "Sample Agency 7f3") { _ in
            SharingLogPage(layout: layout("Information sharing"),
                           rows: [.init(date: "2026-05-20", name: "Sample Person", personPath: "/people/1", agency: "Sample Agency 7f3",
                                        what: "School attendance", why: "Safeguarding plan", basis: "Safeguarding", consent: "Sought")],
                           hasRows: true,
                           requests: [.init(name: "Sample Person", personPath: "/people/1", askedBy: "Other Manager",
                                            reason: "Sample share reason", asked: "27 May 2026", approvePath: "/share-requests/1/approve",
                                            refusePath: "/share-requests/1/refuse")],
                           hasRequests: true)
        },
        TemplateSample("people/subject-access-approvals", shows: "Sample Person 7f3") { _ in
            SubjectAccessApprovalsPage(layout: layout("Subject access approvals"), rows: [
                .init(name: "Sample Person 7f3", dateOfBirth: "2009-03-27", region: "Sample Region", askedBy: "Sample Manager",
                      otherRegions: "London", elsewhere: ["A referral in London"], received: "2026-05-20", due: "2026-06-19",
                      approvePath: "/subject-access/1/approve", separatePath: "/subject-access/1/separate"),
            ], hasRows: true)
        },
        TemplateSample("people/subject-access-list", shows: "Sample Person 7f3") { _ in
            SubjectAccessListPage(layout: layout("Subject access requests"),
                                  open: [.init(name: "Sample Person 7f3", received: "2026-05-20", due: "2026-06-19", completed: nil,
                                               awaitsApproval: true, overdue: true, path: "/subject-access/1")],
                                  done: [.init(name: "Done Sample", received: "2026-01-20", due: "2026-02-19", completed: "2026-02-01",
                                               awaitsApproval: false, overdue: false, path: "/subject-access/2")])
        },
        TemplateSample("people/subject-access-waiting", shows: "2026-06-19") { _ in
            SubjectAccessWaitingPage(layout: layout("Waiting for approval"), due: "2026-06-19")
        },
        TemplateSample("people/subject-access", shows: "Sample Person 7f3") { _ in subjectAccessPage() },
    ]

    /// The person page's forms as they come back refused: what was typed, and two problems.
    static func personFields() -> PersonPage.Fields {
        var refused = RefusedForm()
        refused.errors.add("agency", "Enter the agency")
        refused.errors.add("requester", "Enter who asked")
        refused.typed = ["agency": "Sample agency", "what": "Sample what", "why": "Sample why", "consentSought": "yes",
                         "requester": "Sample requester"]
        return PersonPage.Fields(refused, today: "2026-05-28")
    }

    /// A referral's row as the lists show it, labelled by the code lists the migrations put in the database.
    static func referralRow(_ app: Application, name: String = "Sample Referral") async throws -> ReferralRowView {
        let labels = try await CodeLabels.load(on: app.db)
        let referral = Referral()
        let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
        referral.id = UUID()
        referral.ref = "REF-7F3"
        referral.firstName = parts[0]
        referral.lastName = parts.count > 1 ? parts[1] : ""
        referral.receivedDate = "2026-05-01"
        referral.service = "support"
        referral.referralSource = "police"
        referral.homeLocalAuthority = "birmingham"
        referral.eligible = true
        referral.isRepeat = true
        referral.status = .awaitingScreening
        referral.$region.value = Region(id: UUID(), code: "west-midlands", name: "West Midlands")
        return ReferralRowView(referral, labels: labels, fromPartner: true)
    }
}
