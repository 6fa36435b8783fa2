import Domain
import Fluent
import Foundation

/// A referral sent through the partners' front door (SPEC §2.11) by someone with no account: it waits "awaiting
/// triage" in its region's list (or the national lead's, when no region is known) with a call-back clock, until a
/// person of the service turns it into a referral (screened as any other) or marks it as spam. What was sent is
/// sealed, and emptied once it is triaged (the referral holds it) or marked as spam (the audit entry stays).
final class PartnerReferral: Model, @unchecked Sendable {
    static let schema = "partner_referrals"

    enum Status: String, Codable, Sendable {
        case awaitingTriage = "awaiting_triage"
        case triaged
        case spam
    }

    @ID(key: .id) var id: UUID?
    /// What the referrer is given: `PR-` and eight random characters, so one reference tells nothing of another.
    @Field(key: "ref") var ref: String
    /// Nil: no region's list holds the young person's area, so the national lead routes it.
    @OptionalField(key: "region_id") var regionID: UUID?
    @Enum(key: "path") var path: PartnerReferralPath
    /// Why it went where it went: `home_local_authority`, `where_now`, `national_triage` or `national_lead`.
    @Field(key: "routed_by") var routedBy: String
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "call_back_due") var callBackDue: Date
    @OptionalField(key: "called_back_at") var calledBackAt: Date?
    @OptionalField(key: "called_back_by_id") var calledBackByID: UUID?
    /// When the timer first found the clock run out (once, whichever instance got there first).
    @OptionalField(key: "overdue_raised_at") var overdueRaisedAt: Date?
    @Enum(key: "status") var status: Status
    /// `PartnerReferralContent` as JSON, sealed; nil once triaged or marked as spam.
    @OptionalField(key: "content") var content: String?
    /// The referrer's email domain, sealed (a school's domain can point to the young person), and the listed
    /// partner domain it belongs to (nil: not a listed partner).
    @OptionalField(key: "email_domain") var emailDomain: String?
    @OptionalField(key: "listed_domain") var listedDomain: String?
    @OptionalField(key: "referral_id") var referralID: UUID?
    @OptionalField(key: "closed_by_id") var closedByID: UUID?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// The form's one-time key: the same form sent twice (a double tap, a reload of the receipt) is kept once.
    @OptionalField(key: "submission_key") var submissionKey: String?

    init() {}

    /// Still someone's to do: awaiting triage, or triaged without the call-back recorded.
    var isOpen: Bool { status == .awaitingTriage || (status == .triaged && calledBackAt == nil) }

    var clock: CallBackClock { CallBackClock(due: callBackDue, calledBackAt: calledBackAt) }
}

/// What a partner sent, sealed as one value. The urgent path fills the first group; the full path the rest.
struct PartnerReferralContent: Codable, Sendable, Equatable {
    var referrerName: String
    var referrerOrganisation: String
    var referrerPhone: String
    var referrerEmail: String?
    /// A referral-source code: what kind of organisation the referrer is from (full path).
    var referralSource: String?
    /// Urgent path: the young person's name, or a description when it is not known.
    var who: String?
    var whereNow: String?
    var whereNowArea: String?
    var homeLocalAuthority: String?
    var firstName: String?
    var lastName: String?
    var aliases: [String]?
    var dateOfBirth: String?
    var gender: String?
    var ethnicity: String?
    var contactDetails: String?
    var exploitationTypes: [String]?
    var riskIndicators: [String]?
    var consent: String?
    var concerns: String?
}

/// The partner domains the admin lists (`police.uk`, `nhs.net`): a referrer's email in one is shown as such.
final class PartnerDomain: Model, @unchecked Sendable {
    static let schema = "partner_domains"

    @ID(key: .id) var id: UUID?
    @Field(key: "domain") var domain: String
    @Field(key: "added_at") var addedAt: Date

    init() {}

    init(domain: String, addedAt: Date) {
        self.domain = domain
        self.addedAt = addedAt
    }
}
