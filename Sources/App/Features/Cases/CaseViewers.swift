import Domain
import Foundation
import SQLKit

/// Who has looked at a case: its last fifty views, from the audit log, for the region's managers (SPEC §2.9).
struct CaseViewer: Encodable {
    let who: String
    let when: String

    static func last50(of caseID: UUID, on sql: any SQLDatabase) async throws -> [CaseViewer] {
        struct Row: Decodable {
            let actor: String
            let at: String
        }
        return try await sql.raw("""
            SELECT actor, at FROM audit_events
            WHERE object_type = \(bind: AuditedObject.supportCase.rawValue) AND object_id = \(bind: caseID.uuidString)
              AND action = \(bind: AuditAction.caseViewed.rawValue)
            ORDER BY seq DESC LIMIT 50
            """).all(decoding: Row.self).map { row in
            // "2026-11-29T07:47:08.123Z" → "2026-11-29 07:47"
            let minute = row.at.prefix(16)
            return CaseViewer(who: row.actor, when: String(minute.prefix(10)) + " " + String(minute.dropFirst(11)))
        }
    }
}
