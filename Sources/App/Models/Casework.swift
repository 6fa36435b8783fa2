import Fluent
import Foundation

/// Who led a case and when: the assignment history (SPEC §2.4).
final class CaseAssignment: Model, @unchecked Sendable {
    static let schema = "case_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Parent(key: "caseworker_id") var caseworker: User
    @Field(key: "assigned_at") var assignedAt: Date
    @Field(key: "assigned_by_id") var assignedByID: UUID

    init() {}
}

/// A contact with or about the young person. Notes are sealed; a sensitive note is shown only to the case's
/// lead caseworker and the region's managers, others see that one exists.
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case faceToFace = "face_to_face"
        case phone, video, message
        case homeVisit = "home_visit"
        case prisonVisit = "prison_visit"
        case professionalMeeting = "professional_meeting"
        case didNotAttend = "did_not_attend"

        var label: String {
            switch self {
            case .faceToFace: "Face to face"
            case .phone: "Phone"
            case .video: "Video"
            case .message: "Message"
            case .homeVisit: "Home visit"
            case .prisonVisit: "Prison visit"
            case .professionalMeeting: "Professional meeting"
            case .didNotAttend: "Did not attend"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Field(key: "happened_at") var happenedAt: Date
    @Enum(key: "kind") var kind: Kind
    @Field(key: "duration_minutes") var durationMinutes: Int
    /// Who was present: codes joined by `;` (young_person, parent_carer, professional).
    @Field(key: "present") var present: String
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "sensitive") var sensitive: Bool
    @Field(key: "recorded_by_id") var recordedByID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A red, amber or green risk rating with its (sealed) reason; the history is every row.
final class RiskRating: Model, @unchecked Sendable {
    static let schema = "risk_ratings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Field(key: "rating") var rating: String
    @Field(key: "reason") var reason: String
    @Field(key: "rated_at") var ratedAt: Date
    @Field(key: "rated_by_id") var ratedByID: UUID
    /// The exploitation indicators seen at this assessment: `RiskIndicator` codes joined by `;`.
    @Field(key: "indicators") var indicators: String

    init() {}
}
