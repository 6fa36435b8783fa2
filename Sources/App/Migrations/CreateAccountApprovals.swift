import Fluent
import SQLKit

struct CreateAccountApprovals: AsyncMigration {
    var name: String { "CreateAccountApprovals" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AccountApproval.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("kind", .string, .required)
            .field("role", .string, .required)
            .field("region_id", .uuid, .references(Region.schema, "id"))
            .field("requested_by_id", .uuid, .required)
            .field("requested_at", .datetime, .required)
            .field("decided_by_id", .uuid)
            .field("decided_at", .datetime)
            .field("outcome", .string)
            .create()
        try await (database as! any SQLDatabase).create(index: "account_approvals_pending").on(AccountApproval.schema)
            .column("decided_at").column("requested_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccountApproval.schema).delete()
    }
}
