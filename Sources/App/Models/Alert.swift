import Domain
import Fluent
import Foundation

/// Something people must know about now (SPEC §2.10): raised once, whichever instance sees it first, then taken
/// step by step along its kind's chain until a named person acknowledges it or what it is about is over.
final class Alert: Model, @unchecked Sendable {
    static let schema = "alerts"

    @ID(key: .id) var id: UUID?
    @Enum(key: "kind") var kind: AlertKind
    @Field(key: "reference") var reference: String
    /// Nil for a partner referral nobody has routed yet: the national lead's.
    @OptionalField(key: "region_id") var regionID: UUID?
    /// The visit, rescue, case or partner referral it is about.
    @Field(key: "subject_id") var subjectID: UUID
    /// Which time of that subject: an overdue visit's deadline, a red rating's moment. A subject raises once per
    /// episode (a unique index), so two instances cannot raise one twice.
    @Field(key: "episode") var episode: String
    /// The lone worker, for an overdue visit (the chain's first step).
    @OptionalField(key: "worker_id") var workerID: UUID?
    @Field(key: "raised_at") var raisedAt: Date
    /// The next step of the chain to take, and when; nil once every step has been taken.
    @Field(key: "step") var step: Int
    @OptionalField(key: "next_step_at") var nextStepAt: Date?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by_id") var acknowledgedByID: UUID?
    @OptionalField(key: "acknowledged_via") var acknowledgedVia: String?
    /// What it was about ended (the worker checked out, a caseworker was dispatched): nothing more is sent.
    @OptionalField(key: "resolved_at") var resolvedAt: Date?

    init() {}

    var isOpen: Bool { acknowledgedAt == nil && resolvedAt == nil }
}

/// One message to one person by one channel: the outbox. A sender claims it atomically, so with several instances
/// each goes out once; a failure is tried again later, never dropped.
final class AlertMessageRecord: Model, @unchecked Sendable {
    static let schema = "alert_messages"

    enum Status: String, Codable, Sendable {
        case pending, sending, sent, failed, cancelled
        /// The person's channel has no provider configured, or they have no address for it: not sent, shown.
        case off
    }

    @ID(key: .id) var id: UUID?
    /// Nil for a set-up link.
    @OptionalField(key: "alert_id") var alertID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "region_id") var regionID: UUID?
    @Enum(key: "channel") var channel: AlertChannel
    /// The phone number or address, sealed.
    @Field(key: "address") var address: String
    /// The message's words (subject, text, what a call says), sealed: a set-up link is a secret.
    @Field(key: "body") var body: String
    @Enum(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// A sender's claim: past it, the sender is taken to have died and another may send.
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    /// The provider's id (a Twilio SID) or the email's Message-ID, to match delivery reports.
    @OptionalField(key: "provider_id") var providerID: String?
    @OptionalField(key: "delivery_status") var deliveryStatus: String?
    @OptionalField(key: "last_error") var lastError: String?
    /// The acknowledgement link's token, hashed; single use, until `ackExpiresAt`.
    @OptionalField(key: "ack_token_hash") var ackTokenHash: String?
    @OptionalField(key: "ack_expires_at") var ackExpiresAt: Date?
    @OptionalField(key: "ack_used_at") var ackUsedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}

/// A stretch of a region's on-call rota.
final class OnCallShiftRecord: Model, @unchecked Sendable {
    static let schema = "on_call_shifts"

    @ID(key: .id) var id: UUID?
    @Field(key: "region_id") var regionID: UUID
    @Parent(key: "user_id") var user: User
    @Enum(key: "role") var role: OnCallRole
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "created_by_id") var createdByID: UUID

    init() {}

    var shift: OnCallShift { OnCallShift(role: role, start: startsAt, end: endsAt) }
}
