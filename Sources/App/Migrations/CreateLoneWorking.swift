import Fluent
import SQLKit

struct CreateLoneWorking: AsyncMigration {
    var name: String { "CreateLoneWorking" }

    func prepare(on database: any Database) async throws {
        try await database.schema(LoneWorkingVisit.schema)
            .id()
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("caseworker_id", .uuid, .required, .references(User.schema, "id"))
            .field("place", .string, .required)
            .field("with_whom", .string, .required)
            .field("check_in_note", .string, .required)
            .field("started_at", .datetime, .required)
            .field("expected_end", .datetime, .required)
            .field("last_check_in_at", .datetime)
            .field("checked_out_at", .datetime)
            .field("overdue_raised_at", .datetime)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by_id", .uuid)
            .field("acknowledgement", .string)
            .create()
        try await database.schema(VisitEscalation.schema)
            .id()
            .field("visit_id", .uuid, .required, .references(LoneWorkingVisit.schema, "id"))
            .field("step", .string, .required)
            .field("at", .datetime, .required)
            .field("by_id", .uuid, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "visits_open").on(LoneWorkingVisit.schema).column("checked_out_at").column("expected_end").run()
        try await sql.create(index: "visits_region").on(LoneWorkingVisit.schema).column("region_id").column("checked_out_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(VisitEscalation.schema).delete()
        try await database.schema(LoneWorkingVisit.schema).delete()
    }
}
