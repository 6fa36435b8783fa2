import Domain
import Fluent
import SQLKit
import Vapor

/// The case page: the young person's safe-contact warnings first, then the latest of the timeline, newest first
/// (the whole timeline has a page of its own), then the forms the person may use.
struct CasePage: Encodable {
    typealias Event = CaseTimeline.Event

    let layout: Layout
    let name: String
    let personPath: String
    let referralPath: String
    let region: String
    let opened: String
    let closed: String?
    let closure: String?
    let lead: String
    let risk: String
    let isOpen: Bool
    let closureRequested: String?
    let safeContact: String?
    let doNotText: Bool
    let phoneMayBeControlled: Bool
    let events: [Event]
    /// The whole timeline's page, when the case page shows only its latest events.
    let timelinePath: String?
    let canWrite: Bool
    let isManager: Bool
    let errorLinks: [FormErrorLink]?
    let caseworkers: [SelectOption]
    let contactKinds: [SelectOption]
    let closureReasons: [SelectOption]
    let goalProgress: [SelectOption]
    let now: String
    let today: String
    let paths: [String: String]
    let hasExitMeasures: Bool
    let pathway: Pathway
    let registers: Registers
    let riskIndicators: [ReferralFormPage.Choice]
    /// Who has looked at the case, for the region's managers.
    let viewersPath: String?

    static func make(req: Request, supportCase: SupportCase, scope: RegionScope, errors: FieldErrors) async throws -> CasePage {
        let caseID = try supportCase.requireID()
        let cipher = req.application.cipher
        let labels = try await Labels.load(on: req.db)
        let canSeeSensitive = scope.canReadSensitive(supportCase)
        let now = req.now
        let isManager = scope.isManager && scope.contains(regionID: supportCase.$region.id)
        let staff = try await CaseStaff.load(regionID: supportCase.$region.id, today: CivilDate.today(at: now),
                                             withCaseloads: isManager, on: req.db)
        let users = staff.names
        let timeline = try await CaseTimeline.load(supportCase, canSeeSensitive: canSeeSensitive, names: users, labels: labels,
                                                   cipher: cipher, latest: CaseTimeline.onCasePage, on: req.db)
        let person = supportCase.person
        return CasePage(
            layout: req.layout(title: "Case: \(person.firstName) \(person.lastName)"),
            name: "\(person.firstName) \(person.lastName)", personPath: SiteURL.person(person.id).path,
            referralPath: SiteURL.referral(supportCase.$referral.id).path, region: supportCase.region.name,
            opened: supportCase.openedDate, closed: supportCase.closedDate,
            closure: supportCase.closureReason.map(labels.label("closure_reason")),
            lead: supportCase.leadCaseworker?.displayName ?? "Awaiting assignment", risk: timeline.latestRisk ?? "not rated",
            isOpen: supportCase.isOpen,
            closureRequested: try supportCase.closureRequestedReason.map(cipher.open)
                .map { "A planned closure was asked for on \(supportCase.closureRequestedOn ?? ""): \($0)" },
            safeContact: try person.safeContact.map(cipher.open), doNotText: person.doNotText,
            phoneMayBeControlled: person.phoneMayBeControlled, events: timeline.events,
            timelinePath: timeline.isWhole ? nil : SiteURL.caseTimeline(caseID).path, canWrite: scope.canWrite(supportCase),
            isManager: isManager, errorLinks: errors.links,
            // Caseload against capacity beside each name, for the manager choosing a lead (SPEC §2.5).
            caseworkers: staff.leads.map { lead in
                SelectOption(value: lead.id.uuidString, label: "\(lead.name) (\(lead.openCases) open, capacity \(lead.available))",
                             selected: lead.id == supportCase.$leadCaseworker.id)
            },
            contactKinds: Contact.Kind.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == .faceToFace) },
            closureReasons: (labels.byList["closure_reason"] ?? [:]).sorted { $0.key < $1.key }
                .map { SelectOption(value: $0.key, label: $0.value, selected: $0.key == "planned") },
            goalProgress: [SelectOption(value: "", label: "Not recorded", selected: true)]
                + ["positive", "none", "negative"].map { SelectOption(value: $0, label: $0.capitalized, selected: false) },
            now: Self.localInput(now), today: CivilDate.today(at: now).description,
            paths: ["assign": SiteURL.caseAssign(caseID).path, "contacts": SiteURL.caseContacts(caseID).path,
                    "measures": SiteURL.caseMeasures(caseID).path, "risk": SiteURL.caseRisk(caseID).path,
                    "close": SiteURL.caseClose(caseID).path, "approve": SiteURL.caseApproveClosure(caseID).path,
                    "reopen": SiteURL.caseReopen(caseID).path, "safeContact": SiteURL.personSafeContact(person.id).path,
                    "caseID": caseID.uuidString, "wheel": SiteURL.caseWheel(caseID).path,
                    "goals": SiteURL.caseGoals(caseID).path, "goalUpdate": SiteURL.caseGoalUpdate(caseID).path,
                    "registers": SiteURL.caseRegisters(caseID).path],
            hasExitMeasures: timeline.hasExitMeasures,
            pathway: try await Pathway.make(caseID: caseID, cipher: cipher, labels: labels, on: req.db),
            registers: try await Registers.make(caseID: caseID, cipher: cipher, forms: false, on: req.db),
            riskIndicators: RiskIndicator.allCases.map {
                ReferralFormPage.Choice(id: "indicator-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: false)
            },
            viewersPath: isManager ? SiteURL.caseViewers(caseID).path : nil)
    }

    /// The value a `datetime-local` input expects, in UK time.
    static func localInput(_ date: Date) -> String { DateFormats.localInput.string(from: date) }
}

