import Fluent
import SQLKit

struct CreatePathway: AsyncMigration {
    var name: String { "CreatePathway" }

    func prepare(on database: any Database) async throws {
        try await database.schema(WheelAssessment.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("stage", .string, .required)
            .field("assessed_on", .string, .required)
            .field("assessed_by_id", .uuid, .required)
            .create()
        try await database.schema(WheelScore.schema)
            .id()
            .field("assessment_id", .uuid, .required, .references(WheelAssessment.schema, "id"))
            .field("area", .string, .required)
            .field("score", .int, .required)
            .create()
        try await database.schema(Goal.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("area", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("progress", .int, .required)
            .field("created_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "wheel_assessments_case").on(WheelAssessment.schema).column("case_id").run()
        try await sql.create(index: "wheel_scores_assessment").on(WheelScore.schema).column("assessment_id").run()
        try await sql.create(index: "goals_case").on(Goal.schema).column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Goal.schema).delete()
        try await database.schema(WheelScore.schema).delete()
        try await database.schema(WheelAssessment.schema).delete()
    }
}
