import Foundation

/// Times in import files are ISO 8601: `2023-05-01T02:10:00Z`, with an offset, or without one (then UK local
/// time, as the service's staff write them). Seconds are optional, and a space may stand for the `T`.
public enum ImportTimestamp {
    // Looked up once: finding a zone by name reads the system's zone data.
    private static let london = TimeZone(identifier: "Europe/London")!
    private static let utc = TimeZone(identifier: "UTC")!

    public static func parse(_ text: String) -> Date? {
        var value = text.replacingOccurrences(of: " ", with: "T")
        var zone = london
        if value.hasSuffix("Z") || value.hasSuffix("z") {
            value.removeLast()
            zone = utc
        } else if let sign = value.lastIndex(where: { $0 == "+" || $0 == "-" }), value.distance(from: value.startIndex, to: sign) > 10 {
            let offset = String(value[sign...])
            value = String(value[..<sign])
            guard let seconds = offsetSeconds(offset), let fixed = TimeZone(secondsFromGMT: seconds) else { return nil }
            zone = fixed
        }
        let parts = value.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CivilDate(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 2 || time.count == 3, time.allSatisfy({ $0.count == 2 }),
              let hour = Int(time[0]), let minute = Int(time[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        let second = time.count == 3 ? Int(time[2]) : 0
        guard let second, (0...59).contains(second) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day,
                                                  hour: hour, minute: minute, second: second))
    }

    private static func offsetSeconds(_ text: String) -> Int? {
        let sign = text.hasPrefix("-") ? -1 : 1
        let digits = text.dropFirst().replacingOccurrences(of: ":", with: "")
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
              hours <= 14, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
