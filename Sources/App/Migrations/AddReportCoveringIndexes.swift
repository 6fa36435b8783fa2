import Fluent
import SQLKit

/// Covering indexes for the annual report, chosen from `EXPLAIN QUERY PLAN` at 400,000 referrals.
///
/// A referral row is wide (names, free text, fingerprints), so reading a year's referrals through an index on
/// the date alone fetched each row from a multi-gigabyte table: a region-year took 175 ms and ten years of all
/// regions 4.2 s. These indexes hold every column the report reads, so its queries read the index alone. They
/// lead with the region: a report of all regions names every region (`region_id IN (…)`), which SQLite
/// and PostgreSQL both answer with one range per region.
struct AddReportCoveringIndexes: AsyncMigration {
    var name: String { "AddReportCoveringIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "referrals_report").on(Referral.schema)
            .column("region_id").column("received_date").column("service").column("eligible")
            .column("first_ineligibility_reason").column("age_at_referral").column("gender").column("ethnicity")
            .column("referral_source").column("home_local_authority").column("person_id").column("id")
            .run()
        try await sql.create(index: "cases_report").on(SupportCase.schema)
            .column("region_id").column("closed_date").column("id").run()
        // The indexes these extend serve every query they served before (they are their first columns): keeping
        // them would only cost every import and every new referral or case a second, redundant index write.
        for name in ["referrals_region_received", "cases_region_closed"] { try await sql.drop(index: name).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "referrals_region_received").on(Referral.schema)
            .column("region_id").column("received_date").run()
        try await sql.create(index: "cases_region_closed").on(SupportCase.schema)
            .column("region_id").column("closed_date").run()
        for name in ["referrals_report", "cases_report"] { try await sql.drop(index: name).run() }
    }
}
