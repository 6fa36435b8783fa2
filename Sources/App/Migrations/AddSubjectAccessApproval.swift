import Fluent

/// A subject-access export that includes another region's records needs a national lead's approval.
/// Requests opened before this rule count as covering their own region only.
struct AddSubjectAccessApproval: AsyncMigration {
    var name: String { "AddSubjectAccessApproval" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema(SubjectAccessRequest.schema).field("other_regions", .string, .required, .sql(.default(""))).update()
        try await database.schema(SubjectAccessRequest.schema).field("approved_by_id", .uuid).update()
        try await database.schema(SubjectAccessRequest.schema).field("approved_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["approved_at", "approved_by_id", "other_regions"] {
            try await database.schema(SubjectAccessRequest.schema).deleteField(.string(field)).update()
        }
    }
}
