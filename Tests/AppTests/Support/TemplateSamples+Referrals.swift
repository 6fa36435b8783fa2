@testable import App
import Foundation
import Vapor

/// Samples for referrals: the staff's list, form and screening page, the partners' referrals waiting for triage, the
/// public referral form, and the home and import pages.
extension TemplateSamples {
    static let referrals: [TemplateSample] = [
        TemplateSample("referrals/list", shows: "Sample Person 7f3") { app in
            ReferralListPage(layout: layout("Referrals"), heading: "Referrals: awaiting screening",
                             tabs: [.init(label: "Awaiting screening", href: "/referrals?status=awaiting_screening", current: true)],
                             referrals: [try await referralRow(app, name: "Sample Person 7f3")], total: 51, hasReferrals: true,
                             newPath: "/referrals/new", from: field("from", "2026-05-01").drawn("Received from", as: .date),
                             to: field("to", "2026-05-28").drawn("to", as: .date), source: select("source", "Any source", "Police"),
                             localAuthority: select("localAuthority", "Any local authority", "Birmingham"),
                             order: select("order", "Oldest first", "Newest first"),
                             status: "awaiting_screening", previousPage: "/referrals?page=1", nextPage: "/referrals?page=3",
                             pageText: "Page 2 of 3, 51 referrals")
        },
        TemplateSample("referrals/new", shows: "REF-PARTNER-7F3") { _ in
            ReferralFormPage(layout: layout("New referral"), action: "/referrals/new", regionName: "Sample Region",
                             errorLinks: errorLinks(("firstName", "Enter the first name")), receivedDate: field("receivedDate", "2026-05-28"),
                             service: group("service", "Support", "Rescue"), referralSource: select("referralSource", "Police", "School"),
                             referrerOrganisation: field("referrerOrganisation", "Sample Police"), referrerContact: field("referrerContact"),
                             firstName: field("firstName", error: "Enter the first name"), lastName: field("lastName", "Person"),
                             aliases: field("aliases"), dateOfBirth: field("dateOfBirth", "2009-03-27"),
                             gender: select("gender", "Male", "Female"), ethnicity: select("ethnicity", "Not known", "White British"),
                             homeLocalAuthority: select("homeLocalAuthority", "Birmingham", "Outside the region"),
                             otherLocalAuthority: field("otherLocalAuthority"), contactDetails: field("contactDetails"),
                             exploitationTypes: group("exploitationTypes", "County lines", "Sexual"),
                             riskIndicators: group("riskIndicators", "Unexplained money", "Missing from home"),
                             consent: group("consent", error: "Select whether consent was given", "Given", "Not yet sought"),
                             concerns: field("concerns", "Sample concerns"),
                             partnerReferral: .init(id: UUID().uuidString, ref: "REF-PARTNER-7F3", href: "/partner-referrals/1"))
        },
        TemplateSample("referrals/show", shows: "Sample Person 7f3") { _ in
            ReferralPage(layout: layout("Referral"), ref: "REF-7F3", name: "Sample Person 7f3", personPath: "/people/1",
                         status: "Awaiting screening", isAwaiting: true, eligible: true, reasons: ["Lives outside the area"], isRepeat: true,
                         details: [.init(label: "Received", value: "2026-05-01")], concerns: "Sample concerns",
                         duplicates: [.init(name: "Sampel Person", dateOfBirth: "2009-03-27", reason: "Same date of birth, similar name",
                                            mergePath: "/people/1/merge?with=2")],
                         hasDuplicates: true, heldElsewhere: true, shareRequests: ["Asked on 27 May 2026: waiting for the other region's manager."],
                         shareRequestPath: "/referrals/1/share-request", canScreen: true, acceptPath: "/referrals/1/accept",
                         declinePath: "/referrals/1/decline", caseworker: select("caseworker", error: "Choose a caseworker", "Sample Worker"),
                         decision: "Not accepted: sample reason.", today: "2026-05-28",
                         errorLinks: errorLinks(("caseworker", "Choose a caseworker")), declineReason: field("reason", "Sample decline reason"),
                         signpostedTo: select("signpostedTo", "Not signposted", "Youth service"), signpostedOn: field("signpostedOn", "2026-05-28"),
                         viewers: [.init(who: "viewer@example.org", when: "2026-05-28 09:00")],
                         shareReason: field("share-reason", error: "Say why you need it"),
                         fromPartner: .init(ref: "REF-PARTNER", href: "/partner-referrals/1", detail: "urgent referral, received 28 May 2026."),
                         attachments: attachments())
        },
        TemplateSample("partner-referrals/list", shows: "Sample Organisation 7f3") { _ in
            PartnerReferralListPage(layout: layout("Partner referrals"), rows: [
                .init(ref: "REF-PARTNER", href: "/partner-referrals/1", path: "Urgent", status: "Awaiting triage", received: "28 May 2026 09:00",
                      clock: "20 minutes left", overdue: true, organisation: "Sample Organisation 7f3", trust: "Email in a listed partner domain",
                      region: "Sample Region"),
            ], total: 60, overdue: 1, overdueText: "1 past the call-back time", more: "Showing the first 50 of 60.", showRegion: true)
        },
        TemplateSample("partner-referrals/show", shows: "REF-PARTNER-7F3") { _ in
            PartnerReferralPage(layout: layout("Partner referral"), ref: "REF-PARTNER-7F3", path: "Urgent", urgent: true, status: "Awaiting triage",
                                received: "28 May 2026 09:00", callBackDue: "28 May 2026 10:00", clock: "20 minutes left", overdue: true,
                                calledBack: "28 May 2026 09:30", routed: "to the national lead", regionCode: "west-midlands",
                                trust: "Email in a listed partner domain", trusted: true,
                                aboutYoungPerson: [.init(label: "Name", value: "Sample Person")],
                                aboutReferrer: [.init(label: "Organisation", value: "Sample Police")],
                                removed: "What was sent is now held on the referral.", referralHref: "/referrals/1", canTriage: true,
                                canCallBack: true, canMarkSpam: true, triageHref: "/referrals/new?partner=1",
                                calledBackAction: "/partner-referrals/1/called-back", spamAction: "/partner-referrals/1/spam",
                                spamConfirm: field("confirm", error: "Tick to confirm"), routeAction: "/partner-referrals/1/route",
                                region: select("region", error: "Select a region", "Select a region", "London"), errorLinks: errorLinks(("confirm", "Tick to confirm")))
        },
        TemplateSample("front-door/start", shows: "Sample 4 hours 7f3") { _ in
            FrontDoorStartPage(layout: layout("Refer a young person"), urgentPath: "/refer/urgent", fullPath: "/refer/full",
                               callBack: "Sample 4 hours 7f3")
        },
        TemplateSample("front-door/received", shows: "REF-PARTNER-7F3") { _ in
            FrontDoorReceiptPage(layout: layout("Referral sent"), reference: "REF-PARTNER-7F3", urgent: true, callBack: "1 hour",
                                 startPath: "/refer")
        },
        TemplateSample("front-door/full", shows: "sample-submission-7f3") { _ in frontDoorForm(urgent: false) },
        TemplateSample("front-door/urgent", shows: "sample-submission-7f3") { _ in frontDoorForm(urgent: true) },
        TemplateSample("home/home", shows: "Sample summary 7f3") { _ in
            HomePage(layout: layout("Home"), heading: "Good morning", roleLabel: "Manager", summary: "Sample summary 7f3",
                     figures: [.init(label: "Open cases in the region", value: 42)],
                     tasks: [.init(label: "Record a referral", href: "/referrals/new")],
                     sections: [Dashboard.Section(title: "Cases awaiting a lead", id: "awaiting-lead",
                                                  items: [.init(label: "Sample Person", href: "/cases/1", detail: "opened 2026-05-01", overdue: true)],
                                                  total: 60, empty: "Every open case has a lead caseworker.")])
        },
        TemplateSample("imports/upload", shows: "Sample file problem 7f3") { app in
            var page = try ImportPage(req: Request(application: app, on: app.eventLoopGroup.next()), kind: "referrals")
            page.fileError = "Sample file problem 7f3"
            page.problems = ["row 2: Sample problem"]
            page.result = "Imported 12 referrals."
            return page
        },
    ]

    static func frontDoorForm(urgent: Bool) -> FrontDoorFormPage {
        func area(_ id: String) -> FormField {
            field(id, "birmingham", error: "Select an area from the list").select(
                "Sample \(id)", hint: "Sample hint", options: options("Not known"),
                groups: [OptionGroup(label: "West Midlands", options: options("Birmingham", "Coventry")),
                         OptionGroup(label: nil, options: options("Elsewhere"))])
        }
        return FrontDoorFormPage(
            layout: layout(urgent ? "Urgent referral" : "Full referral"), action: urgent ? "/refer/urgent" : "/refer/full",
            callBack: "1 hour", errorLinks: errorLinks(("whereNowArea", "Select an area from the list")),
            who: field("who", "Jordan, about 15"), whereNow: field("whereNow", "New Street station"), whereNowArea: area("whereNowArea"),
            homeLocalAuthority: area("homeLocalAuthority"), firstName: field("firstName", "Sample"), lastName: field("lastName", "Person"),
            aliases: field("aliases"), dateOfBirth: field("dateOfBirth", "2009-03-27"), gender: select("gender", "Not given", "Male"),
            ethnicity: select("ethnicity", "Not given", "White British"), contactDetails: field("contactDetails"),
            exploitationTypes: group("exploitationTypes", "County lines", "Sexual"), riskIndicators: group("riskIndicators", "Unexplained money"),
            consent: group("consent", error: "Select whether the young person agreed", "Yes", "No"), concerns: field("concerns", "Sample concerns"),
            referrerName: field("referrerName", "Sample Referrer"), referrerOrganisation: field("referrerOrganisation", "Sample Police"),
            referralSource: select("referralSource", "Police", "School"), referrerPhone: field("referrerPhone", "07700 900 982"),
            referrerEmail: field("referrerEmail", "referrer@example.police.uk"), submission: "sample-submission-7f3")
    }
}
