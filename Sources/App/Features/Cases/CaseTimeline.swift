import Domain
import Fluent
import SQLKit
import Vapor

/// Everything that happened on a case, newest first: its opening, each lead caseworker, contacts, outcome
/// measures, risk ratings and its closure. The case page shows the latest `onCasePage` events, so that a case with
/// hundreds of contacts opens as quickly as a new one (and its actions are not pages below); the whole timeline has
/// a page of its own (`SiteURL.caseTimeline`).
struct CaseTimeline {
    struct Event: Encodable {
        let sortKey: String
        let when: String
        let title: String
        let detail: String?
        let hiddenSensitive: Bool
        let sensitive: Bool
    }

    static let onCasePage = 20

    let events: [Event]
    /// False when older events were left out.
    let isWhole: Bool
    let latestRisk: String?
    let hasExitMeasures: Bool

    /// `latest: nil` reads every event. Contacts are the only records a case has hundreds of: only the newest
    /// `latest + 1` are read, enough to fill the page and to know whether more exist.
    static func load(_ supportCase: SupportCase, canSeeSensitive: Bool, labels: CodeLabels,
                     cipher: FieldCipher, latest: Int?, on db: any Database) async throws -> CaseTimeline {
        let caseID = try supportCase.requireID()
        let sql = db as! any SQLDatabase
        var events: [Event] = [Event(sortKey: supportCase.openedDate, when: supportCase.openedDate, title: "Case opened",
                                     detail: nil, hiddenSensitive: false, sensitive: false)]
        struct Assignment: Decodable { let assigned_at: Date; let display_name: String }
        let assignments = try await sql.prepared("""
            SELECT a.assigned_at AS assigned_at, u.display_name AS display_name
            FROM case_assignments a JOIN users u ON u.id = a.caseworker_id WHERE a.case_id = \(bind: caseID)
            """).all(decoding: Assignment.self)
        for assignment in assignments {
            events.append(Event(sortKey: stamp(assignment.assigned_at), when: display(assignment.assigned_at),
                                title: "Lead caseworker: \(assignment.display_name)", detail: nil,
                                hiddenSensitive: false, sensitive: false))
        }
        let contacts = try await TimelineContact.newest(of: caseID, limit: latest.map { $0 + 1 }, on: db)
        for contact in contacts {
            let present = StoredCodes.split(contact.present).map(presentLabel).joined(separator: ", ")
            let hidden = contact.sensitive && !canSeeSensitive
            let notes = hidden ? nil : try contact.notes.map(cipher.open)
            events.append(Event(
                sortKey: stamp(contact.happened_at), when: display(contact.happened_at),
                title: "\(contact.kind.label), \(contact.duration_minutes) min" + (present.isEmpty ? "" : " (\(present))")
                    + " · \(contact.recorded_by ?? "someone")",
                detail: notes, hiddenSensitive: hidden, sensitive: contact.sensitive))
        }
        let measures = try await TimelineMeasure.all(of: caseID, on: db)
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
        let ratings = try await sql.prepared("""
            SELECT rating, reason, rated_at, indicators FROM risk_ratings WHERE case_id = \(bind: caseID) ORDER BY rated_at
            """).all(decoding: Rating.self)
        for rating in ratings {
            let indicators = StoredCodes.split(rating.indicators).compactMap { RiskIndicator(rawValue: $0)?.label }
            let reason = rating.reason.isEmpty ? "" : try cipher.open(rating.reason)
            events.append(Event(sortKey: stamp(rating.rated_at), when: display(rating.rated_at),
                                title: "Risk rated \(rating.rating)",
                                detail: reason + (indicators.isEmpty ? "" : "\nIndicators: " + indicators.joined(separator: ", ")),
                                hiddenSensitive: false, sensitive: false))
        }
        if let closed = supportCase.closedDate {
            events.append(Event(sortKey: closed + "~", when: closed,
                                title: "Case closed: \(labels.label(.closureReason)(supportCase.closureReason ?? "other"))",
                                detail: try supportCase.closureNote.map(cipher.open), hiddenSensitive: false, sensitive: false))
        }
        events.sort { $0.sortKey > $1.sortKey }
        let isWhole = latest.map { events.count <= $0 } ?? true
        return CaseTimeline(events: latest.map { Array(events.prefix($0)) } ?? events, isWhole: isWhole,
                            latestRisk: ratings.last?.rating,
                            hasExitMeasures: measures.contains { $0.stage == OutcomeMeasure.Stage.exit.rawValue })
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

    static func display(_ date: Date) -> String { DateFormats.shown(date) }
}

// The timeline's statements are plain SQL strings rather than SQLKit's builders: they run on every view of a case,
// and the builders' serialisation (quoting each identifier) cost a twentieth of the case page's time.

/// A contact as the timeline shows it, with the name of whoever recorded it, read as a plain row: a busy case has
/// hundreds, and decoding each as a Fluent model (by reflection) was the largest single cost of the case page.
struct TimelineContact: Decodable {
    let happened_at: Date
    let kind: Contact.Kind
    let duration_minutes: Int
    let present: String
    let notes: String?
    let sensitive: Bool
    let recorded_by: String?

    /// The case's contacts, newest first; with `limit`, only that many.
    static func newest(of caseID: UUID, limit: Int?, on db: any Database) async throws -> [TimelineContact] {
        try await (db as! any SQLDatabase).prepared("""
            SELECT c.happened_at, c.kind, c.duration_minutes, c.present, c.notes, c.sensitive, u.display_name AS recorded_by
            FROM contacts c LEFT JOIN users u ON u.id = c.recorded_by_id
            WHERE c.case_id = \(bind: caseID) ORDER BY c.happened_at DESC\(unsafeRaw: limit.map { " LIMIT \($0)" } ?? "")
            """).all(decoding: TimelineContact.self)
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
        try await (db as! any SQLDatabase).prepared("""
            SELECT stage, recorded_on, safety, mental_health, criminogenic_need, missing_episodes, offences,
                   county_lines_active, family_conflict, eet, goal_progress, source
            FROM outcome_measures WHERE case_id = \(bind: caseID)
            """).all(decoding: TimelineMeasure.self)
    }
}
