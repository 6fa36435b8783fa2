import Fluent
import Foundation
import SQLKit

/// The annual report reads a referral's repeat flag and exploitation types from the referral row, through a
/// covering index that holds them.
///
/// At 100,000 referrals four in five of the report's index look-ups were per referral: whether the young person
/// had an earlier closed case (now the `is_repeat` flag every write path keeps), and the referral's exploitation
/// types (a join to `referral_exploitation_types`, one row per code, which held nothing the referral's own
/// `exploitation_types` list, written in the same transaction, did not). With both columns in the index, the
/// referrals of a region-year are read from the index alone, and the table of codes, read by nothing else,
/// is dropped: every import and every new referral wrote it. So is an index on the closing date alone.
struct ReportFromReferralRow: AsyncMigration {
    var name: String { "ReportFromReferralRow" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "referrals_report_v2").on(Referral.schema)
            .column("region_id").column("received_date").column("service").column("eligible")
            .column("first_ineligibility_reason").column("age_at_referral").column("gender").column("ethnicity")
            .column("referral_source").column("home_local_authority").column("is_repeat").column("exploitation_types")
            .column("id")
            .run()
        try await sql.drop(index: "referrals_report").run()
        try await database.schema(ReferralExploitationType.schema).delete()
        // An index on the closing date alone served reports of all regions when those did not name each region;
        // they now do, so it only cost each new case a write. (`referrals_received` stays: lists of every region's
        // referrals, for a national lead, are ordered by that date.)
        try await sql.drop(index: "cases_closed").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "cases_closed").on(SupportCase.schema).column("closed_date").run()
        try await database.schema(ReferralExploitationType.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id"))
            .field("code", .string, .required)
            .unique(on: "referral_id", "code")
            .create()
        try await sql.create(index: "referral_types_referral").on(ReferralExploitationType.schema).column("referral_id").run()
        struct Row: Decodable { let id: UUID; let exploitation_types: String }
        var rows = BulkInsert(table: ReferralExploitationType.schema, columns: ["id", "referral_id", "code"])
        for referral in try await sql.select().columns("id", "exploitation_types").from(Referral.schema).all(decoding: Row.self) {
            for code in referral.exploitation_types.split(separator: ";") {
                rows.append([BulkValue(UUID()), BulkValue(referral.id), BulkValue(String(code))])
            }
        }
        try await rows.run(on: database)
        try await sql.create(index: "referrals_report").on(Referral.schema)
            .column("region_id").column("received_date").column("service").column("eligible")
            .column("first_ineligibility_reason").column("age_at_referral").column("gender").column("ethnicity")
            .column("referral_source").column("home_local_authority").column("person_id").column("id")
            .run()
        try await sql.drop(index: "referrals_report_v2").run()
    }
}
