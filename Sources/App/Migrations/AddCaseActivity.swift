import Fluent
import SQLKit

/// `cases.last_contact_at` and `cases.last_measured_on` (`CaseActivity`), filled from the records, and the
/// covering index the dashboards count open cases from: by region, open or closed, lead, and the two dates; and
/// a partial index of the cases awaiting a manager's approval to close.
struct AddCaseActivity: AsyncMigration {
    var name: String { "AddCaseActivity" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.alter(table: SupportCase.schema).column("last_contact_at", type: .timestamp).run()
        try await sql.alter(table: SupportCase.schema).column("last_measured_on", type: .text).run()
        try await sql.raw("""
            UPDATE cases SET
              last_contact_at = (SELECT max(k.happened_at) FROM contacts k WHERE k.case_id = cases.id),
              last_measured_on = (SELECT max(m.recorded_on) FROM outcome_measures m WHERE m.case_id = cases.id)
            """).run()
        try await sql.create(index: "cases_activity").on(SupportCase.schema)
            .column("region_id").column("closed_date").column("lead_caseworker_id").column("last_contact_at")
            .column("last_measured_on").column("opened_date").run()
        // A handful of cases at a time await a manager's approval to close.
        try await sql.raw("""
            CREATE INDEX cases_closure_requested ON cases (region_id, lead_caseworker_id)
            WHERE closure_requested_reason IS NOT NULL AND closed_date IS NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "cases_closure_requested").run()
        try await sql.drop(index: "cases_activity").run()
        try await sql.alter(table: SupportCase.schema).dropColumn("last_measured_on").run()
        try await sql.alter(table: SupportCase.schema).dropColumn("last_contact_at").run()
    }
}
