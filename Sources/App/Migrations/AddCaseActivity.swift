import Fluent
import SQLKit

/// `cases.last_contact_at` and `cases.last_measured_on` (`CaseActivity`), filled from the records, and the
/// covering index of open cases the dashboards count and list them from: by region, lead, the two dates, the
/// day a closure was asked for (set only while it awaits approval) and the young person.
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
        // A closure awaiting approval is one with a request date: the date was once left behind when the case closed.
        try await sql.update(SupportCase.schema).set("closure_requested_on", to: SQLLiteral.null)
            .where("closure_requested_reason", .is, SQLLiteral.null).run()
        // Open cases only: the dashboards and lists never read a closed one from it, and an import of a service's
        // history (closed cases, mostly) then writes no entry for them.
        try await sql.raw("""
            CREATE INDEX cases_activity ON cases (region_id, closed_date, lead_caseworker_id, last_contact_at,
              last_measured_on, opened_date, closure_requested_on, person_id, id) WHERE closed_date IS NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "cases_activity").run()
        try await sql.alter(table: SupportCase.schema).dropColumn("last_measured_on").run()
        try await sql.alter(table: SupportCase.schema).dropColumn("last_contact_at").run()
    }
}
