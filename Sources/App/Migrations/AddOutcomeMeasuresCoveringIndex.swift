import Fluent
import SQLKit

/// A covering index for the annual report's outcomes: each closed case's entry and exit measures are read from
/// the index alone.
///
/// On PostgreSQL at 400,000 referrals the planner, expecting a look-up per case to cost a table read, chose
/// instead to read every one of the 760,000 measures twice and hash them (125 ms of a 201 ms region-year).
/// With the values in the index each look-up is an index-only probe, and it chose those (25 ms; `EXPLAIN
/// ANALYZE`). SQLite likewise reads the index alone instead of fetching each measure's row. The index it
/// replaces, on the case and stage alone, is its first two columns.
struct AddOutcomeMeasuresCoveringIndex: AsyncMigration {
    var name: String { "AddOutcomeMeasuresCoveringIndex" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "outcome_measures_report").on(OutcomeMeasure.schema)
            .column("case_id").column("stage").column("safety").column("mental_health").column("criminogenic_need")
            .column("missing_episodes").column("offences").column("county_lines_active").column("family_conflict")
            .column("eet").column("goal_progress")
            .run()
        try await sql.drop(index: "outcome_measures_case").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "outcome_measures_case").on(OutcomeMeasure.schema).column("case_id").column("stage").run()
        try await sql.drop(index: "outcome_measures_report").run()
    }
}
