import Fluent
import Foundation

/// A request by or for a young person for everything held on them (UK GDPR Art. 15), with its one-month deadline.
final class SubjectAccessRequest: Model, @unchecked Sendable {
    static let schema = "subject_access_requests"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: Person
    @Parent(key: "region_id") var region: Region
    @Field(key: "received_on") var receivedOn: String
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "completed_on") var completedOn: String?
    /// Who asked (the young person, a parent, a solicitor): sealed.
    @Field(key: "requester") var requester: String
    @Field(key: "requested_by_id") var requestedByID: UUID
    /// Other regions whose records the export includes (names, comma-separated; empty when none). Such an
    /// export opens only once a national lead has approved it.
    @Field(key: "other_regions") var otherRegions: String
    @OptionalField(key: "approved_by_id") var approvedByID: UUID?
    @OptionalField(key: "approved_at") var approvedAt: Date?
    /// A national lead judged the other regions' records of the same name and date of birth to be someone else's.
    @Field(key: "separate_records_excluded") var separateRecordsExcluded: Bool
    /// The young people's records (ids, comma-separated) the national lead saw and approved: a merge that brings in
    /// any other record asks again, whatever its region.
    @Field(key: "approved_records") var approvedRecords: String

    init() {}

    var awaitsApproval: Bool { !otherRegions.isEmpty && approvedAt == nil }
}

/// Information shared about a young person with another agency: what, with whom, why, on what lawful basis.
final class InformationShare: Model, @unchecked Sendable {
    static let schema = "information_shares"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: Person
    @Parent(key: "region_id") var region: Region
    @Field(key: "shared_on") var sharedOn: String
    /// With whom, what was shared and why: sealed (the agency is typed too, and has carried narrative).
    @Field(key: "agency") var agency: String
    @Field(key: "what") var what: String
    @Field(key: "why") var why: String
    @Field(key: "lawful_basis") var lawfulBasis: String
    @Field(key: "consent_sought") var consentSought: Bool
    @Field(key: "recorded_by_id") var recordedByID: UUID

    init() {}
}
