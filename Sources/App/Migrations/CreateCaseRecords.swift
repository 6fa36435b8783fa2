import Fluent
import SQLKit

/// Assignments, contacts and risk ratings on cases; closure awaiting approval; safe-contact details on people.
struct CreateCaseRecords: AsyncMigration {
    var name: String { "CreateCaseRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(CaseAssignment.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("caseworker_id", .uuid, .required, .references(User.schema, "id"))
            .field("assigned_at", .datetime, .required)
            .field("assigned_by_id", .uuid, .required)
            .create()
        try await database.schema(Contact.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("happened_at", .datetime, .required)
            .field("kind", .string, .required)
            .field("duration_minutes", .int, .required)
            .field("present", .string, .required)
            .field("notes", .string)
            .field("sensitive", .bool, .required)
            .field("recorded_by_id", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(RiskRating.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("rating", .string, .required)
            .field("reason", .string, .required)
            .field("rated_at", .datetime, .required)
            .field("rated_by_id", .uuid, .required)
            .create()
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (column, type) in [("closure_requested_reason", DatabaseSchema.DataType.string), ("closure_requested_by_id", .uuid),
                               ("closure_requested_on", .string)] {
            try await database.schema(SupportCase.schema).field(FieldKey(stringLiteral: column), type).update()
        }
        for (column, type) in [("safe_contact", DatabaseSchema.DataType.string)] {
            try await database.schema(Person.schema).field(FieldKey(stringLiteral: column), type).update()
        }
        try await database.schema(Person.schema).field("do_not_text", .bool, .required, .sql(.default(false))).update()
        try await database.schema(Person.schema).field("phone_may_be_controlled", .bool, .required, .sql(.default(false))).update()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "contacts_case").on(Contact.schema).column("case_id").column("happened_at").run()
        try await sql.create(index: "risk_ratings_case").on(RiskRating.schema).column("case_id").column("rated_at").run()
        try await sql.create(index: "case_assignments_case").on(CaseAssignment.schema).column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RiskRating.schema).delete()
        try await database.schema(Contact.schema).delete()
        try await database.schema(CaseAssignment.schema).delete()
    }
}
