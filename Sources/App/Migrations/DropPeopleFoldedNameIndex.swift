import Fluent
import SQLKit

/// Drops `people_folded_name` (folded last name, folded first name), which no query uses any more: person search's
/// near-date query (the same folded name on the dates a near match may have) is answered by `people_match`, which
/// leads with the date of birth and holds both names, one look-up per date, as SQLite's plan already chose with both
/// indexes there (`MatchingPlanTests`). Every new young person cost an insertion at a random place in it: 1,474 of
/// the 17,193 pages one 20,000-row import changed at 400,000 referrals (docs/performance.md, sessions 11 and 12).
struct DropPeopleFoldedNameIndex: AsyncMigration {
    var name: String { "DropPeopleFoldedNameIndex" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "people_folded_name").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "people_folded_name").on(Person.schema)
            .column("folded_last").column("folded_first").run()
    }
}
