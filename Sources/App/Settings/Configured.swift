import Foundation
import Vapor

/// A dependency that `configure` sets before the server takes requests (the settings, the data key, the write gate,
/// the audit queue, the metrics, the password policy). Reading one that was never set throws this rather than
/// stopping the process: a request answers 500 and is logged, a command fails with the message, and a test that
/// forgot a piece of set-up says which.
struct NotConfigured: Error, CustomStringConvertible {
    let dependency: String
    var description: String { "\(dependency) has not been set up: configure(_:settings:) sets it before use" }
}

extension Application {
    /// The value `configure` stored under `key`, or `NotConfigured` naming it.
    func configured<Key: StorageKey>(_ key: Key.Type, _ dependency: String) throws(NotConfigured) -> Key.Value {
        guard let value = storage[key] else { throw NotConfigured(dependency: dependency) }
        return value
    }
}
