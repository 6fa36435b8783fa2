/// The five roles of SPEC §1. The raw values are stored in the database and shown in URLs of admin pages.
public enum Role: String, CaseIterable, Codable, Sendable {
    case caseworker
    case manager
    case nationalLead = "national_lead"
    case admin
    case commissioner

    /// Caseworkers and managers belong to one region; the other roles see across regions (or see no case content).
    public var isRegional: Bool {
        self == .caseworker || self == .manager
    }

    public var label: String {
        switch self {
        case .caseworker: "Caseworker"
        case .manager: "Manager"
        case .nationalLead: "National lead"
        case .admin: "Admin"
        case .commissioner: "Commissioner"
        }
    }
}
