import Foundation

/// A case's risk rating (SPEC §2.4): red, amber or green, with its history kept. The raw values are stored.
public enum RiskLevel: String, CaseIterable, Codable, Sendable {
    case red
    case amber
    case green

    public var label: String { rawValue.capitalized }

    /// How long a new case may wait for a lead caseworker before the managers' list shows it late: an hour when it
    /// is rated red, three hours otherwise (not yet rated included).
    public static func leadWaitTarget(_ risk: RiskLevel?) -> TimeInterval {
        risk == .red ? 3600 : 3 * 3600
    }

    /// Whether a new rating raises a red-case alert (SPEC §2.10): becoming red does; staying red does not.
    public static func raisesAlert(from previous: RiskLevel?, to new: RiskLevel) -> Bool {
        new == .red && previous != .red
    }
}
