import Fluent
import Foundation

/// A personal access token for the JSON API. Only a SHA-256 hash of the secret is stored (the secret is shown
/// once); the token acts with exactly its user's rights, optionally read-only.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "read_only") var readOnly: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(userID: UUID, name: String, tokenHash: String, readOnly: Bool, createdAt: Date, expiresAt: Date) {
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.readOnly = readOnly
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    func isUsable(at now: Date) -> Bool { revokedAt == nil && expiresAt > now }
}

/// The first answer to a `POST` sent with an `Idempotency-Key`, stored in the same transaction as the write it
/// answers, so a retry gets the same answer and the write happens once.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "api_idempotency"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "key") var key: String
    /// Method, path and a hash of the body: the same key with a different request is refused.
    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "status") var status: Int
    @Field(key: "body") var body: String
    @OptionalField(key: "location") var location: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
