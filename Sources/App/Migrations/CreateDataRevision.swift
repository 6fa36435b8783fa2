import Fluent
import Foundation
import SQLKit

/// The one-row table behind `DataRevision`.
struct CreateDataRevision: AsyncMigration {
    var name: String { "CreateDataRevision" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(table: DataRevision.schema)
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("token", type: .text, .notNull)
            .run()
        try await sql.insert(into: DataRevision.schema).columns("id", "token").values(SQLBind(1), SQLBind(UUID().uuidString)).run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(table: DataRevision.schema).run()
    }
}
