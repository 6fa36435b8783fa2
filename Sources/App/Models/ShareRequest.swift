import Fluent
import Foundation

/// A region's request to share a young person another region holds (SPEC §1, §2.2): a referral matched, by name and
/// date of birth, a person of another region, and the user who recorded it asked to see what that region holds.
/// The holding region's manager approves or refuses; approved, the asking region's record joins the holding
/// region's person, and the share is written in the holding region's information-sharing log.
final class ShareRequest: Model, @unchecked Sendable {
    static let schema = "share_requests"

    enum Outcome: String, Codable, Sendable {
        case approved
        case refused
    }

    @ID(key: .id) var id: UUID?
    /// The referral that asked, and its region and person.
    @Parent(key: "referral_id") var referral: Referral
    @Field(key: "asking_region_id") var askingRegionID: UUID
    @Field(key: "asking_person_id") var askingPersonID: UUID
    /// The person the other region holds, and that region.
    @Field(key: "holding_region_id") var holdingRegionID: UUID
    @Field(key: "holding_person_id") var holdingPersonID: UUID
    /// Why the asking region needs it: sealed.
    @Field(key: "reason") var reason: String
    @Field(key: "requested_by_id") var requestedByID: UUID
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "decided_by_id") var decidedByID: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "outcome") var outcome: Outcome?

    init() {}
}
