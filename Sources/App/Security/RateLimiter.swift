import Fluent
import Vapor

/// Fixed-window counters kept in the database, so a limit holds across every instance (ASVS v5.0.0-6.1.1).
enum RateLimiter {
    /// Counts one attempt for `key`; returns the seconds to wait when the limit is already reached.
    static func hit(_ key: String, limit: Int, window: TimeInterval, req: Request) async throws -> Int? {
        let now = req.now
        return try await req.write { db in
            if let counter = try await RateLimitCounter.query(on: db).filter(\.$key == key).first() {
                if now.timeIntervalSince(counter.windowStart) >= window {
                    counter.windowStart = now
                    counter.count = 1
                } else if counter.count >= limit {
                    return max(1, Int(window - now.timeIntervalSince(counter.windowStart)))
                } else {
                    counter.count += 1
                }
                try await counter.update(on: db)
            } else {
                try await RateLimitCounter(key: key, windowStart: now, count: 1).create(on: db)
            }
            return nil
        }
    }
}

struct TooManyAttempts: AbortError {
    let retryAfter: Int
    var status: HTTPResponseStatus { .tooManyRequests }
    var reason: String { "Too many attempts" }
    var headers: HTTPHeaders { ["Retry-After": String(retryAfter)] }
}
