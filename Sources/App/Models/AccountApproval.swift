import Domain
import Fluent
import Foundation

/// An admin's change that would let someone read young people's records: a set-up link for an account whose role
/// reads case content, or a new role or region that does. It takes effect only when a second person (another
/// admin or a national lead, neither the one who asked nor the account's owner) confirms it, so that no admin can
/// give themselves case access alone (SPEC §1: admins see no case content).
final class AccountApproval: Model, @unchecked Sendable {
    static let schema = "account_approvals"

    enum Kind: String, Codable, Sendable {
        /// A set-up link (new account or sign-in reset): made and shown to the confirmer, never to the asker.
        case setupLink = "setup_link"
        /// A new role and region, applied on confirmation.
        case roleChange = "role_change"
    }

    enum Outcome: String, Codable, Sendable {
        case confirmed
        case refused
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: Kind
    @Field(key: "role") var role: String
    @OptionalField(key: "region_id") var regionID: UUID?
    @Field(key: "requested_by_id") var requestedByID: UUID
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "decided_by_id") var decidedByID: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "outcome") var outcome: Outcome?

    init() {}

    init(userID: UUID, kind: Kind, role: Role, regionID: UUID?, requestedByID: UUID, at now: Date) {
        self.$user.id = userID
        self.kind = kind
        self.role = role.rawValue
        self.regionID = regionID
        self.requestedByID = requestedByID
        self.requestedAt = now
    }
}
