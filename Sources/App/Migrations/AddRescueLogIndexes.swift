import Fluent
import SQLKit

/// The rescue log reads rescues under way (a handful) and finished ones newest first, a page at a time. It once
/// loaded every rescue referral of the scope: 0.8 s for a region and 3.4 s for a national lead at 400,000
/// referrals. A partial index holds only the rescues under way; another orders them all by the call.
struct AddRescueLogIndexes: AsyncMigration {
    var name: String { "AddRescueLogIndexes" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX rescues_open ON rescues (call_at) WHERE outcome IS NULL").run()
        try await sql.create(index: "rescues_call").on(Rescue.schema).column("call_at").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "rescues_open").run()
        try await sql.drop(index: "rescues_call").run()
    }
}
