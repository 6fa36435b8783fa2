import Fluent
import SQLKit

/// One index look-up per row for the import's exact person match (date of birth, folded last name, folded first
/// name), replacing the index on the date of birth alone, which is its first column.
///
/// The demo data has 1,800 distinct names among 250,000 young people (as a real service has its common names),
/// so matching through the name index read about 140 people's rows per import row to compare dates of birth:
/// at 400,000 referrals the benchmark's import ran at 4,187 rows a second without this index and 9,398 with it
/// (docs/performance.md, runs G and H). Person search's same-date and near-date queries use it too.
struct AddPeopleMatchIndex: AsyncMigration {
    var name: String { "AddPeopleMatchIndex" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "people_match").on(Person.schema)
            .column("date_of_birth").column("folded_last").column("folded_first").run()
        try await sql.drop(index: "people_date_of_birth").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "people_date_of_birth").on(Person.schema).column("date_of_birth").run()
        try await sql.drop(index: "people_match").run()
    }
}
