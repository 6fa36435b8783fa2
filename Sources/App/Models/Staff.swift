import Fluent
import Foundation

/// A member of staff's working record (SPEC §2.5): capacity in cases and specialisms. One per user.
final class StaffProfile: Model, @unchecked Sendable {
    static let schema = "staff_profiles"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "capacity") var capacity: Int
    /// Specialism codes joined by `;`.
    @Field(key: "specialisms") var specialisms: String

    init() {}
}

/// An absence: a caseworker on long-term sickness has no capacity while it lasts.
final class Absence: Model, @unchecked Sendable {
    static let schema = "absences"

    static let kinds = ["long_term_sickness", "sickness", "annual_leave", "training", "other"]

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    @Field(key: "from_date") var fromDate: String
    @OptionalField(key: "to_date") var toDate: String?

    init() {}
}

/// A course completed, internal or external, with its renewal date.
final class TrainingRecord: Model, @unchecked Sendable {
    static let schema = "training_records"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "course") var course: String
    @Field(key: "external") var external: Bool
    @OptionalField(key: "provider") var provider: String?
    @Field(key: "completed_on") var completedOn: String
    @OptionalField(key: "renewal_due") var renewalDue: String?

    init() {}
}
