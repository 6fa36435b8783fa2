import Fluent
import Foundation

/// A signed-in browser, kept in the database so every instance knows it, with our own idle and absolute
/// timeouts (ASVS v5.0.0-7.3.1/7.3.2). The cookie holds a random token; the table holds only its hash.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    enum Stage: String, Codable, Sendable {
        /// Password accepted; the second factor (or its enrolment) is still to come.
        case secondFactor = "second_factor"
        case signedIn = "signed_in"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Enum(key: "stage") var stage: Stage
    /// The synchronizer token for this session's forms (ASVS v5.0.0-3.5.1).
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "address") var address: String
    @Field(key: "user_agent") var userAgent: String
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}

    init(tokenHash: String, userID: UUID, stage: Stage, csrfToken: String, at now: Date, address: String, userAgent: String) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.stage = stage
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
        self.address = address
        self.userAgent = userAgent
    }
}

/// A counter per key (an address, an account) per window, shared by every instance through the database.
final class RateLimitCounter: Model, @unchecked Sendable {
    static let schema = "rate_limit_counters"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "window_start") var windowStart: Date
    @Field(key: "count") var count: Int

    init() {}

    init(key: String, windowStart: Date, count: Int) {
        self.key = key
        self.windowStart = windowStart
        self.count = count
    }
}
