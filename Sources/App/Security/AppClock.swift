import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The one source of "now" for rules that depend on time (lockout, session expiry, set-up links),
/// so tests can move time forward instead of sleeping.
final class AppClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    func now() -> Date { Date().addingTimeInterval(offset.withLockedValue { $0 }) }

    /// Tests only: every later `now()` is this much further on.
    func advance(by seconds: TimeInterval) { offset.withLockedValue { $0 += seconds } }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }

    var clock: AppClock {
        if let clock = storage[ClockKey.self] { return clock }
        let clock = AppClock()
        storage[ClockKey.self] = clock
        return clock
    }
}

extension Request {
    var now: Date { application.clock.now() }
}
