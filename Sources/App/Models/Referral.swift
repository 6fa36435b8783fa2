import Domain
import Fluent
import Foundation

/// A request for the service about one young person (SPEC §2.1). The person's details are kept as they were on
/// the referral, so a report counts each referral as it arrived, and screening's result is stored with it.
final class Referral: Model, @unchecked Sendable {
    static let schema = "referrals"

    enum Status: String, Codable, Sendable, CaseIterable {
        case awaitingScreening = "awaiting_screening"
        case accepted
        case notAccepted = "not_accepted"

        var label: String {
            switch self {
            case .awaitingScreening: "Awaiting screening"
            case .accepted: "Accepted"
            case .notAccepted: "Not accepted"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    /// The referral's reference: from the CSV file, or generated for referrals made on screen.
    @Field(key: "ref") var ref: String
    @Parent(key: "region_id") var region: Region
    @Field(key: "service") var service: String
    @Field(key: "received_date") var receivedDate: String
    @Field(key: "referral_source") var referralSource: String
    @OptionalField(key: "referrer_organisation") var referrerOrganisation: String?
    /// Sealed.
    @OptionalField(key: "referrer_contact") var referrerContact: String?
    @Parent(key: "person_id") var person: Person
    @Field(key: "first_name") var firstName: String
    @Field(key: "last_name") var lastName: String
    @Field(key: "date_of_birth") var dateOfBirth: String
    @Field(key: "age_at_referral") var ageAtReferral: Int
    @Field(key: "gender") var gender: String
    @OptionalField(key: "ethnicity") var ethnicity: String?
    @Field(key: "home_local_authority") var homeLocalAuthority: String
    /// Codes joined by `;`; the annual report counts them from here (through its covering index).
    @Field(key: "exploitation_types") var exploitationTypes: String
    @Field(key: "risk_indicators") var riskIndicators: String
    @Field(key: "consent") var consent: String
    /// Sealed free text.
    @OptionalField(key: "concerns") var concerns: String?
    @Field(key: "eligible") var eligible: Bool
    @Field(key: "ineligibility_reasons") var ineligibilityReasons: String
    @OptionalField(key: "first_ineligibility_reason") var firstIneligibilityReason: String?
    @Field(key: "is_repeat") var isRepeat: Bool
    @Enum(key: "status") var status: Status
    @OptionalField(key: "screened_by_id") var screenedByID: UUID?
    @OptionalField(key: "screened_at") var screenedAt: Date?
    @OptionalField(key: "not_accepted_reason") var notAcceptedReason: String?
    @OptionalField(key: "signposted_to") var signpostedTo: String?
    @OptionalField(key: "signposted_on") var signpostedOn: String?
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    /// For imported referrals, a digest of the row as last imported (`ImportFingerprint`): the same row again
    /// changes nothing.
    @OptionalField(key: "import_fingerprint") var importFingerprint: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var exploitationTypeCodes: [String] {
        StoredCodes.split(exploitationTypes)
    }
}

/// One row per exploitation type code of a referral, until the report read the referral's own list
/// (`ReportFromReferralRow` drops the table). The earlier migrations that create it still name it.
enum ReferralExploitationType {
    static let schema = "referral_exploitation_types"
}
