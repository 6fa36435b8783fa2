import Foundation

/// A stretch of a region's rota: one person in one role from a start to an end.
public struct OnCallShift: Equatable, Sendable {
    public let role: OnCallRole
    public let start: Date
    public let end: Date

    public init(role: OnCallRole, start: Date, end: Date) {
        self.role = role
        self.start = start
        self.end = end
    }
}

/// Gaps in cover: the stretches of a window in which nobody holds a role (SPEC §2.10; shown on the managers'
/// dashboard, so a gap is filled before the night it matters).
public enum OnCallCover {
    /// A stretch of time in which nobody holds a role: the same shape as a shift, with nobody in it.
    public typealias Gap = OnCallShift

    /// Every gap of each role between `from` and `to`, in order of role then time. Overlapping and touching shifts
    /// cover as one; a gap shorter than `ignoringUnder` (a minute between one shift and the next) is none.
    public static func gaps(_ shifts: [OnCallShift], from: Date, to: Date, roles: [OnCallRole] = OnCallRole.allCases,
                            ignoringUnder: TimeInterval = 60) -> [Gap] {
        guard from < to else { return [] }
        var gaps: [Gap] = []
        for role in roles {
            var covered = from
            for shift in shifts.filter({ $0.role == role && $0.end > from && $0.start < to }).sorted(by: { $0.start < $1.start }) {
                if shift.start.timeIntervalSince(covered) >= ignoringUnder { gaps.append(Gap(role: role, start: covered, end: shift.start)) }
                covered = max(covered, shift.end)
            }
            if to.timeIntervalSince(covered) >= ignoringUnder { gaps.append(Gap(role: role, start: covered, end: to)) }
        }
        return gaps
    }
}

/// When a message that failed is tried again: 30 seconds, then doubling, never more than 15 minutes apart. A
/// message is never given up on while its alert is open; after `failingAfter` attempts it is shown to the managers.
public enum RetryPolicy {
    public static let failingAfter = 3

    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = min(max(attempt - 1, 0), 10)
        return min(30 * pow(2, Double(exponent)), 15 * 60)
    }
}

/// A phone number as providers take it (E.164): `+` and up to 15 digits. UK numbers may be typed as people write
/// them (07700 900123, +44 (0)7700 900123).
public enum PhoneNumber {
    public static func normalise(_ typed: String) -> String? {
        let kept = typed.filter { !" -().\u{00A0}".contains($0) }
        var digits: String
        if kept.hasPrefix("+") {
            digits = String(kept.dropFirst())
            if digits.hasPrefix("440") { digits = "44" + digits.dropFirst(3) }
        } else if kept.hasPrefix("00") {
            digits = String(kept.dropFirst(2))
        } else if kept.hasPrefix("0") {
            digits = "44" + kept.dropFirst()
        } else {
            return nil
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), (7...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }

    /// The last three digits, for a page that shows which number is set without showing it.
    public static func masked(_ number: String) -> String {
        String(repeating: "•", count: max(0, number.count - 4)) + number.suffix(3)
    }
}
