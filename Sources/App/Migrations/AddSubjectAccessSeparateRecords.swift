import Fluent

/// A national lead may judge that another region's record of the same name and date of birth is another young
/// person: the export then leaves such records out.
struct AddSubjectAccessSeparateRecords: AsyncMigration {
    var name: String { "AddSubjectAccessSeparateRecords" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SubjectAccessRequest.schema)
            .field("separate_records_excluded", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SubjectAccessRequest.schema).deleteField("separate_records_excluded").update()
    }
}
