import Fluent
import SQLKit

struct CreateDataProtection: AsyncMigration {
    var name: String { "CreateDataProtection" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SubjectAccessRequest.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("received_on", .string, .required)
            .field("due_on", .string, .required)
            .field("completed_on", .string)
            .field("requester", .string, .required)
            .field("requested_by_id", .uuid, .required)
            .create()
        try await database.schema(InformationShare.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("shared_on", .string, .required)
            .field("agency", .string, .required)
            .field("what", .string, .required)
            .field("why", .string, .required)
            .field("lawful_basis", .string, .required)
            .field("consent_sought", .bool, .required)
            .field("recorded_by_id", .uuid, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "subject_access_region").on(SubjectAccessRequest.schema).column("region_id").column("completed_on").run()
        try await sql.create(index: "information_shares_region").on(InformationShare.schema).column("region_id").column("shared_on").run()
        try await sql.create(index: "information_shares_person").on(InformationShare.schema).column("person_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InformationShare.schema).delete()
        try await database.schema(SubjectAccessRequest.schema).delete()
    }
}
