import Foundation

/// A calendar date with no time or zone: a date of birth, a received date. Stored and exchanged as `YYYY-MM-DD`.
public struct CivilDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly: a real calendar day, four-digit year.
    public init?(_ text: String) {
        // Read byte by byte (dates are read several times in every import row): exactly ten ASCII bytes,
        // digits apart from the two hyphens, so no sign, space or other digit system slips through.
        var text = text
        let parsed: (Int, Int, Int)? = text.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
            return (y, m, d)
        }
        guard let (y, m, d) = parsed, (1...12).contains(m), d >= 1, d <= CivilDate.daysIn(month: m, year: y) else {
            return nil
        }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        guard (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else {
            return Digits.padded(year, width: 4) + "-" + Digits.padded(month, width: 2) + "-" + Digits.padded(day, width: 2)
        }
        // One ten-byte string, written in place: dates are written several times for every imported row.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            func put(_ value: Int, at end: Int, width: Int) {
                var rest = value
                for index in stride(from: end - 1, through: end - width, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 4, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 7, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 10, width: 2)
            return 10
        }
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whole years from `self` (a date of birth) to `date`. Someone born on 29 February becomes a year
    /// older on 1 March in years without one, because their birthday has not yet come on 28 February.
    public func age(on date: CivilDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// Today in the UK's calendar, for "not in the future" checks.
    public static func today(at instant: Date = Date(), in zone: TimeZone = TimeZone(identifier: "Europe/London")!) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CivilDate {
    /// One calendar month later, as the ICO counts a subject-access deadline: the same day next month, or the
    /// last day of next month when it has no such day (31 January → 28 or 29 February).
    public var oneMonthLater: CivilDate {
        let month = self.month == 12 ? 1 : self.month + 1
        let year = self.month == 12 ? self.year + 1 : self.year
        return CivilDate(year: year, month: month, day: min(day, CivilDate.daysIn(month: month, year: year)))
    }
}

extension CivilDate {
    /// Days since 1970-01-01 (proleptic Gregorian calendar), for day arithmetic without time zones.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }
}
