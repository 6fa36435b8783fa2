import Fluent
import SQLKit

struct CreatePendingRescues: AsyncMigration {
    var name: String { "CreatePendingRescues" }

    func prepare(on database: any Database) async throws {
        try await database.schema(PendingRescue.schema)
            .id()
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("call_at", .datetime, .required)
            .field("caller", .string, .required)
            .field("call_back_at", .datetime)
            .field("out_of_hours", .bool, .required)
            .field("found_place", .string)
            .field("police_force_area", .string)
            .field("dispatched_caseworker_id", .uuid, .required)
            .field("referral_source", .string, .required)
            .field("description", .string, .required)
            .field("approximate_age", .int, .required)
            .field("recorded_by_id", .uuid, .required)
            .field("recorded_at", .datetime, .required)
            .create()
        try await (database as! any SQLDatabase).create(index: "pending_rescues_region").on(PendingRescue.schema)
            .column("region_id").column("call_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PendingRescue.schema).delete()
    }
}
