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

extension Person {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "first_name", "last_name", "folded_first", "folded_last", "surname_key", "date_of_birth", "gender",
            "ethnicity", "home_local_authority", "first_region_id", "legal_hold", "do_not_text",
            "phone_may_be_controlled", "created_at",
        ])
    }

    /// Only what `Person.make` sets: contact details, safe contact and the rest start empty.
    var bulkValues: [any SQLExpression] {
        [SQLBind(id!), SQLBind(firstName), SQLBind(lastName), SQLBind(foldedFirst), SQLBind(foldedLast),
         SQLBind(surnameKey), SQLBind(dateOfBirth), SQLBind(gender), SQLBind(ethnicity), SQLBind(homeLocalAuthority),
         SQLBind($firstRegion.id), SQLBind(legalHold), SQLBind(doNotText), SQLBind(phoneMayBeControlled),
         SQLBind(createdAt ?? Date())]
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

    /// What the import fills: a referral keyed in on the form is written by Fluent as usual.
    var bulkValues: [any SQLExpression] {
        [SQLBind(id!), SQLBind(ref), SQLBind($region.id), SQLBind(service), SQLBind(receivedDate), SQLBind(referralSource),
         SQLBind(referrerOrganisation), SQLBind($person.id), SQLBind(firstName), SQLBind(lastName), SQLBind(dateOfBirth),
         SQLBind(ageAtReferral), SQLBind(gender), SQLBind(ethnicity), SQLBind(homeLocalAuthority),
         SQLBind(exploitationTypes), SQLBind(riskIndicators), SQLBind(consent), SQLBind(eligible),
         SQLBind(ineligibilityReasons), SQLBind(firstIneligibilityReason), SQLBind(isRepeat), SQLBind(status.rawValue),
         SQLBind(notAcceptedReason), SQLBind(importFingerprint), SQLBind(createdAt ?? Date())]
    }
}

extension ReferralExploitationType {
    static func bulk() -> BulkInsert { BulkInsert(table: schema, columns: ["id", "referral_id", "code"]) }

    var bulkValues: [any SQLExpression] { [SQLBind(id ?? UUID()), SQLBind($referral.id), SQLBind(code)] }
}

extension SupportCase {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "region_id", "person_id", "referral_id", "lead_caseworker_id", "opened_date", "closed_date",
            "closure_reason", "created_at",
        ])
    }

    var bulkValues: [any SQLExpression] {
        [SQLBind(id!), SQLBind($region.id), SQLBind($person.id), SQLBind($referral.id), SQLBind($leadCaseworker.id),
         SQLBind(openedDate), SQLBind(closedDate), SQLBind(closureReason), SQLBind(createdAt ?? Date())]
    }
}

extension OutcomeMeasure {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "case_id", "stage", "recorded_on", "safety", "mental_health", "criminogenic_need", "missing_episodes",
            "offences", "county_lines_active", "family_conflict", "eet", "goal_progress", "source",
        ])
    }

    var bulkValues: [any SQLExpression] {
        [SQLBind(id ?? UUID()), SQLBind($supportCase.id), SQLBind(stage.rawValue), SQLBind(recordedOn), SQLBind(safety),
         SQLBind(mentalHealth), SQLBind(criminogenicNeed), SQLBind(missingEpisodes), SQLBind(offences), SQLBind(countyLinesActive),
         SQLBind(familyConflict), SQLBind(eet), SQLBind(goalProgress), SQLBind(source)]
    }
}

extension Rescue {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: ["id", "referral_id", "call_at", "arrived_at", "outcome"])
    }

    /// What the import knows of a historic rescue.
    var bulkValues: [any SQLExpression] {
        [SQLBind(id ?? UUID()), SQLBind($referral.id), SQLBind(callAt), SQLBind(arrivedAt), SQLBind(outcome)]
    }
}
