import Foundation

/// Who may lead a case, be dispatched to a rescue or hold a caseload: an active caseworker or manager of the
/// case's own region (SPEC §1: regions are walls, and a national lead reads but does not carry cases).
public enum CaseLeading {
    /// The roles that carry cases.
    public static let roles: Set<Role> = [.caseworker, .manager]

    /// Whether a member of staff may lead a case of `region`.
    public static func mayLead(role: Role, disabled: Bool, memberOf staffRegion: UUID?, caseRegion: UUID) -> Bool {
        roles.contains(role) && !disabled && staffRegion == caseRegion
    }
}
