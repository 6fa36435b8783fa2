import Foundation

/// A linear axis from zero to a "nice" maximum (1, 2 or 5 times a power of ten), with evenly spaced ticks,
/// so charts read in round numbers.
public struct LinearScale: Equatable, Sendable {
    public let maximum: Double
    public let ticks: [Double]

    /// - Parameters:
    ///   - values: the data; negative values are treated as zero (counts and rates only).
    ///   - wholeNumbers: counts have no half-referrals, so ticks step by at least 1.
    public init(covering values: [Double], tickCount: Int = 5, wholeNumbers: Bool = false) {
        let largest = max(values.max() ?? 0, 0)
        guard largest > 0 else {
            maximum = 1
            ticks = [0, 1]
            return
        }
        let rawStep = largest / Double(max(tickCount, 1) + 1)
        let magnitude = pow(10, floor(log10(rawStep)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rawStep } ?? 10 * magnitude
        if wholeNumbers { step = max(step, 1) }
        let top = ceil(largest / step) * step
        maximum = top
        ticks = stride(from: 0, through: top + step / 2, by: step).map { ($0 / step).rounded() * step }
    }

    /// Where `value` falls on an axis `length` long.
    public func position(of value: Double, length: Double) -> Double {
        max(0, min(value, maximum)) / maximum * length
    }
}
