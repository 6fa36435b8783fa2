import Domain
import Fluent
import SQLKit
import Vapor

/// The people of a case's region, as the case page needs them: every name (for the timeline) and the active
/// caseworkers and managers a manager may choose as lead, each with their open cases and capacity today
/// (SPEC §2.5). Two plain queries (people with their profile and open-case count; their absences) where the
/// page once made five, three of them Fluent model queries.
struct CaseStaff {
    struct Lead {
        let id: UUID
        let name: String
        let openCases: Int
        let available: Int
    }

    let names: [UUID: String]
    let leads: [Lead]

    /// `withCaseloads: false` (anyone but a manager, who alone chooses a lead) leaves `leads` empty.
    static func load(regionID: UUID, today: CivilDate, withCaseloads: Bool, on db: any Database) async throws -> CaseStaff {
        let sql = db as! any SQLDatabase
        struct Member: Decodable {
            let id: UUID
            let display_name: String
            let role: String
            let disabled: Bool
            let capacity: Int
            let open_cases: Int
        }
        let members = try await sql.raw("""
            SELECT u.id AS id, u.display_name AS display_name, u.role AS role, u.disabled AS disabled,
              COALESCE(p.capacity, 0) AS capacity,
              \(unsafeRaw: withCaseloads
                ? "(SELECT COUNT(*) FROM cases c WHERE c.lead_caseworker_id = u.id AND c.closed_date IS NULL)" : "0") AS open_cases
            FROM users u LEFT JOIN staff_profiles p ON p.user_id = u.id
            WHERE u.region_id = \(bind: regionID)
            """).all(decoding: Member.self)
        let eligible = !withCaseloads ? [] : members.filter { member in
            Role(rawValue: member.role).map {
                CaseLeading.mayLead(role: $0, disabled: member.disabled, memberOf: regionID, caseRegion: regionID)
            } ?? false
        }
            .sorted { $0.display_name < $1.display_name }
        let absences = try await StaffQueries.absencePeriods(of: eligible.map(\.id), on: db)
        return CaseStaff(
            names: Dictionary(members.map { ($0.id, $0.display_name) }, uniquingKeysWith: { first, _ in first }),
            leads: eligible.map { member in
                Lead(id: member.id, name: member.display_name, openCases: member.open_cases,
                     available: Capacity.available(contracted: member.capacity, absences: absences[member.id] ?? [], on: today))
            })
    }
}
