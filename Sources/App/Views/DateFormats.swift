import Foundation

/// The date formats the app writes, each formatter made once: making one costs ICU far more than formatting
/// (it was a fifth of a case page's time), and sharing one across threads needs a lock.
final class SharedFormatter: @unchecked Sendable {
    private let lock = NSLock()
    private let format: (Date) -> String

    init(_ formatter: DateFormatter) { format = formatter.string(from:) }
    init(_ formatter: ISO8601DateFormatter) { format = formatter.string(from:) }

    func string(from date: Date) -> String {
        lock.lock()
        defer { lock.unlock() }
        return format(date)
    }
}

enum DateFormats {
    /// UTC with milliseconds, as the audit chain hashes it: never change its output.
    static let auditTimestamp: SharedFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return SharedFormatter(formatter)
    }()

    /// What people read: `23 Nov 2026, 14:05`, UK time.
    static let display = ukTime("d MMM yyyy, HH:mm")

    /// A moment as people read it (`display`).
    static func shown(_ date: Date) -> String { display.string(from: date) }

    /// The value a `datetime-local` input expects, UK time.
    static let localInput = ukTime("yyyy-MM-dd'T'HH:mm")

    private static func ukTime(_ format: String) -> SharedFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.dateFormat = format
        return SharedFormatter(formatter)
    }
}
