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
    /// What the worker wrote on checking out: sealed.
    @OptionalField(key: "check_out_note") var checkOutNote: String?
    /// The check-out used the worker's duress word: a silent alarm until a manager acts on it.
    @OptionalField(key: "duress_at") var duressAt: Date?
    @OptionalField(key: "duress_acknowledged_at") var duressAcknowledgedAt: Date?
    @OptionalField(key: "duress_acknowledged_by_id") var duressAcknowledgedByID: UUID?

    init() {}

    /// A check-in may move the end this far ahead at most: a visit pushed to 2099 would never raise its alarm.
    static let longestExtension: TimeInterval = 12 * 3600

    /// Whether an acknowledgement answers the overdue episode of this deadline: it must come after the deadline
    /// passed. One made for an earlier deadline, before a check-in moved it on, does not.
    static func acknowledges(_ acknowledgedAt: Date?, deadline: Date) -> Bool {
        guard let acknowledgedAt else { return false }
        return acknowledgedAt >= deadline
    }

    var isAcknowledged: Bool { Self.acknowledges(acknowledgedAt, deadline: expectedEnd) }

    /// How long overdue, as people say it: "25 minutes", "2 hours 5 minutes".
    static func howLate(_ deadline: Date, now: Date) -> String {
        let minutes = max(0, Int(now.timeIntervalSince(deadline) / 60))
        let hours = minutes / 60, rest = minutes % 60
        func unit(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if hours == 0 { return unit(minutes, "minute") }
        return rest == 0 ? unit(hours, "hour") : unit(hours, "hour") + " " + unit(rest, "minute")
    }
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
