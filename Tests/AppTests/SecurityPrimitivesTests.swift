@testable import App
import Crypto
import Foundation
import Testing

@Suite("TOTP, base32, sealing and password hashing")
struct SecurityPrimitivesTests {
    /// RFC 6238 appendix B, SHA-1 rows: the secret is the ASCII "12345678901234567890", 8 digits.
    @Test("TOTP matches the RFC 6238 test vectors", arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfcVectors(time: Int, expected: String) {
        let secret = Array("12345678901234567890".utf8)
        let counter = TOTP.counter(at: Date(timeIntervalSince1970: TimeInterval(time)))
        #expect(TOTP.code(secret: secret, counter: counter, digits: 8) == expected)
    }

    @Test("A code is accepted one step either side, and never twice")
    func verifyWindowAndReplay() {
        let secret = Array("12345678901234567890".utf8)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let counter = TOTP.counter(at: now)
        let code = TOTP.code(secret: secret, counter: counter)
        #expect(TOTP.verify(code, secret: secret, at: now, lastUsed: nil) == counter)
        #expect(TOTP.verify(code, secret: secret, at: now.addingTimeInterval(30), lastUsed: nil) == counter)
        #expect(TOTP.verify(code, secret: secret, at: now.addingTimeInterval(90), lastUsed: nil) == nil)
        #expect(TOTP.verify(code, secret: secret, at: now, lastUsed: counter) == nil, "a used code is refused")
        #expect(TOTP.verify("12345", secret: secret, at: now, lastUsed: nil) == nil)
        #expect(TOTP.verify("abcdef", secret: secret, at: now, lastUsed: nil) == nil)
    }

    @Test("Base32 follows RFC 4648", arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ])
    func base32(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded.lowercased()) == Array(plain.utf8))
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(Base32.decode("not base32!") == nil)
    }

    @Test("Sealed fields open with their key, name it, and detect tampering")
    func sealing() throws {
        let key = SymmetricKey(size: .bits256)
        let cipher = FieldCipher(currentKey: key)
        let sealed = try cipher.seal("Met at the park; safe word is blue")
        #expect(!sealed.contains("park"))
        #expect(sealed.hasPrefix("v1.\(FieldCipher.identifier(of: key))."))
        #expect(try cipher.open(sealed) == "Met at the park; safe word is blue")
        #expect(try cipher.seal("same") != cipher.seal("same"), "a fresh nonce every time")

        var bytes = Array(sealed)
        bytes[bytes.count - 3] = bytes[bytes.count - 3] == "A" ? "B" : "A"
        #expect(throws: (any Error).self) { try cipher.open(String(bytes)) }

        let rotated = FieldCipher(currentKey: SymmetricKey(size: .bits256), olderKeys: [key])
        #expect(try rotated.open(sealed) == "Met at the park; safe word is blue", "old values open after rotation")
        #expect(throws: (any Error).self) { try FieldCipher(currentKey: SymmetricKey(size: .bits256)).open(sealed) }
    }

    @Test("Every character of a long password counts, past bcrypt's 72 bytes")
    func longPasswords() throws {
        let hasher = PasswordHasher(cost: 4)
        let base = String(repeating: "a", count: 80)
        let hash = try hasher.hash(base + "1")
        #expect(hasher.verify(base + "1", against: hash))
        #expect(!hasher.verify(base + "2", against: hash))
        #expect(!hash.contains(base))
    }

    /// Stored session and API token hashes and the audit chain are this text: it must not change form.
    @Test("Digests print as lower-case hex: the FIPS 180-2 SHA-256 vector for \"abc\", and single bytes")
    func hex() {
        #expect(Hex.lowercase(SHA256.hash(data: Data("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.lowercase([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.lowercase([UInt8]()) == "")
        #expect(SecretToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("Tokens are long, random and stored as hashes")
    func tokens() {
        let a = SecretToken.make(), b = SecretToken.make()
        #expect(a != b)
        #expect(a.count >= 43, "256 bits in base64url")
        #expect(SecretToken.hash(a).count == 64 && SecretToken.hash(a) != a)
        #expect(SecretToken.constantTimeEquals(a, a) && !SecretToken.constantTimeEquals(a, b))
    }
}

@Suite("Time-ordered keys")
struct OrderedIDTests {
    @Test("Keys are version 7, sort by the time they were made, and differ within one millisecond")
    func ordered() {
        let early = OrderedID.make(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = OrderedID.make(at: Date(timeIntervalSince1970: 1_700_000_000.002))
        #expect(early.uuidString < late.uuidString, "stored as text, a later key sorts after an earlier one")
        #expect(Array(early.uuidString)[14] == "7", "version 7")
        #expect(["8", "9", "A", "B"].contains(Array(early.uuidString)[19]), "RFC 9562 variant")
        #expect(early.uuidString.hasPrefix("018BCFE5-6800"), "48 bits of Unix milliseconds first")
        let same = Date(timeIntervalSince1970: 1_700_000_000)
        let keys = (0..<50).map { _ in UUID() } + [OrderedID.make(), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))]
        #expect(keys.allSatisfy { BulkValue.text(of: $0) == $0.uuidString }, "bulk inserts store keys as Fluent does")
        // More than one fetch of random bits (256 keys each) apart.
        #expect(Set((0..<1000).map { _ in OrderedID.make(at: same) }).count == 1000)
    }
}
