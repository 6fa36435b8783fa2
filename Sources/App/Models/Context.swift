import Fluent
import Foundation

/// A place, peer group, school or online space that shows up across referrals (contextual safeguarding), linked
/// to the young people it concerns, with a history of notes. Region-scoped like everything else.
final class SafeguardingContext: Model, @unchecked Sendable {
    static let schema = "safeguarding_contexts"

    static let kinds = ["place", "peer_group", "school", "online_space"]

    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

final class ContextLink: Model, @unchecked Sendable {
    static let schema = "context_links"

    @ID(key: .id) var id: UUID?
    @Parent(key: "context_id") var context: SafeguardingContext
    @Parent(key: "referral_id") var referral: Referral
    @Field(key: "linked_on") var linkedOn: String

    init() {}
}

final class ContextNote: Model, @unchecked Sendable {
    static let schema = "context_notes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "context_id") var context: SafeguardingContext
    /// Sealed.
    @Field(key: "note") var note: String
    @Field(key: "noted_at") var notedAt: Date
    @Field(key: "noted_by_id") var notedByID: UUID

    init() {}
}
