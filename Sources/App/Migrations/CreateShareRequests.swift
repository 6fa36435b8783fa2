import Fluent
import SQLKit

struct CreateShareRequests: AsyncMigration {
    var name: String { "CreateShareRequests" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ShareRequest.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id"))
            .field("asking_region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("asking_person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("holding_region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("holding_person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("reason", .string, .required)
            .field("requested_by_id", .uuid, .required)
            .field("requested_at", .datetime, .required)
            .field("decided_by_id", .uuid)
            .field("decided_at", .datetime)
            .field("outcome", .string)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "share_requests_holding").on(ShareRequest.schema).column("holding_region_id").column("decided_at").run()
        try await sql.create(index: "share_requests_referral").on(ShareRequest.schema).column("referral_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ShareRequest.schema).delete()
    }
}
