import Fluent
import Foundation

/// A rescue saved before the young person is identified (issue: the 2 a.m. jobs, item 3): the call, where they
/// were found, who went, and what is known of them ("a boy about 15, says his name is J"). It becomes a referral
/// and a rescue, screened as any other, once their details are there (`PendingRescues.complete`); until then it
/// is in no report, so nothing is counted twice.
final class PendingRescue: Model, @unchecked Sendable {
    static let schema = "pending_rescues"

    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    @Field(key: "call_at") var callAt: Date
    /// Sealed, like a rescue's caller.
    @Field(key: "caller") var caller: String
    @OptionalField(key: "call_back_at") var callBackAt: Date?
    @Field(key: "out_of_hours") var outOfHours: Bool
    /// Sealed.
    @OptionalField(key: "found_place") var foundPlace: String?
    @OptionalField(key: "police_force_area") var policeForceArea: String?
    @Field(key: "dispatched_caseworker_id") var dispatchedCaseworkerID: UUID
    @Field(key: "referral_source") var referralSource: String
    /// What is known of the young person, sealed.
    @Field(key: "description") var description: String
    @Field(key: "approximate_age") var approximateAge: Int
    @Field(key: "recorded_by_id") var recordedByID: UUID
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}
