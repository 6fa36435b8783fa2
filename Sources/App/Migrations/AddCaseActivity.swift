import Fluent
import SQLKit

/// `cases.last_contact_at` and `cases.last_measured_on` (`CaseActivity`), filled from the records, and the
/// covering index the dashboards count and list open cases from: by region, open or closed, lead, the two
/// dates, the day a closure was asked for (set only while it awaits approval) and the young person.
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
        try await sql.create(index: "cases_activity").on(SupportCase.schema)
            .column("region_id").column("closed_date").column("lead_caseworker_id").column("last_contact_at")
            .column("last_measured_on").column("opened_date").column("closure_requested_on").column("person_id").column("id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "cases_activity").run()
        try await sql.alter(table: SupportCase.schema).dropColumn("last_measured_on").run()
        try await sql.alter(table: SupportCase.schema).dropColumn("last_contact_at").run()
    }
}
