import Domain
import Fluent
import SQLKit
import Vapor

/// The call-back clock running out. The timer records the moment once (with an audit entry), whichever instance
/// gets there first; until someone records the call-back (recording the referral is not enough), the region's
/// caseworkers and managers (and, for referrals no region holds, the national lead) see it at the top of every page. The alerts of SPEC §2.10 start from the same moment.
enum PartnerCallBacks {
    static func raiseOverdue(app: Application, now: Date) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        // Most ticks find nothing: a read first, so that they write nothing.
        let due = try await sql.raw("""
            SELECT id FROM partner_referrals WHERE status <> 'spam' AND called_back_at IS NULL
              AND overdue_raised_at IS NULL AND call_back_due < \(bind: now) LIMIT 1
            """).first()
        guard due != nil else { return 0 }
        return try await app.writes.transaction(on: app.db) { db in
            let raised = try await (db as! any SQLDatabase).raw("""
                UPDATE partner_referrals SET overdue_raised_at = \(bind: now)
                WHERE status <> 'spam' AND called_back_at IS NULL AND overdue_raised_at IS NULL
                  AND call_back_due < \(bind: now)
                RETURNING id, region_id, path
                """).all()
            for row in raised {
                let id = try row.decode(column: "id", as: UUID.self)
                let region = try row.decode(column: "region_id", as: UUID?.self)
                let code = try await region.asyncMap { try await Region.find($0, on: db)?.code } ?? nil
                try await Audit.append(AuditEntry(action: .partnerReferralCallBackOverdue, actor: "call-back timer",
                                                  objectType: .partnerReferral, objectID: id.uuidString, region: code ?? "",
                                                  address: "server", detail: try row.decode(column: "path", as: String.self)),
                                       on: db, at: now)
                // An urgent one is an alert by phone and email too (SPEC §2.10); a full one waits for the pages.
                if try row.decode(column: "path", as: String.self) == PartnerReferralPath.urgent.rawValue {
                    try await AlertBook.raise(.partnerCallBack, subject: id, episode: "call-back", regionID: region, now: now, on: db)
                }
            }
            return raised.count
        }
    }

    /// The banner lines for a region's managers (or, with no region, for the national lead: the referrals no region
    /// holds): partner referrals past their call-back time and not yet called back. One indexed statement.
    static func overdueAlerts(regionID: UUID?, now: Date, on db: any Database) async throws -> [Layout.Alert] {
        // Recording the referral does not discharge the call-back: the clock runs until the call-back is recorded.
        // Written in SQL: it runs on every page a caseworker or manager opens, where Fluent's query builder (its
        // reflection of the model and its select list) cost more than the statement.
        let region: SQLQueryString = if let regionID { "region_id = \(bind: regionID)" } else { "region_id IS NULL" }
        return try await (db as! any SQLDatabase).prepared("""
            SELECT \(unsafeRaw: PartnerReferral.columnList) FROM \(unsafeRaw: PartnerReferral.schema)
            WHERE status <> \(bind: PartnerReferral.Status.spam.rawValue) AND called_back_at IS NULL
              AND call_back_due < \(bind: now) AND \(region)
            ORDER BY call_back_due LIMIT 10
            """).all().map { try $0.decode(fluentModel: PartnerReferral.self) }.map { referral in
            Layout.Alert(text: "\(referral.path == .urgent ? "Urgent partner referral" : "Partner referral") \(referral.ref) "
                         + "was due a call-back \(DateFormats.shown(referral.callBackDue)) "
                         + "(\(referral.clock.summary(at: now))). Call the referrer now.",
                         href: SiteURL.partnerReferral(referral.id).path)
        }
    }
}
