import Domain
import Fluent
import SQLKit
import Vapor

/// The case page: the young person's safe-contact warnings first, then the timeline, newest first, then the
/// forms the person may use, and for the region's managers who has looked at it.
struct CasePage: Encodable {
    struct Event: Encodable {
        let sortKey: String
        let when: String
        let title: String
        let detail: String?
        let hiddenSensitive: Bool
        let sensitive: Bool
    }

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
    let viewers: [CaseViewer]

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
        var events: [Event] = [Event(sortKey: supportCase.openedDate, when: supportCase.openedDate, title: "Case opened",
                                     detail: nil, hiddenSensitive: false, sensitive: false)]
        struct Assignment: Decodable { let assigned_at: Date; let display_name: String }
        let assignments = try await (req.db as! any SQLDatabase).raw("""
            SELECT a.assigned_at AS assigned_at, u.display_name AS display_name
            FROM case_assignments a JOIN users u ON u.id = a.caseworker_id WHERE a.case_id = \(bind: caseID)
            """).all(decoding: Assignment.self)
        for assignment in assignments {
            events.append(Event(sortKey: Self.stamp(assignment.assigned_at), when: Self.display(assignment.assigned_at),
                                title: "Lead caseworker: \(assignment.display_name)", detail: nil,
                                hiddenSensitive: false, sensitive: false))
        }
        for contact in try await TimelineContact.all(of: caseID, on: req.db) {
            let present = contact.present.split(separator: ";").map { Self.presentLabel(String($0)) }.joined(separator: ", ")
            let hidden = contact.sensitive && !canSeeSensitive
            let notes = hidden ? nil : try contact.notes.map(cipher.open)
            events.append(Event(
                sortKey: Self.stamp(contact.happened_at), when: Self.display(contact.happened_at),
                title: "\(contact.kind.label), \(contact.duration_minutes) min" + (present.isEmpty ? "" : " (\(present))")
                    + " · \(users[contact.recorded_by_id] ?? "someone")",
                detail: notes, hiddenSensitive: hidden, sensitive: contact.sensitive))
        }
        let measures = try await TimelineMeasure.all(of: caseID, on: req.db)
        for measure in measures {
            let parts: [String?] = [
                measure.safety.map { "safety \($0)" }, measure.mental_health.map { "mental health \($0)" },
                measure.criminogenic_need.map { "criminogenic need \($0)" }, measure.missing_episodes.map { "missing episodes \($0)" },
                measure.offences.map { "offences \($0)" }, measure.county_lines_active.map { "county lines \($0 ? "active" : "not active")" },
                measure.family_conflict.map { "family conflict \($0 ? "yes" : "no")" }, measure.eet.map { "EET \($0 ? "yes" : "no")" },
                measure.goal_progress.map { "goal progress \($0)" },
            ]
            events.append(Event(sortKey: measure.recorded_on, when: measure.recorded_on,
                                title: "Outcome measures at \(measure.stage) (\(measure.source.replacingOccurrences(of: "_", with: " ")))",
                                detail: parts.compactMap { $0 }.joined(separator: ", "), hiddenSensitive: false, sensitive: false))
        }
        struct Rating: Decodable { let rating: String; let reason: String; let rated_at: Date; let indicators: String }
        let ratings = try await (req.db as! any SQLDatabase).select().columns("rating", "reason", "rated_at", "indicators")
            .from(RiskRating.schema).where("case_id", .equal, caseID).orderBy("rated_at").all(decoding: Rating.self)
        for rating in ratings {
            let indicators = rating.indicators.split(separator: ";").compactMap { RiskIndicator(rawValue: String($0))?.label }
            let reason = rating.reason.isEmpty ? "" : try cipher.open(rating.reason)
            events.append(Event(sortKey: Self.stamp(rating.rated_at), when: Self.display(rating.rated_at),
                                title: "Risk rated \(rating.rating)",
                                detail: reason + (indicators.isEmpty ? "" : "\nIndicators: " + indicators.joined(separator: ", ")),
                                hiddenSensitive: false, sensitive: false))
        }
        if let closed = supportCase.closedDate {
            events.append(Event(sortKey: closed + "~", when: closed,
                                title: "Case closed: \(labels.label("closure_reason")(supportCase.closureReason ?? "other"))",
                                detail: try supportCase.closureNote.map(cipher.open), hiddenSensitive: false, sensitive: false))
        }
        events.sort { $0.sortKey > $1.sortKey }
        let person = supportCase.person
        return CasePage(
            layout: req.layout(title: "Case: \(person.firstName) \(person.lastName)"),
            name: "\(person.firstName) \(person.lastName)", personPath: SiteURL.person(person.id).path,
            referralPath: SiteURL.referral(supportCase.$referral.id).path, region: supportCase.region.name,
            opened: supportCase.openedDate, closed: supportCase.closedDate,
            closure: supportCase.closureReason.map(labels.label("closure_reason")),
            lead: supportCase.leadCaseworker?.displayName ?? "Awaiting assignment", risk: ratings.last?.rating ?? "not rated",
            isOpen: supportCase.isOpen,
            closureRequested: try supportCase.closureRequestedReason.map(cipher.open)
                .map { "A planned closure was asked for on \(supportCase.closureRequestedOn ?? ""): \($0)" },
            safeContact: try person.safeContact.map(cipher.open), doNotText: person.doNotText,
            phoneMayBeControlled: person.phoneMayBeControlled, events: events, canWrite: scope.canWrite(supportCase),
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
            hasExitMeasures: measures.contains { $0.stage == OutcomeMeasure.Stage.exit.rawValue },
            pathway: try await Pathway.make(caseID: caseID, cipher: cipher, labels: labels, on: req.db),
            registers: try await Registers.make(caseID: caseID, cipher: cipher, on: req.db),
            riskIndicators: RiskIndicator.allCases.map {
                ReferralFormPage.Choice(id: "indicator-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: false)
            },
            viewers: isManager ? try await CaseViewer.last50(of: caseID, on: req.db as! any SQLDatabase) : [])
    }

    static func presentLabel(_ code: String) -> String {
        switch code {
        case "young_person": "the young person"
        case "parent_carer": "a parent or carer"
        case "professional": "a professional"
        default: code
        }
    }

    /// UTC, sortable.
    static func stamp(_ date: Date) -> String { Audit.timestamp(date) }

    static func display(_ date: Date) -> String { AccountController.format(date) }

    /// The value a `datetime-local` input expects, in UK time.
    static func localInput(_ date: Date) -> String { DateFormats.localInput.string(from: date) }
}

/// A contact as the timeline shows it, read as a plain row: a busy case has hundreds, and decoding each as a
/// Fluent model (by reflection) was the largest single cost of the case page.
struct TimelineContact: Decodable {
    let happened_at: Date
    let kind: Contact.Kind
    let duration_minutes: Int
    let present: String
    let notes: String?
    let sensitive: Bool
    let recorded_by_id: UUID

    static func all(of caseID: UUID, on db: any Database) async throws -> [TimelineContact] {
        try await (db as! any SQLDatabase).select()
            .columns("happened_at", "kind", "duration_minutes", "present", "notes", "sensitive", "recorded_by_id")
            .from(Contact.schema).where("case_id", .equal, caseID).all(decoding: TimelineContact.self)
    }
}

/// A case's outcome measures as the timeline shows them, read as plain rows like its contacts.
struct TimelineMeasure: Decodable {
    let stage: String
    let recorded_on: String
    let safety: Int?
    let mental_health: Int?
    let criminogenic_need: Int?
    let missing_episodes: Int?
    let offences: Int?
    let county_lines_active: Bool?
    let family_conflict: Bool?
    let eet: Bool?
    let goal_progress: String?
    let source: String

    static func all(of caseID: UUID, on db: any Database) async throws -> [TimelineMeasure] {
        try await (db as! any SQLDatabase).select()
            .columns("stage", "recorded_on", "safety", "mental_health", "criminogenic_need", "missing_episodes", "offences",
                     "county_lines_active", "family_conflict", "eet", "goal_progress", "source")
            .from(OutcomeMeasure.schema).where("case_id", .equal, caseID).all(decoding: TimelineMeasure.self)
    }
}
