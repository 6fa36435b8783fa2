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
    /// The forms' fields with their problems and what was typed: only when the forms are drawn (the case is open and
    /// the user may write to it), since building and encoding them cost a tenth of every view of any case.
    let fields: CaseFormFields?
    let measuresForm: MeasuresFormView?
    let paths: Paths
    let hasExitMeasures: Bool
    let pathway: Pathway
    let registers: Registers
    /// Who has looked at the case, for the region's managers.
    let viewersPath: String?
    var attachments: AttachmentList

    /// Where each of the page's forms posts.
    struct Paths: Encodable {
        let assign, contacts, measures, risk, close, approve, reopen, safeContact, wheel, goals, goalUpdate, registers: String
        let caseID: String

        init(caseID: UUID, personID: UUID?) {
            assign = SiteURL.caseAssign(caseID).path
            contacts = SiteURL.caseContacts(caseID).path
            measures = SiteURL.caseMeasures(caseID).path
            risk = SiteURL.caseRisk(caseID).path
            close = SiteURL.caseClose(caseID).path
            approve = SiteURL.caseApproveClosure(caseID).path
            reopen = SiteURL.caseReopen(caseID).path
            safeContact = SiteURL.personSafeContact(personID).path
            wheel = SiteURL.caseWheel(caseID).path
            goals = SiteURL.caseGoals(caseID).path
            goalUpdate = SiteURL.caseGoalUpdate(caseID).path
            registers = SiteURL.caseRegisters(caseID).path
            self.caseID = caseID.uuidString
        }
    }

    /// The page of a case the caller has already found in `scope` (with its person, region and lead loaded), as
    /// of `now`; `errors` and `typed` are a refused form's.
    static func make(_ supportCase: SupportCase, scope: RegionScope, errors: FieldErrors, typed: CaseFormEcho = CaseFormEcho(),
                     layout: Layout, settings: Settings, cipher: FieldCipher, now: Date, on db: any Database) async throws -> CasePage {
        let caseID = try supportCase.requireID()
        let labels = try await CodeLabels.load([.closureReason, .outcomeArea], on: db)
        let canSeeSensitive = scope.canReadSensitive(supportCase)
        let canWrite = scope.canWrite(supportCase)
        let isManager = scope.isManager && scope.contains(regionID: supportCase.$region.id)
        let drawsForms = (canWrite || isManager) && supportCase.isOpen
        // The lead caseworkers to choose from: a manager's, on an open case only.
        let leads = isManager && drawsForms
            ? try await CaseStaff.leads(regionID: supportCase.$region.id, today: CivilDate.today(at: now), on: db)
            : []
        let timeline = try await CaseTimeline.load(supportCase, canSeeSensitive: canSeeSensitive, labels: labels,
                                                   cipher: cipher, latest: CaseTimeline.onCasePage, on: db)
        let person = supportCase.person
        let pathway = try await Pathway.make(caseID: caseID, cipher: cipher, labels: labels, forms: canWrite && supportCase.isOpen,
                                             errors: errors, typed: typed, on: db)
        let safeContact = try person.safeContact.map(cipher.open)
        let attachments = try await AttachmentList.make(
            owner: caseID, scope: scope, mayReadSensitive: canSeeSensitive, canWrite: canWrite,
            uploadPath: SiteURL.caseAttachments(caseID).path, csrfToken: layout.csrfToken, settings: settings,
            cipher: cipher, error: errors[AttachmentList.fileField], on: db)
        return CasePage(
            layout: layout,
            name: "\(person.firstName) \(person.lastName)", personPath: SiteURL.person(person.id).path,
            referralPath: SiteURL.referral(supportCase.$referral.id).path, region: supportCase.region.name,
            opened: supportCase.openedDate, closed: supportCase.closedDate,
            closure: supportCase.closureReason.map(labels.label(.closureReason)),
            lead: supportCase.leadCaseworker?.displayName ?? "Awaiting assignment", risk: timeline.latestRisk ?? "not rated",
            isOpen: supportCase.isOpen,
            closureRequested: try supportCase.closureRequestedReason.map(cipher.open)
                .map { "A planned closure was asked for on \(supportCase.closureRequestedOn ?? ""): \($0)" },
            safeContact: safeContact, doNotText: person.doNotText,
            phoneMayBeControlled: person.phoneMayBeControlled, events: timeline.events,
            timelinePath: timeline.isWhole ? nil : SiteURL.caseTimeline(caseID).path, canWrite: canWrite,
            isManager: isManager, errorLinks: errors.links,
            fields: !drawsForms ? nil : CaseFormFields.make(
                typed: typed, errors: errors, areas: pathway.areas, closureReasons: labels.byCode(.closureReason),
                // Caseload against capacity beside each name, for the manager choosing a lead (SPEC §2.5).
                leads: leads.map { lead in
                    SelectOption(value: lead.id.uuidString, label: "\(lead.name) (\(lead.openCases) open, capacity \(lead.available))",
                                 selected: lead.id == supportCase.$leadCaseworker.id)
                },
                safeContact: safeContact, now: now),
            measuresForm: !drawsForms ? nil
                : MeasuresFormView.make(typed: typed, errors: errors, today: CivilDate.today(at: now).description),
            paths: Paths(caseID: caseID, personID: person.id),
            hasExitMeasures: timeline.hasExitMeasures,
            pathway: pathway,
            registers: try await Registers.make(caseID: caseID, cipher: cipher, forms: false, on: db),
            viewersPath: isManager ? SiteURL.caseViewers(caseID).path : nil, attachments: attachments)
    }

    /// The value a `datetime-local` input expects, in UK time.
    static func localInput(_ date: Date) -> String { DateFormats.localInput.string(from: date) }
}

