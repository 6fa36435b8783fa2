import Crypto
import Foundation
import Vapor

/// Seals narrative fields and TOTP seeds with AES-256-GCM (ASVS v5.0.0-11.3). Each sealed value names its key
/// (`v1.<key id>.<base64>`), so values sealed under an older key still open while a rotation re-seals them.
struct FieldCipher: Sendable {
    private let currentID: String
    /// Raw key bytes by id (SymmetricKey itself is not Sendable).
    private let keys: [String: Data]

    init(currentKey: SymmetricKey, olderKeys: [SymmetricKey] = []) {
        currentID = Self.identifier(of: currentKey)
        var keys: [String: Data] = [:]
        for key in [currentKey] + olderKeys {
            keys[Self.identifier(of: key)] = key.withUnsafeBytes { Data($0) }
        }
        self.keys = keys
    }

    /// A key's id is the start of a hash of it: it names the key without revealing it.
    static func identifier(of key: SymmetricKey) -> String {
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data("reachable-key-id".utf8) + Data($0)) }
        return Hex.lowercase(digest.prefix(4))
    }

    /// The id of the key that seals new values.
    var currentKeyID: String { currentID }

    /// The ids of every key this cipher opens with.
    var keyIDs: Set<String> { Set(keys.keys) }

    /// The id of the key a sealed value names, if it is a sealed value.
    static func keyID(of sealed: String) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 2)
        return parts.count == 3 && parts[0] == "v1" ? String(parts[1]) : nil
    }

    /// A key for another purpose (`purpose` names it), derived from the current data key with HKDF, so that one
    /// secret in the environment serves both and neither reveals the other.
    func derivedKey(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: keys[currentID]!), info: Data(purpose.utf8), outputByteCount: 32)
    }

    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: SymmetricKey(data: keys[currentID]!))
        guard let combined = box.combined else { throw Abort(.internalServerError, reason: "AES-GCM sealing failed") }
        return "v1.\(currentID).\(combined.base64EncodedString())"
    }

    func open(_ sealed: String) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let key = keys[parts[1]], let data = Data(base64Encoded: parts[2]) else {
            throw Abort(.internalServerError, reason: "A sealed field names a key this server does not hold")
        }
        let plaintext = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: SymmetricKey(data: key))
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// Seals bytes (an attachment's chunk) under the current key, bound to `context` as additional data so that a
    /// chunk opens only in its own place. Answers the key's id with the sealed bytes (nonce, ciphertext, tag).
    func sealBytes(_ plaintext: some DataProtocol, context: String) throws -> (keyID: String, sealed: Data) {
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: keys[currentID]!), authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Abort(.internalServerError, reason: "AES-GCM sealing failed") }
        return (currentID, combined)
    }

    func openBytes(_ sealed: Data, keyID: String, context: String) throws -> Data {
        guard let key = keys[keyID] else {
            throw Abort(.internalServerError, reason: "An attachment names a key this server does not hold")
        }
        return try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: SymmetricKey(data: key),
                                authenticating: Data(context.utf8))
    }

    /// A value that retention may have emptied ("" once the young person is anonymised), else opened.
    func openUnlessEmptied(_ sealed: String) throws -> String {
        sealed.isEmpty ? "" : try open(sealed)
    }

    /// The data key from `REACHABLE_DATA_KEY`, or outside production a key file generated once in the data folder
    /// with owner-only permissions.
    static func load(settings: Settings, environment: Environment, logger: Logger) throws -> FieldCipher {
        let older = try settings.oldDataKeys.map { encoded in
            guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
                throw SettingsError.invalid("REACHABLE_OLD_DATA_KEYS", "base64 keys of 32 bytes, separated by commas")
            }
            return SymmetricKey(data: bytes)
        }
        if let encoded = settings.dataKey {
            guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
                throw SettingsError.invalid("REACHABLE_DATA_KEY", "base64 of 32 random bytes (openssl rand -base64 32)")
            }
            return FieldCipher(currentKey: SymmetricKey(data: bytes), olderKeys: older)
        }
        guard environment != .production else {
            throw SettingsError.invalid("REACHABLE_DATA_KEY", "set in production")
        }
        let path = settings.dataDirectory + "/data.key"
        let files = FileManager.default
        if let existing = files.contents(atPath: path), let bytes = Data(base64Encoded: existing), bytes.count == 32 {
            return FieldCipher(currentKey: SymmetricKey(data: bytes))
        }
        try files.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedData() }
        guard files.createFile(atPath: path, contents: encoded, attributes: [.posixPermissions: 0o600]) else {
            throw SettingsError.invalid("REACHABLE_DATA_DIR", "a folder this process can write")
        }
        logger.warning("No REACHABLE_DATA_KEY: generated a development data key at \(path). Production needs a managed key.")
        return FieldCipher(currentKey: key)
    }
}

extension Application {
    private struct CipherKey: StorageKey { typealias Value = FieldCipher }

    var cipher: FieldCipher {
        get throws(NotConfigured) { try configured(CipherKey.self, "The data key") }
    }

    func use(_ cipher: FieldCipher) { storage[CipherKey.self] = cipher }
}
