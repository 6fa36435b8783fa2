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

    /// Roles that read young people's records (SPEC §1).
    public var readsCaseContent: Bool {
        self == .caseworker || self == .manager || self == .nationalLead
    }

    /// Roles an admin may not grant alone: those that read case content, and admin itself, which can confirm such
    /// grants (an admin who made a second admin of their own would otherwise confirm their own requests).
    public var needsSecondPersonToGrant: Bool {
        readsCaseContent || self == .admin
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
