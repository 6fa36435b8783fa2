import Fluent
import SQLKit

/// People, referrals, cases, outcome measures, rescues and outreach sessions: the records reports are made of.
/// Indexes follow the queries: matching by date of birth, lists by region and date, reports by region and date.
struct CreateCasework: AsyncMigration {
    var name: String { "CreateCasework" }

    func prepare(on database: any Database) async throws {
        try await database.schema(Person.schema)
            .id()
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("folded_first", .string, .required)
            .field("folded_last", .string, .required)
            .field("surname_key", .string, .required)
            .field("date_of_birth", .string, .required)
            .field("gender", .string, .required)
            .field("ethnicity", .string)
            .field("home_local_authority", .string, .required)
            .field("contact_details", .string)
            .field("first_region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("merged_into_id", .uuid)
            .field("created_at", .datetime)
            .create()
        try await database.schema(PersonAlias.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("name", .string, .required)
            .field("folded", .string, .required)
            .create()
        try await database.schema(Referral.schema)
            .id()
            .field("ref", .string, .required)
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("service", .string, .required)
            .field("received_date", .string, .required)
            .field("referral_source", .string, .required)
            .field("referrer_organisation", .string)
            .field("referrer_contact", .string)
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("date_of_birth", .string, .required)
            .field("age_at_referral", .int, .required)
            .field("gender", .string, .required)
            .field("ethnicity", .string)
            .field("home_local_authority", .string, .required)
            .field("exploitation_types", .string, .required)
            .field("risk_indicators", .string, .required)
            .field("consent", .string, .required)
            .field("concerns", .string)
            .field("eligible", .bool, .required)
            .field("ineligibility_reasons", .string, .required)
            .field("first_ineligibility_reason", .string)
            .field("is_repeat", .bool, .required)
            .field("status", .string, .required)
            .field("screened_by_id", .uuid)
            .field("screened_at", .datetime)
            .field("not_accepted_reason", .string)
            .field("signposted_to", .string)
            .field("signposted_on", .string)
            .field("created_by_id", .uuid)
            .field("import_fingerprint", .string)
            .field("created_at", .datetime)
            .unique(on: "ref")
            .create()
        try await database.schema(ReferralExploitationType.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id"))
            .field("code", .string, .required)
            .unique(on: "referral_id", "code")
            .create()
        try await database.schema(SupportCase.schema)
            .id()
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id"))
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id"))
            .field("lead_caseworker_id", .uuid, .references(User.schema, "id"))
            .field("opened_date", .string, .required)
            .field("closed_date", .string)
            .field("closure_reason", .string)
            .field("created_at", .datetime)
            .unique(on: "referral_id")
            .create()
        try await database.schema(OutcomeMeasure.schema)
            .id()
            .field("case_id", .uuid, .required, .references(SupportCase.schema, "id"))
            .field("stage", .string, .required)
            .field("recorded_on", .string, .required)
            .field("safety", .int)
            .field("mental_health", .int)
            .field("criminogenic_need", .int)
            .field("missing_episodes", .int)
            .field("offences", .int)
            .field("county_lines_active", .bool)
            .field("family_conflict", .bool)
            .field("eet", .bool)
            .field("goal_progress", .string)
            .field("source", .string, .required)
            .create()
        try await database.schema(Rescue.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id"))
            .field("call_at", .datetime)
            .field("arrived_at", .datetime)
            .unique(on: "referral_id")
            .create()
        try await database.schema(OutreachSession.schema)
            .id()
            .field("ref", .string, .required)
            .field("date", .string, .required)
            .field("region_id", .uuid, .required, .references(Region.schema, "id"))
            .field("audience", .string, .required)
            .field("organisation", .string)
            .field("topic", .string)
            .field("attendees", .int, .required)
            .unique(on: "ref")
            .create()

        let sql = database as! any SQLDatabase
        let indexes: [(String, String, [String])] = [
            ("people_date_of_birth", Person.schema, ["date_of_birth"]),
            ("people_folded_name", Person.schema, ["folded_last", "folded_first"]),
            ("person_aliases_folded", PersonAlias.schema, ["folded"]),
            ("person_aliases_person", PersonAlias.schema, ["person_id"]),
            ("referrals_region_received", Referral.schema, ["region_id", "received_date"]),
            ("referrals_person", Referral.schema, ["person_id"]),
            ("referrals_status", Referral.schema, ["region_id", "status", "received_date"]),
            ("referral_types_referral", ReferralExploitationType.schema, ["referral_id"]),
            ("cases_region_closed", SupportCase.schema, ["region_id", "closed_date"]),
            ("cases_person", SupportCase.schema, ["person_id", "closed_date"]),
            ("cases_lead", SupportCase.schema, ["lead_caseworker_id"]),
            ("outcome_measures_case", OutcomeMeasure.schema, ["case_id", "stage"]),
            ("outreach_region_date", OutreachSession.schema, ["region_id", "date"]),
        ]
        for (name, table, columns) in indexes {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [OutreachSession.schema, Rescue.schema, OutcomeMeasure.schema, SupportCase.schema,
                       ReferralExploitationType.schema, Referral.schema, PersonAlias.schema, Person.schema] {
            try await database.schema(schema).delete()
        }
    }
}
