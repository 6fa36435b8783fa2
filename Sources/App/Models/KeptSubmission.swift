import Fluent
import Foundation

/// A form that arrived after its sender's session had timed out (SPEC: the 30-minute idle timeout must not lose
/// a note being typed). Kept sealed, for its own account only, for `KeptSubmissions.lifetime`; shown after the
/// next sign-in, where one button sends it again through the same route and checks.
final class KeptSubmission: Model, @unchecked Sendable {
    static let schema = "kept_submissions"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    /// The route it was sent to, as the server received it (never from a later request).
    @Field(key: "path") var path: String
    /// The form's fields, URL-encoded as sent, sealed with the data key; `_csrf` removed.
    @Field(key: "body") var body: String
    @Field(key: "kept_at") var keptAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
