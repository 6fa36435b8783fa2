import Domain
import Fluent
import Foundation
import SQLKit

/// Rows for one table written as multi-row INSERT statements with explicit columns (an optional value binds as
/// NULL).
///
/// The import and the demo generator write hundreds of thousands of rows. Fluent's `[Model].create` reads
/// every property of every model by reflection, which cost more than SQLite's own work (see docs/performance.md);
/// here each model lists its columns once and its values are read directly.
struct BulkInsert {
    let table: String
    let columns: [String]
    private(set) var rows: [[any SQLExpression]] = []

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ values: [any SQLExpression]) {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.append(values)
    }

    /// SQLite allows 32,766 bound values in a statement and PostgreSQL 65,535: stay well inside both.
    func run(on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        let sql = db as! any SQLDatabase
        let perStatement = max(1, min(500, 30_000 / columns.count))
        for chunk in rows.chunked(into: perStatement) {
            try await sql.insert(into: table).columns(columns).rows(Array(chunk)).run()
        }
    }
}

// The rows an import inserts, as column values built straight from a checked CSV row: a Fluent model allocates
// an object per property, and making a person, a referral, a case and two sets of measures per row that way was
// the larger part of an import's time outside SQLite.

extension Person {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "first_name", "last_name", "folded_first", "folded_last", "surname_key", "date_of_birth", "gender",
            "ethnicity", "home_local_authority", "first_region_id", "legal_hold", "do_not_text",
            "phone_may_be_controlled", "created_at",
        ])
    }

    /// A new young person named by an import row; contact details, safe contact and the rest start empty.
    static func importValues(_ row: ReferralRow, id: UUID, regionID: UUID, createdAt: Date) -> [any SQLExpression] {
        [SQLBind(id), SQLBind(row.firstName), SQLBind(row.lastName), SQLBind(NameFolding.fold(row.firstName)),
         SQLBind(NameFolding.fold(row.lastName)), SQLBind(Soundex.key(row.lastName)), SQLBind(row.dateOfBirth.description),
         SQLBind(row.gender), SQLBind(row.ethnicity), SQLBind(row.homeLocalAuthority), SQLBind(regionID),
         SQLBind(false), SQLBind(false), SQLBind(false), SQLBind(createdAt)]
    }
}

extension Referral {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "ref", "region_id", "service", "received_date", "referral_source", "referrer_organisation",
            "person_id", "first_name", "last_name", "date_of_birth", "age_at_referral", "gender", "ethnicity",
            "home_local_authority", "exploitation_types", "risk_indicators", "consent", "eligible",
            "ineligibility_reasons", "first_ineligibility_reason", "is_repeat", "status", "not_accepted_reason",
            "import_fingerprint", "created_at",
        ])
    }
}

extension SupportCase {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "region_id", "person_id", "referral_id", "opened_date", "closed_date", "closure_reason", "created_at",
        ])
    }

    /// A case an import row opened (and perhaps closed): historic, so it has no lead caseworker.
    static func importValues(_ row: ReferralRow, id: UUID, referralID: UUID, personID: UUID, regionID: UUID,
                             opened: CivilDate, createdAt: Date) -> [any SQLExpression] {
        [SQLBind(id), SQLBind(regionID), SQLBind(personID), SQLBind(referralID), SQLBind(opened.description),
         SQLBind(row.caseClosed?.description), SQLBind(row.closureReason), SQLBind(createdAt)]
    }
}

extension OutcomeMeasure {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "case_id", "stage", "recorded_on", "safety", "mental_health", "criminogenic_need", "missing_episodes",
            "offences", "county_lines_active", "family_conflict", "eet", "goal_progress", "source",
        ])
    }

    static func importValues(caseID: UUID, stage: Stage, on date: CivilDate, values: ReferralRow.Measures,
                             source: String) -> [any SQLExpression] {
        [SQLBind(OrderedID.make()), SQLBind(caseID), SQLBind(stage.rawValue), SQLBind(date.description), SQLBind(values.safety),
         SQLBind(values.mentalHealth), SQLBind(values.criminogenicNeed), SQLBind(values.missingEpisodes),
         SQLBind(values.offences), SQLBind(values.countyLinesActive), SQLBind(values.familyConflict), SQLBind(values.eet),
         SQLBind(values.goalProgress), SQLBind(source)]
    }
}

extension Rescue {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: ["id", "referral_id", "call_at", "arrived_at", "outcome"])
    }

    /// What the import knows of a historic rescue: it is finished, so it does not belong on the live rescue log.
    static func importValues(_ row: ReferralRow, referralID: UUID) -> [any SQLExpression] {
        [SQLBind(OrderedID.make()), SQLBind(referralID), SQLBind(row.rescueCallAt), SQLBind(row.rescueArrivedAt),
         SQLBind("not_recorded")]
    }
}
