import Fluent
import SQLKit
import Vapor

/// Fixed-window counters kept in the database, so a limit holds across every instance (ASVS v5.0.0-6.1.1).
///
/// Each hit is one statement that inserts or increments the counter and returns the new count: reading the count
/// and writing it back let 57 of 60 simultaneous requests through a limit of 20 on two instances, and the race to
/// insert a new key's row answered 500. SQLite and PostgreSQL both take `INSERT … ON CONFLICT … RETURNING`.
enum RateLimiter {
    /// Counts one attempt for `key`; returns the seconds to wait when the limit is already reached.
    static func hit(_ key: String, limit: Int, window: TimeInterval, req: Request) async throws -> Int? {
        let now = req.now
        let counted = try await req.write { db in
            try await count(key, window: window, now: now, on: db)
        }
        guard counted.count > limit else { return nil }
        return max(1, Int((window - now.timeIntervalSince(counted.windowStart)).rounded(.up)))
    }

    /// Takes back one attempt counted by `hit`: a limit on failures counts an attempt before its outcome is known
    /// (so that simultaneous attempts cannot all slip under it) and forgives the ones that succeed.
    static func forgive(_ key: String, req: Request) async throws {
        try await req.write { db in
            try await (db as! any SQLDatabase).update(RateLimitCounter.schema)
                .set("count", to: SQLRaw("CASE WHEN count > 0 THEN count - 1 ELSE 0 END"))
                .where("key", .equal, key).run()
        }
    }

    struct Counted: Decodable {
        let count: Int
        let windowStart: Date

        enum CodingKeys: String, CodingKey {
            case count
            case windowStart = "window_start"
        }
    }

    /// The counter after this hit: a window that has run out starts again at one.
    static func count(_ key: String, window: TimeInterval, now: Date, on db: any Database) async throws -> Counted {
        let sql = db as! any SQLDatabase
        let expired = now.addingTimeInterval(-window)
        let table = SQLIdentifier(RateLimitCounter.schema)
        let row = try await sql.raw("""
            INSERT INTO \(table) (id, key, window_start, count) VALUES (\(bind: UUID()), \(bind: key), \(bind: now), 1)
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN \(table).window_start <= \(bind: expired) THEN 1 ELSE \(table).count + 1 END,
                window_start = CASE WHEN \(table).window_start <= \(bind: expired) THEN \(bind: now) ELSE \(table).window_start END
            RETURNING count, window_start
            """).first(decoding: Counted.self)
        guard let row else { throw Abort(.internalServerError, reason: "The rate limit counter returned nothing") }
        return row
    }
}

struct TooManyAttempts: AbortError {
    let retryAfter: Int
    /// What the refused person should do instead, when "wait and try again" is not enough.
    var advice: String? = nil
    var status: HTTPResponseStatus { .tooManyRequests }
    var reason: String { "Too many attempts" }
    var headers: HTTPHeaders { ["Retry-After": String(retryAfter)] }
}
