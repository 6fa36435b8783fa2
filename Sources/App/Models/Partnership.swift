import Fluent
import Foundation

/// A partnership meeting (SPEC §2.6): its type, date, the agencies present, the young people discussed (linked to
/// their cases) and the actions agreed.
final class PartnershipMeeting: Model, @unchecked Sendable {
    static let schema = "partnership_meetings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "region_id") var region: Region
    @Field(key: "type") var type: String
    @Field(key: "held_on") var heldOn: String
    @Field(key: "agencies") var agencies: String
    /// Sealed.
    @Field(key: "notes") var notes: String
    @Field(key: "recorded_by_id") var recordedByID: UUID

    init() {}
}

final class MeetingCase: Model, @unchecked Sendable {
    static let schema = "meeting_cases"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: PartnershipMeeting
    @Parent(key: "case_id") var supportCase: SupportCase

    init() {}
}

final class MeetingAction: Model, @unchecked Sendable {
    static let schema = "meeting_actions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: PartnershipMeeting
    /// Sealed.
    @Field(key: "description") var description: String
    @Field(key: "owner") var owner: String
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "done_on") var doneOn: String?

    init() {}
}
