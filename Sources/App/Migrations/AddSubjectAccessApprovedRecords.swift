import Fluent

/// A national lead approves an export of particular records, not of regions: which ones, kept with the approval.
struct AddSubjectAccessApprovedRecords: AsyncMigration {
    var name: String { "AddSubjectAccessApprovedRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SubjectAccessRequest.schema).field("approved_records", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SubjectAccessRequest.schema).deleteField("approved_records").update()
    }
}
