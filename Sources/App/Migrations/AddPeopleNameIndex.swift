import Fluent
import SQLKit

/// The search box's index (`PeopleSearch`): folded last name first, so a typed word's first letters are one range
/// of it, with the first name, date of birth and id beside it so that scoring candidates reads the index alone.
/// Compared code point by code point on PostgreSQL (`COLLATE "C"`), as SQLite compares text, so that the range of
/// a prefix is the same on both.
struct AddPeopleNameIndex: AsyncMigration {
    var name: String { "AddPeopleNameIndex" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE INDEX people_name ON people (folded_last COLLATE "C", folded_first, date_of_birth, id)
                """).run()
        } else {
            try await sql.create(index: "people_name").on(Person.schema)
                .column("folded_last").column("folded_first").column("date_of_birth").column("id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "people_name").run()
    }
}
