/// Why a case closed: a code of the `closure_reason` list, which administrators may extend, so an open set with
/// the one code the rules depend on named.
public struct ClosureReason: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The work is done: the only reason that needs exit measures and, from a caseworker, a manager's approval.
    public static let planned = ClosureReason(rawValue: "planned")
}

/// The closure rules (SPEC §2.4: closing records the reason and the exit measures): what closing a case does.
public enum CaseClosure {
    public enum Decision: Equatable, Sendable {
        /// Closed at once.
        case close
        /// Waits for a manager of the region to approve it.
        case askManager
        case refused(Refusal)
    }

    public enum Refusal: Equatable, Sendable {
        case alreadyClosed
        /// No reason, or one that is not a code of the list.
        case noReason
        /// A planned closure needs the exit outcome measures first.
        case needsExitMeasures
    }

    /// - Parameters:
    ///   - reason: the reason chosen, nil when none or not a known code.
    ///   - byManager: whether a manager is closing it (a manager's planned closure needs nobody's approval).
    public static func decide(isOpen: Bool, reason: ClosureReason?, hasExitMeasures: Bool, byManager: Bool) -> Decision {
        guard isOpen else { return .refused(.alreadyClosed) }
        guard let reason else { return .refused(.noReason) }
        guard reason == .planned else { return .close }
        guard hasExitMeasures else { return .refused(.needsExitMeasures) }
        return byManager ? .close : .askManager
    }
}
