import Fluent
import SQLKit

/// The search box's first-name index (`PeopleSearch`): a young person found by the first name alone ("a boy
/// called Kai"), as `people_name` finds them by the last. Compared code point by code point on PostgreSQL, as the
/// ranges of a prefix need.
struct AddPeopleFirstNameIndex: AsyncMigration {
    var name: String { "AddPeopleFirstNameIndex" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE INDEX people_first ON people (folded_first COLLATE "C", folded_last, date_of_birth, id)
                """).run()
        } else {
            try await sql.create(index: "people_first").on(Person.schema)
                .column("folded_first").column("folded_last").column("date_of_birth").column("id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "people_first").run()
    }
}
