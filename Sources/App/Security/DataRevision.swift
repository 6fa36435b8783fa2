import Fluent
import Foundation
import SQLKit
import Vapor

/// A token that every write transaction replaces, inside that transaction, so that a page rendered after reading
/// token T shows what the records held at T or later. Pages kept in memory are keyed by it (`RenderedCasePages`):
/// several instances on one database see each other's writes through it, which an in-process counter would not.
///
/// A random token rather than a counter: after a backup is restored the token is the one the backup's state had,
/// and a counter could meet the same number again on a different history.
///
/// On PostgreSQL the row is held from that last statement to the commit, so write transactions commit one at a
/// time; most already did, behind the audit chain's lock, and Reachable's writes are few and short.
///
/// Anything that writes to the database without going through `WriteGate` must replace it too
/// (`UPDATE data_revision SET token = <something new>`); docs/deploy.md §7 says so for repairs by hand.
enum DataRevision {
    static let schema = "data_revision"

    static func current(on db: any Database) async throws -> String {
        struct Row: Decodable { let token: String }
        let row = try await (db as! any SQLDatabase).raw("SELECT token FROM data_revision WHERE id = 1").first(decoding: Row.self)
        // No row means the table was emptied by hand: nothing may be cached, so every read is its own revision.
        return row?.token ?? "missing-" + UUID().uuidString
    }

    /// The token as this request's session was read with it (`SessionLoader`), else read now.
    static func current(for req: Request) async throws -> String {
        if let revision = req.storage[RequestKey.self] { return revision }
        return try await current(on: req.db)
    }

    struct RequestKey: StorageKey { typealias Value = String }

    /// Called by `WriteGate` as the last statement of each write transaction that changes records.
    static func advance(on db: any Database) async throws {
        try await (db as! any SQLDatabase).update(schema).set("token", to: UUID().uuidString).where("id", .equal, 1).run()
    }
}
