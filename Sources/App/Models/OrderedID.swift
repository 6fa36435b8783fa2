import Foundation

/// Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
///
/// Keys are stored as text and indexed; a random (version 4) key lands on a random page of its index, so at
/// national scale every insert by a bulk writer (the import, the demo generator, the audit log) touched a page
/// the cache no longer held, and the generator took six times as long for four times the data. Keys made now
/// sort after keys made before, so inserts append to the index's last pages. The random bits keep a key
/// unguessable; access is checked object by object whatever the key.
enum OrderedID {
    static func make(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, date.timeIntervalSince1970) * 1000), using: &generator)
    }

    static func make(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(i))) }
        for i in 6..<8 { bytes[i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i))) }
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i - 8))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F) // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F) // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
