import Domain
import Fluent
import Foundation
import SQLKit

/// Folds again every stored name with a letter outside ASCII. Folding once kept only ASCII letters, so a name in
/// Cyrillic, Arabic or Chinese was stored with an empty key and matched every other such name born the same day;
/// `NameFolding` now keeps every script's letters. Young people already joined by the empty key stay joined: a
/// manager can find them (their referrals carry different names) and separate them by hand.
///
/// Names in plain ASCII fold as before and are not read. Each batch of rows is written in its own transaction; a
/// run stopped part-way is recorded as not run, and the next run folds the same names to the same keys again.
struct RefoldNamesOfEveryScript: AsyncMigration {
    var name: String { "RefoldNamesOfEveryScript" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        // A character outside printable ASCII, in each database's pattern language.
        func outsideASCII(_ column: String) -> SQLRaw {
            sql.dialect.name == "postgresql" ? SQLRaw("\(column) ~ '[^ -~]'") : SQLRaw("\(column) GLOB '*[^ -~]*'")
        }
        struct Named: Decodable { let id: UUID; let first_name: String; let last_name: String }
        let people = try await sql.select().columns("id", "first_name", "last_name").from(Person.schema)
            .where(outsideASCII("first_name")).orWhere(outsideASCII("last_name")).all(decoding: Named.self)
        for batch in people.chunked(into: 500) {
            try await database.transaction { transaction in
                let sql = transaction as! any SQLDatabase
                for person in batch {
                    try await sql.update(Person.schema)
                        .set("folded_first", to: NameFolding.fold(person.first_name))
                        .set("folded_last", to: NameFolding.fold(person.last_name))
                        .set("surname_key", to: Soundex.key(person.last_name))
                        .where("id", .equal, person.id).run()
                }
            }
        }
        struct Alias: Decodable { let id: UUID; let name: String }
        let aliases = try await sql.select().columns("id", "name").from(PersonAlias.schema)
            .where(outsideASCII("name")).all(decoding: Alias.self)
        for batch in aliases.chunked(into: 500) {
            try await database.transaction { transaction in
                let sql = transaction as! any SQLDatabase
                for alias in batch {
                    try await sql.update(PersonAlias.schema).set("folded", to: NameFolding.fold(alias.name))
                        .where("id", .equal, alias.id).run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {}
}
