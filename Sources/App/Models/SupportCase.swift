import Fluent
import Foundation

/// One episode of support, opened from an eligible referral or a rescue (SPEC §2.4). Named `SupportCase`
/// because `case` is a Swift keyword; the table and the screens say "case".
final class SupportCase: Model, @unchecked Sendable {
    static let schema = "cases"

    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    @Parent(key: "person_id") var person: Person
    @Parent(key: "referral_id") var referral: Referral
    @OptionalParent(key: "lead_caseworker_id") var leadCaseworker: User?
    @Field(key: "opened_date") var openedDate: String
    @OptionalField(key: "closed_date") var closedDate: String?
    @OptionalField(key: "closure_reason") var closureReason: String?
    /// A planned closure asked for by the caseworker, waiting for a manager's approval.
    @OptionalField(key: "closure_requested_reason") var closureRequestedReason: String?
    /// What was written when the case closed: sealed.
    @OptionalField(key: "closure_note") var closureNote: String?
    @OptionalField(key: "closure_requested_by_id") var closureRequestedByID: UUID?
    @OptionalField(key: "closure_requested_on") var closureRequestedOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var isOpen: Bool { closedDate == nil }
}

/// Outcome measures at entry, each review and exit: the fields of SPEC §6 from `entry_safety` to `exit_eet`.
/// The CSV import and the case screens write the same rows, so reports count both alike.
final class OutcomeMeasure: Model, @unchecked Sendable {
    static let schema = "outcome_measures"

    enum Stage: String, Codable, Sendable { case entry, review, exit }

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Enum(key: "stage") var stage: Stage
    @Field(key: "recorded_on") var recordedOn: String
    @OptionalField(key: "safety") var safety: Int?
    @OptionalField(key: "mental_health") var mentalHealth: Int?
    @OptionalField(key: "criminogenic_need") var criminogenicNeed: Int?
    @OptionalField(key: "missing_episodes") var missingEpisodes: Int?
    @OptionalField(key: "offences") var offences: Int?
    @OptionalField(key: "county_lines_active") var countyLinesActive: Bool?
    @OptionalField(key: "family_conflict") var familyConflict: Bool?
    @OptionalField(key: "eet") var eet: Bool?
    @OptionalField(key: "goal_progress") var goalProgress: String?
    @Field(key: "source") var source: String

    init() {}
}

/// The rescue side of a referral of service `rescue` (SPEC §2.3): the call, where the young person was found,
/// the caseworker dispatched, the journey home and the outcome. Response time is call to arrival.
final class Rescue: Model, @unchecked Sendable {
    static let schema = "rescues"

    @ID(key: .id) var id: UUID?
    @Parent(key: "referral_id") var referral: Referral
    @OptionalField(key: "call_at") var callAt: Date?
    @OptionalField(key: "arrived_at") var arrivedAt: Date?
    @OptionalField(key: "caller") var caller: String?
    @OptionalField(key: "call_back_at") var callBackAt: Date?
    @OptionalField(key: "out_of_hours") var outOfHours: Bool?
    /// Where the young person was found: sealed (it may be an address).
    @OptionalField(key: "found_place") var foundPlace: String?
    @OptionalField(key: "police_force_area") var policeForceArea: String?
    @OptionalField(key: "dispatched_caseworker_id") var dispatchedCaseworkerID: UUID?
    @OptionalField(key: "departed_at") var departedAt: Date?
    @OptionalField(key: "journey_mode") var journeyMode: String?
    @OptionalField(key: "home_at") var homeAt: Date?
    @OptionalField(key: "outcome") var outcome: String?

    init() {}

    var isOpen: Bool { outcome == nil }
}

/// A training or awareness session (SPEC §2.6): the annual report's outreach figures.
final class OutreachSession: Model, @unchecked Sendable {
    static let schema = "outreach_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "ref") var ref: String
    @Field(key: "date") var date: String
    @Parent(key: "region_id") var region: Region
    @Field(key: "audience") var audience: String
    @OptionalField(key: "organisation") var organisation: String?
    @OptionalField(key: "topic") var topic: String?
    @Field(key: "attendees") var attendees: Int
    /// in_person or webinar; nil for imported sessions.
    @OptionalField(key: "format") var format: String?
    /// Kind of outreach: session (training and awareness), event or webinar (with registrations).
    @OptionalField(key: "kind") var kind: String?
    @OptionalField(key: "registrations") var registrations: Int?
    /// Average confidence before and after (1 to 10), when asked.
    @OptionalField(key: "confidence_before") var confidenceBefore: Double?
    @OptionalField(key: "confidence_after") var confidenceAfter: Double?

    init() {}
}
