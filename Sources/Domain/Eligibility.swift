/// Screening rules for a referral (SPEC §2.1): under 25 on the received date, home local authority in the
/// receiving region's list, at least one exploitation type. The result keeps every failing reason; reports
/// count an ineligible referral once, under its first reason in `Reason`'s order (SPEC §4).
public struct Eligibility: Equatable, Sendable {
    /// In the order SPEC §4 ranks them.
    public enum Reason: String, CaseIterable, Codable, Sendable {
        case outsideArea = "outside_area"
        case age25OrOver = "age_25_or_over"
        case noExploitationConcern = "no_exploitation_concern"

        public var explanation: String {
            switch self {
            case .outsideArea: "The young person's home local authority is outside the region's area"
            case .age25OrOver: "The young person was 25 or over on the day the referral was received"
            case .noExploitationConcern: "No type of exploitation was recorded"
            }
        }
    }

    public static let ageLimit = 25

    public let reasons: [Reason]

    public var isEligible: Bool { reasons.isEmpty }
    public var firstReason: Reason? { reasons.first }

    public init(reasons: [Reason]) {
        self.reasons = Reason.allCases.filter(reasons.contains)
    }

    public static func assess(received: CivilDate, dateOfBirth: CivilDate, homeLocalAuthority: String,
                              regionLocalAuthorities: Set<String>, exploitationTypes: [String]) -> Eligibility {
        var reasons: [Reason] = []
        if !regionLocalAuthorities.contains(homeLocalAuthority) { reasons.append(.outsideArea) }
        if dateOfBirth.age(on: received) >= ageLimit { reasons.append(.age25OrOver) }
        if exploitationTypes.isEmpty { reasons.append(.noExploitationConcern) }
        return Eligibility(reasons: reasons)
    }
}
