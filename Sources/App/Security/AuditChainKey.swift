import Crypto
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The key the audit chain is sealed with (HMAC-SHA256): from `REACHABLE_AUDIT_KEY`, or outside production a key
/// file generated once beside the data key. It is held apart from the database, so an insider who can write the
/// database (and recompute plain hashes) cannot make a rewritten chain verify.
///
/// Held for the process rather than passed: `Audit.append` is called inside transactions from every feature with
/// only a database at hand, and a process serves one application (tests share one fixed key).
enum AuditChainKey {
    /// Raw bytes: SymmetricKey itself is not Sendable.
    private static let current = NIOLockedValueBox<Data?>(nil)

    static var key: SymmetricKey? { current.withLockedValue { $0 }.map { SymmetricKey(data: $0) } }

    static func use(_ key: SymmetricKey) { current.withLockedValue { $0 = key.withUnsafeBytes { Data($0) } } }

    static func load(settings: Settings, environment: Environment, logger: Logger) throws -> SymmetricKey {
        if let encoded = settings.auditKey {
            // The same 32 bytes may be written in more than one way: compare what they decode to.
            guard Data(base64Encoded: encoded) != settings.dataKey.flatMap({ Data(base64Encoded: $0) }) else {
                throw SettingsError.invalid("REACHABLE_AUDIT_KEY", "another key than REACHABLE_DATA_KEY")
            }
            guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
                throw SettingsError.invalid("REACHABLE_AUDIT_KEY", "base64 of 32 random bytes (openssl rand -base64 32)")
            }
            return SymmetricKey(data: bytes)
        }
        guard environment != .production else { throw SettingsError.invalid("REACHABLE_AUDIT_KEY", "set in production") }
        let path = settings.dataDirectory + "/audit.key"
        let files = FileManager.default
        if let existing = files.contents(atPath: path), let bytes = Data(base64Encoded: existing), bytes.count == 32 {
            return SymmetricKey(data: bytes)
        }
        try files.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        guard files.createFile(atPath: path, contents: key.withUnsafeBytes { Data($0).base64EncodedData() },
                               attributes: [.posixPermissions: 0o600]) else {
            throw SettingsError.invalid("REACHABLE_DATA_DIR", "a folder this process can write")
        }
        logger.warning("No REACHABLE_AUDIT_KEY: generated a development audit key at \(path). Production needs a managed key.")
        return key
    }
}
