/// Where a goal of the intervention pathway stands. The raw values are stored on each goal.
public enum GoalStatus: String, CaseIterable, Sendable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case achieved
    case stopped

    public var label: String {
        switch self {
        case .notStarted: "Not started"
        case .inProgress: "In progress"
        case .achieved: "Achieved"
        case .stopped: "Stopped"
        }
    }
}
