import Fluent
import Foundation

/// An entry of one of the case's registers (SPEC §2.4): missing episodes, National Referral Mechanism,
/// onward referrals and signposting, positive activities, prison in-reach. Each kind's typed fields are
/// validated by `RegisterKind` and stored sealed, since several are narrative (findings, establishments).
final class CaseRegisterEntry: Model, @unchecked Sendable {
    static let schema = "case_register_entries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Field(key: "kind") var kind: String
    @Field(key: "occurred_on") var occurredOn: String
    /// The kind's fields as JSON, sealed.
    @Field(key: "fields") var fields: String
    @Field(key: "recorded_by_id") var recordedByID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
