import Fluent
import SQLKit

/// A lead's open cases counted from the index alone. With the lead alone in the index, counting the open cases of
/// a caseworker leading 14,000 read every one of their case rows for its closed date: 3–5 ms on every case page a
/// manager opened, at 400,000 referrals.
struct AddCaseloadIndex: AsyncMigration {
    var name: String { "AddCaseloadIndex" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "cases_lead").run()
        try await sql.create(index: "cases_lead").on(SupportCase.schema).column("lead_caseworker_id").column("closed_date").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "cases_lead").run()
        try await sql.create(index: "cases_lead").on(SupportCase.schema).column("lead_caseworker_id").run()
    }
}
