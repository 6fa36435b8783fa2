import Domain
import Fluent
import SQLKit

struct CreateStaffRecords: AsyncMigration {
    var name: String { "CreateStaffRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(StaffProfile.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("capacity", .int, .required)
            .field("specialisms", .string, .required)
            .unique(on: "user_id")
            .create()
        try await database.schema(Absence.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("kind", .string, .required)
            .field("from_date", .string, .required)
            .field("to_date", .string)
            .create()
        try await database.schema(TrainingRecord.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("course", .string, .required)
            .field("external", .bool, .required)
            .field("provider", .string)
            .field("completed_on", .string, .required)
            .field("renewal_due", .string)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "absences_user").on(Absence.schema).column("user_id").run()
        try await sql.create(index: "training_user").on(TrainingRecord.schema).column("user_id").run()
        try await sql.create(index: "training_renewal").on(TrainingRecord.schema).column("renewal_due").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TrainingRecord.schema).delete()
        try await database.schema(Absence.schema).delete()
        try await database.schema(StaffProfile.schema).delete()
    }
}
