/// A report metric (SPEC §4): numerator over denominator, with the percentage rounded half away from zero to
/// one decimal place, and no percentage when there is no denominator.
public struct Metric: Equatable, Codable, Sendable {
    public let numerator: Int
    public let denominator: Int
    public let percent: Double?

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
        self.percent = Metric.percent(numerator, of: denominator)
    }

    /// Exact integer arithmetic: tenths of a percent = 1000·n/d, rounded half away from zero.
    public static func percent(_ numerator: Int, of denominator: Int) -> Double? {
        guard denominator != 0 else { return nil }
        let scaled = 1000 * numerator
        let magnitude = (2 * abs(scaled) + abs(denominator)) / (2 * abs(denominator))
        let negative = (scaled < 0) != (denominator < 0) && magnitude != 0
        return Double(negative ? -magnitude : magnitude) / 10
    }

    enum CodingKeys: String, CodingKey { case numerator, denominator, percent }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(denominator, forKey: .denominator)
        // null, not absent, when there is no denominator: the JSON shape is a contract.
        try container.encode(percent, forKey: .percent)
    }
}
