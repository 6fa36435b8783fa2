import Foundation

/// A UK financial year, written `2023-24`: 1 April 2023 to 31 March 2024 inclusive.
public struct FinancialYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) { self.startYear = startYear }

    /// Parses `2023-24`; the second part must be the year after the first.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let start = Int(parts[0]), let end = Int(parts[1]),
              (start + 1) % 100 == end else { return nil }
        self.startYear = start
    }

    public var description: String { Digits.padded(startYear, width: 4) + "-" + Digits.padded((startYear + 1) % 100, width: 2) }
    public var start: CivilDate { CivilDate(year: startYear, month: 4, day: 1) }
    public var end: CivilDate { CivilDate(year: startYear + 1, month: 3, day: 31) }
    public var previous: FinancialYear { FinancialYear(startYear: startYear - 1) }

    public static func containing(_ date: CivilDate) -> FinancialYear {
        FinancialYear(startYear: date.month >= 4 ? date.year : date.year - 1)
    }

    public static func < (a: FinancialYear, b: FinancialYear) -> Bool { a.startYear < b.startYear }
}
