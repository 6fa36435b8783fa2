import Fluent
import Foundation
import SQLKit

struct CreatePartnerReferrals: AsyncMigration {
    var name: String { "CreatePartnerReferrals" }

    /// The domains a new service starts with: police forces, central and local government, the NHS, schools.
    static let seededDomains = ["police.uk", "gov.uk", "nhs.net", "nhs.uk", "sch.uk"]

    func prepare(on database: any Database) async throws {
        try await database.schema(PartnerReferral.schema)
            .id()
            .field("ref", .string, .required)
            .field("region_id", .uuid, .references(Region.schema, "id"))
            .field("path", .string, .required)
            .field("routed_by", .string, .required)
            .field("received_at", .datetime, .required)
            .field("call_back_due", .datetime, .required)
            .field("called_back_at", .datetime)
            .field("called_back_by_id", .uuid)
            .field("overdue_raised_at", .datetime)
            .field("status", .string, .required)
            .field("content", .string)
            .field("email_domain", .string)
            .field("listed_domain", .string)
            .field("referral_id", .uuid)
            .field("closed_by_id", .uuid)
            .field("closed_at", .datetime)
            .field("submission_key", .string)
            .unique(on: "ref")
            .unique(on: "submission_key")
            .create()
        let sql = database as! any SQLDatabase
        // The triage list, the dashboard's clock and every triager's banner read a region's open ones: those not yet
        // called back, by due time, and those awaiting triage.
        try await sql.create(index: "partner_referrals_call_back").on(PartnerReferral.schema)
            .column("region_id").column("called_back_at").column("call_back_due").run()
        try await sql.create(index: "partner_referrals_waiting").on(PartnerReferral.schema)
            .column("region_id").column("status").run()
        try await sql.create(index: "partner_referrals_referral").on(PartnerReferral.schema).column("referral_id").run()
        try await database.schema(PartnerDomain.schema)
            .id()
            .field("domain", .string, .required)
            .field("added_at", .datetime, .required)
            .unique(on: "domain")
            .create()
        for domain in Self.seededDomains {
            try await PartnerDomain(domain: domain, addedAt: Date()).create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PartnerDomain.schema).delete()
        try await database.schema(PartnerReferral.schema).delete()
    }
}
