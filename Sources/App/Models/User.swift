import Domain
import Fluent
import Foundation

/// A person who signs in. No password exists until the person sets one through a one-time set-up link.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Enum(key: "role") var role: Role
    @OptionalParent(key: "region_id") var region: Region?
    @OptionalField(key: "password_hash") var passwordHash: String?
    /// The TOTP seed, sealed by `FieldCipher`.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @Field(key: "totp_enabled") var totpEnabled: Bool
    /// The last TOTP counter accepted, so a code cannot be replayed within its window.
    @OptionalField(key: "totp_last_counter") var totpLastCounter: Int64?
    @Field(key: "disabled") var disabled: Bool
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    /// A lone worker's duress word, hashed like a password: typed as a check-out note, it raises a silent alarm.
    @OptionalField(key: "duress_word_hash") var duressWordHash: String?
    /// Where alerts reach the person (SPEC §2.10): a mobile number and an address, sealed; the channels they chose.
    @OptionalField(key: "alert_phone") var alertPhone: String?
    @OptionalField(key: "alert_email") var alertEmail: String?
    @OptionalField(key: "alert_channels") var alertChannels: String?
    /// A new number waiting for the code texted to it: alerts use a number only once its owner has typed the code
    /// back, so a slip (or a colleague's number) never receives a stranger's alerts or answers for them.
    @OptionalField(key: "alert_phone_pending") var alertPhonePending: String?
    @OptionalField(key: "alert_phone_code") var alertPhoneCode: String?
    @OptionalField(key: "alert_phone_code_expires") var alertPhoneCodeExpires: Date?
    @OptionalField(key: "alert_phone_code_attempts") var alertPhoneCodeAttempts: Int?

    init() {}

    init(id: UUID? = nil, email: String, displayName: String, role: Role, regionID: UUID?) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.$region.id = regionID
        self.totpEnabled = false
        self.disabled = false
        self.failedAttempts = 0
    }

    static func normalise(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// One-time recovery codes for a lost authenticator, stored as hashes (ASVS v5.0.0-6.5.2).
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(userID: UUID, codeHash: String) {
        self.$user.id = userID
        self.codeHash = codeHash
    }
}

/// A random, short-lived, single-use link to set a password (ASVS v5.0.0-6.4.1). The first admin's link has no
/// user yet: the person names themselves when they use it.
final class SetupLink: Model, @unchecked Sendable {
    static let schema = "setup_links"

    enum Purpose: String, Codable, Sendable {
        case firstAdmin = "first_admin"
        case setPassword = "set_password"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @OptionalParent(key: "user_id") var user: User?
    @Enum(key: "purpose") var purpose: Purpose
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(tokenHash: String, userID: UUID?, purpose: Purpose, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.purpose = purpose
        self.expiresAt = expiresAt
    }
}
