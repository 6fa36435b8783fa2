import Fluent
import Foundation

/// A lone-working visit (SPEC §2.5): started with an expected end, checked in and out. Not checked out by its
/// expected end, it is overdue: the region's managers see it on every page until someone acknowledges it.
final class LoneWorkingVisit: Model, @unchecked Sendable {
    static let schema = "lone_working_visits"

    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    @Parent(key: "caseworker_id") var caseworker: User
    /// Where, with whom and the safe word or check-in note: sealed.
    @Field(key: "place") var place: String
    @Field(key: "with_whom") var withWhom: String
    @Field(key: "check_in_note") var checkInNote: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "expected_end") var expectedEnd: Date
    @OptionalField(key: "last_check_in_at") var lastCheckInAt: Date?
    @OptionalField(key: "checked_out_at") var checkedOutAt: Date?
    /// Set once, by whichever server instance's timer first finds the visit overdue.
    @OptionalField(key: "overdue_raised_at") var overdueRaisedAt: Date?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by_id") var acknowledgedByID: UUID?
    @OptionalField(key: "acknowledgement") var acknowledgement: String?

    init() {}
}

/// An escalation step taken for an overdue visit (called the worker, called the police…), sealed.
final class VisitEscalation: Model, @unchecked Sendable {
    static let schema = "visit_escalations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "visit_id") var visit: LoneWorkingVisit
    @Field(key: "step") var step: String
    @Field(key: "at") var at: Date
    @Field(key: "by_id") var byID: UUID

    init() {}
}
