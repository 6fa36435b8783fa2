import Fluent
import Foundation

/// One line of the append-only audit log (ASVS v5.0.0-16.x). `hash` covers this entry's content and the previous
/// entry's hash, so changing or removing any entry breaks the chain from there on.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "seq") var seq: Int
    /// UTC, ISO 8601 with milliseconds: stored as text so the hashed value and the stored value are identical.
    @Field(key: "at") var at: String
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "outcome") var outcome: String
    @Field(key: "object_type") var objectType: String
    @Field(key: "object_id") var objectID: String
    @Field(key: "region") var region: String
    @Field(key: "address") var address: String
    /// What changed (field names, codes), never narrative content, passwords or tokens (ASVS v5.0.0-16.2.5).
    @Field(key: "detail") var detail: String
    @Field(key: "prev_hash") var prevHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
