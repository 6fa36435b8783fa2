import Domain
import Fluent
import SQLKit
import Vapor

/// The caseworkers and managers of a region a manager may choose as a case's lead, each with their open cases and
/// capacity today (SPEC §2.5): two plain queries (people with their profile and open-case count; their absences).
enum CaseStaff {
    struct Lead {
        let id: UUID
        let name: String
        let openCases: Int
        let available: Int
    }

    static func leads(regionID: UUID, today: CivilDate, on db: any Database) async throws -> [Lead] {
        struct Member: Decodable {
            let id: UUID
            let display_name: String
            let role: String
            let disabled: Bool
            let capacity: Int
            let open_cases: Int
        }
        let members = try await (db as! any SQLDatabase).raw("""
            SELECT u.id AS id, u.display_name AS display_name, u.role AS role, u.disabled AS disabled,
              COALESCE(p.capacity, 0) AS capacity,
              (SELECT COUNT(*) FROM cases c WHERE c.lead_caseworker_id = u.id AND c.closed_date IS NULL) AS open_cases
            FROM users u LEFT JOIN staff_profiles p ON p.user_id = u.id
            WHERE u.region_id = \(bind: regionID)
            """).all(decoding: Member.self)
        let eligible = members.filter { member in
            Role(rawValue: member.role).map {
                CaseLeading.mayLead(role: $0, disabled: member.disabled, memberOf: regionID, caseRegion: regionID)
            } ?? false
        }
            .sorted { $0.display_name < $1.display_name }
        let absences = try await StaffQueries.absencePeriods(of: eligible.map(\.id), on: db)
        return eligible.map { member in
            Lead(id: member.id, name: member.display_name, openCases: member.open_cases,
                 available: Capacity.available(contracted: member.capacity, absences: absences[member.id] ?? [], on: today))
        }
    }
}
