@testable import App
import Domain
import Foundation

/// The subject access page's sample: everything held on a young person, one of each kind of record.
extension TemplateSamples {
    static func subjectAccessPage() -> SubjectAccessPage {
        typealias Export = SubjectAccessExport
        func person(_ first: String, _ last: String) -> Export.PersonPart {
            Export.PersonPart(firstName: first, lastName: last, dateOfBirth: "2009-03-27", gender: "male", ethnicity: "white_british",
                              homeLocalAuthority: "birmingham", contactDetails: "Sample contact details", safeContact: "Sample safe contact",
                              doNotText: true, phoneMayBeControlled: true, legalHold: true, aliases: ["Sammy"])
        }
        let rescue = Export.RescuePart(callAt: when, caller: "British Transport Police", callBackAt: when, foundPlace: "Sample station",
                                       policeForceArea: "West Midlands", departedAt: when, arrivedAt: when, journeyMode: "train",
                                       homeAt: when, outcome: "returned_home")
        let referral = Export.ReferralPart(
            ref: "REF-7F3", region: "West Midlands", service: "support", receivedDate: "2026-05-01", referralSource: "police",
            referrerOrganisation: "Sample Police", referrerContact: "PC Sample", firstName: "Sample", lastName: "Person 7f3",
            exploitationTypes: ["county_lines"], riskIndicators: ["unexplained_money"], consent: "given", concerns: "Sample concerns",
            eligible: true, ineligibilityReasons: [], status: "accepted", notAcceptedReason: "Sample reason", signpostedTo: "youth_service",
            signpostedOn: "2026-05-02", rescue: rescue, placesAndGroups: ["Sample park"])
        let episode = Export.CasePart(
            region: "West Midlands", openedDate: "2026-05-02", closedDate: "2026-05-28", closureReason: "planned",
            closureNote: "Sample closure note",
            assignments: [.init(caseworker: "Sample Worker", assignedAt: when)],
            contacts: [.init(happenedAt: when, when: "28 May 2026 09:00", kind: "Face to face", durationMinutes: 30,
                             present: ["young_person"], notes: "Sample contact notes", sensitive: true)],
            riskRatings: [.init(ratedAt: when, when: "28 May 2026 09:00", rating: "amber", reason: "Sample risk reason",
                                indicators: ["unexplained_money"])],
            goals: [.init(area: "safety", description: "Sample goal", status: "in_progress", progress: 40)],
            outcomeWheel: [.init(stage: "entry", assessedOn: "2026-05-02", scores: ["safety": 3])],
            registers: [.init(kind: "missing_episode", occurredOn: "2026-05-20", fields: ["reported": "yes"])],
            outcomeMeasures: [.init(stage: "entry", recordedOn: "2026-05-02", safety: 4, mentalHealth: 5, criminogenicNeed: 6,
                                    missingEpisodes: 1, offences: 0, countyLinesActive: true, familyConflict: false, eet: true,
                                    goalProgress: "positive")])
        let file = Export.AttachmentPart(attachmentID: UUID(), file: "files/sample.pdf", name: "sample.pdf", type: "application/pdf",
                                         size: 12_000, on: "Referral REF-7F3", uploadedAt: when, sensitive: true,
                                         metadataRemoved: "GPS position")
        let export = Export(
            generatedAt: when, requestReceivedOn: "2026-05-20", person: person("Sample", "Person 7f3"),
            otherRecords: [person("Sampel", "Person")], referrals: [referral], cases: [episode],
            meetings: [.init(heldOn: "2026-05-10", type: "Strategy", agencies: "Police, school", notes: "Sample meeting notes",
                             actions: ["Sample action (Police, due 2026-06-01)"])],
            informationShared: [.init(sharedOn: "2026-05-12", agency: "Sample school", what: "Attendance", why: "Safeguarding",
                                      lawfulBasis: "safeguarding", consentSought: true)],
            attachments: [file])
        return SubjectAccessPage(
            layout: layout("Subject access: everything held"), export: export, requester: "Sample requester", due: "2026-06-19",
            completed: "2026-05-28", approval: "Includes the records of London, approved by Sample Lead on 27 May 2026.",
            narratives: [.init(title: "Contact notes", segments: RedactionReview.segments("Met Sample Person at Jordan's house",
                                                                                          subjectNames: ["Sample Person"]))],
            files: [file], jsonPath: "/subject-access/1.json", zipPath: "/subject-access/1.zip", completePath: "/subject-access/1/complete")
    }
}
