import Foundation
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
///
/// Keys are stored as text and indexed; a random (version 4) key lands on a random page of its index, so at
/// national scale every insert by a bulk writer (the import, the demo generator, the audit log) touched a page
/// the cache no longer held, and the generator took six times as long for four times the data. Keys made now
/// sort after keys made before, so inserts append to the index's last pages. The random bits keep a key
/// unguessable; access is checked object by object whatever the key.
enum OrderedID {
    static func make(at date: Date = Date()) -> UUID {
        let (high, low) = randomBits.withLockedValue { $0.next() }
        return make(milliseconds: UInt64(max(0, date.timeIntervalSince1970) * 1000), high: high, low: low)
    }

    private static func make(milliseconds: UInt64, high: UInt64, low: UInt64) -> UUID {
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(uuid: (
            byte(milliseconds, 40), byte(milliseconds, 32), byte(milliseconds, 24), byte(milliseconds, 16),
            byte(milliseconds, 8), byte(milliseconds, 0),
            0x70 | (byte(high, 48) & 0x0F), byte(high, 56), // version 7
            0x80 | (byte(low, 0) & 0x3F), byte(low, 8), // RFC 9562 variant
            byte(low, 16), byte(low, 24), byte(low, 32), byte(low, 40), byte(low, 48), byte(low, 56)))
    }

    /// The operating system's random bits, fetched 4 KB at a time: an import makes tens of thousands of ids, and
    /// a system call per 8 bytes was a quarter of the time spent building its rows.
    private static let randomBits = NIOLockedValueBox(RandomBits())

    private struct RandomBits {
        private var words = [UInt64](repeating: 0, count: 512)
        private var used = 512

        mutating func next() -> (UInt64, UInt64) {
            if used + 2 > words.count {
                words.withUnsafeMutableBytes(Self.fill)
                used = 0
            }
            defer { used += 2 }
            return (words[used], words[used + 1])
        }

        /// From /dev/urandom (the kernel's generator, as `SystemRandomNumberGenerator` uses), falling back to that
        /// generator a word at a time if the device cannot be read.
        private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
            var filled = 0
            #if canImport(Glibc)
            let device = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            if device >= 0 {
                while filled < buffer.count {
                    let got = read(device, buffer.baseAddress! + filled, buffer.count - filled)
                    if got > 0 { filled += got } else if got < 0 && errno == EINTR { continue } else { break }
                }
                close(device)
            }
            #endif
            filled -= filled % 8
            var system = SystemRandomNumberGenerator()
            while filled + 8 <= buffer.count {
                buffer.storeBytes(of: system.next() as UInt64, toByteOffset: filled, as: UInt64.self)
                filled += 8
            }
        }
    }
}
