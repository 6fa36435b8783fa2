import Fluent
import SQLKit

struct CreatePartnerships: AsyncMigration {
    var name: String { "CreatePartnerships" }

    func prepare(on database: any Database) async throws {
        try await database.schema(PartnershipMeeting.schema)
            .id()
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("type", .string, .required)
            .field("held_on", .string, .required)
            .field("agencies", .string, .required)
            .field("notes", .string, .required)
            .field("recorded_by_id", .uuid, .required)
            .create()
        try await database.schema(MeetingCase.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(PartnershipMeeting.schema, "id"))
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .unique(on: "meeting_id", "case_id")
            .create()
        try await database.schema(MeetingAction.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(PartnershipMeeting.schema, "id"))
            .field("description", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string)
            .field("done_on", .string)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "meetings_region").on(PartnershipMeeting.schema).column("region_id").column("held_on").run()
        try await sql.create(index: "meeting_actions_meeting").on(MeetingAction.schema).column("meeting_id").run()
        try await sql.create(index: "meeting_cases_case").on(MeetingCase.schema).column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeetingAction.schema).delete()
        try await database.schema(MeetingCase.schema).delete()
        try await database.schema(PartnershipMeeting.schema).delete()
    }
}
