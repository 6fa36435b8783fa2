import Fluent
import Foundation
import SQLKit

/// A one-row table whose token every write transaction replaced, so that case pages kept in memory could tell
/// they were out of date. The pages are no longer kept (`DropDataRevision`).
struct CreateDataRevision: AsyncMigration {
    var name: String { "CreateDataRevision" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(table: "data_revision")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("token", type: .text, .notNull)
            .run()
        try await sql.insert(into: "data_revision").columns("id", "token").values(SQLBind(1), SQLBind(UUID().uuidString)).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(table: "data_revision").run()
    }
}

/// Case pages are rendered for every view: a kept page was never reused under a real load (a contact written
/// anywhere replaced the token), and every write transaction paid one more statement on one hot row for it.
struct DropDataRevision: AsyncMigration {
    var name: String { "DropDataRevision" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(table: "data_revision").ifExists().run()
    }

    func revert(on database: any Database) async throws {
        try await CreateDataRevision().prepare(on: database)
    }
}
