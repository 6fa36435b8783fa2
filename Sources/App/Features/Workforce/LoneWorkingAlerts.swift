import NIOCore
import Fluent
import SQLKit
import Vapor

/// Raising overdue lone-working visits. A visit becomes overdue the moment its expected end passes without a
/// check-out; the timer records that moment once (with an audit entry), whichever instance gets there first:
/// the conditional UPDATE … RETURNING lets only one of two racing instances see the row change.
enum LoneWorkingAlerts {
    static func raiseOverdue(app: Application, now: Date) async throws -> Int {
        // Most ticks find nothing: a read first, so that they write nothing and the case pages kept in memory
        // stay valid (every write transaction replaces the data revision).
        let due = try await (app.db as! any SQLDatabase).raw("""
            SELECT id FROM lone_working_visits
            WHERE checked_out_at IS NULL AND overdue_raised_at IS NULL AND expected_end < \(bind: now) LIMIT 1
            """).first()
        guard due != nil else { return 0 }
        return try await app.writes.transaction(on: app.db) { db in
            let sql = db as! any SQLDatabase
            let raised = try await sql.raw("""
                UPDATE lone_working_visits SET overdue_raised_at = \(bind: now)
                WHERE checked_out_at IS NULL AND overdue_raised_at IS NULL AND expected_end < \(bind: now)
                RETURNING id, region_id, caseworker_id, expected_end
                """).all()
            for row in raised {
                let id = try row.decode(column: "id", as: UUID.self)
                let region = try row.decode(column: "region_id", as: UUID.self)
                let code = try await Region.find(region, on: db)?.code ?? ""
                try await Audit.append(AuditEntry(action: .loneWorkingOverdue, actor: "lone-working timer", objectType: .visit,
                                                  objectID: id.uuidString, region: code, address: "server"), on: db, at: now)
                // One alert per deadline: a check-in that moves the end starts a new episode.
                try await AlertBook.raise(.loneWorkingOverdue, subject: id,
                                          episode: Audit.timestamp(try row.decode(column: "expected_end", as: Date.self)),
                                          regionID: region, workerID: try row.decode(column: "caseworker_id", as: UUID.self), now: now, on: db)
            }
            return raised.count
        }
    }

    /// A region's alarms, what its managers see at the top of every page, in one statement (every page a manager
    /// opens asks): visits overdue and not checked out (an acknowledged one stays, marked as such, because
    /// acknowledging is not knowing the worker is safe), and duress check-outs nobody has acted on.
    static func overdue(regionID: UUID, now: Date, on db: any Database) async throws -> [OverdueVisit] {
        try await (db as! any SQLDatabase).prepared("""
            SELECT u.id AS caseworker_id, u.display_name AS caseworker, v.expected_end AS expected_end, v.acknowledged_at AS acknowledged_at,
                v.checked_out_at AS checked_out_at, v.duress_at AS duress_at
            FROM lone_working_visits v JOIN users u ON u.id = v.caseworker_id
            WHERE v.region_id = \(bind: regionID)
              AND ((v.checked_out_at IS NULL AND v.expected_end < \(bind: now))
                OR (v.duress_at IS NOT NULL AND v.duress_acknowledged_at IS NULL))
            ORDER BY v.expected_end
            """).all(decoding: OverdueVisit.self)
    }

    /// Duress check-outs nobody has acted on, everywhere: what every national lead sees.
    static func duress(on db: any Database) async throws -> [DuressAlarm] {
        try await (db as! any SQLDatabase).prepared("""
            SELECT u.display_name AS caseworker, v.duress_at AS duress_at
            FROM lone_working_visits v JOIN users u ON u.id = v.caseworker_id
            WHERE v.duress_at IS NOT NULL AND v.duress_acknowledged_at IS NULL
            ORDER BY v.duress_at
            """).all(decoding: DuressAlarm.self)
    }

    struct DuressAlarm: Decodable {
        let caseworker: String
        let duress_at: Date
    }

    struct OverdueVisit: Decodable {
        let caseworker_id: UUID
        let caseworker: String
        let expected_end: Date
        let acknowledged_at: Date?
        let checked_out_at: Date?
        let duress_at: Date?

        /// Acknowledged in this overdue episode: an acknowledgement made before the visit was extended by a check-in
        /// belongs to the deadline it answered, and a missed second deadline is a new alert.
        var isAcknowledged: Bool { LoneWorkingVisit.acknowledges(acknowledged_at, deadline: expected_end) }
    }
}

/// Runs the overdue check on a timer in every serving instance; the database decides who raises what, so a
/// restart loses nothing and two instances never raise one visit twice.
final class LoneWorkingTimer: LifecycleHandler, Sendable {
    let interval: TimeAmount
    private let work = RepeatingWork()

    init(interval: TimeAmount) { self.interval = interval }

    func didBootAsync(_ app: Application) async throws {
        guard CommandLine.isServe(app.environment.arguments), app.environment != .testing else { return }
        let logger = app.logger
        work.start(on: app.eventLoopGroup.next(), initialDelay: .seconds(5), delay: interval) {
            do {
                let raised = try await LoneWorkingAlerts.raiseOverdue(app: app, now: app.clock.now())
                if raised > 0 { logger.warning("Lone working: \(raised) visit(s) overdue") }
                let late = try await PartnerCallBacks.raiseOverdue(app: app, now: app.clock.now())
                if late > 0 { logger.warning("Partner referrals: \(late) past their call-back time") }
                // Alerts by phone and email: the steps that are due, then the messages queued.
                try await AlertEngine.tick(app: app)
                // Uploads cut off by a crash or a dropped connection, an hour on (none is that slow).
                let abandoned = try await AttachmentStore.clearAbandoned(before: app.clock.now().addingTimeInterval(-3600), app: app)
                if abandoned > 0 { logger.notice("Attachments: cleared \(abandoned) upload(s) left part-way") }
            } catch {
                logger.error("Lone-working check failed: \(String(reflecting: error))")
            }
        }
    }

    func shutdownAsync(_ app: Application) async { await work.stop() }
}

/// Loads, for a manager, the overdue visits of their region on every request, so the layout can put them at the
/// top of every page.
struct OverdueVisitsMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var alerts: [Layout.Alert] = []
        func duress(_ caseworker: String, _ at: Date, href: String) -> Layout.Alert {
            Layout.Alert(text: "Duress: \(caseworker) checked out of a visit at \(DateFormats.shown(at)) with their duress word. Call them now; if you cannot confirm they are safe, call the police.",
                         href: href)
        }
        if let user = req.currentUser, user.role == .nationalLead {
            alerts += try await LoneWorkingAlerts.duress(on: req.db).map { duress($0.caseworker, $0.duress_at, href: SiteURL.home.path) }
            alerts += try await PartnerCallBacks.overdueAlerts(regionID: nil, now: req.now, on: req.db)
        }
        if let user = req.currentUser, user.role == .manager, let region = user.regionID {
            let now = req.now
            let found = try await LoneWorkingAlerts.overdue(regionID: region, now: now, on: req.db)
            // Duress first: a silent alarm from a worker who may be in danger now; never to the worker themselves (a
            // manager checks out of their own visits too).
            alerts += found.filter { $0.caseworker_id != user.id }.compactMap { alarm in
                alarm.duress_at.map { duress(alarm.caseworker, $0, href: SiteURL.loneWorking.path) }
            }
            let visits = found.filter { $0.checked_out_at == nil && $0.expected_end < now }
            alerts += visits.map {
                let late = LoneWorkingVisit.howLate($0.expected_end, now: now)
                let text = "\($0.caseworker)'s visit was due to end \(DateFormats.shown($0.expected_end)) (\(late) ago) and has not been checked out"
                return Layout.Alert(text: text + ($0.isAcknowledged ? ": acknowledged, not yet known to be safe." : "."),
                                    href: SiteURL.loneWorking.path)
            }
        }
        // A partner's referral past its call-back time: every triager of the region (caseworkers triage too).
        if let user = req.currentUser, [.caseworker, .manager].contains(user.role), let region = user.regionID {
            alerts += try await PartnerCallBacks.overdueAlerts(regionID: region, now: req.now, on: req.db)
        }
        if !alerts.isEmpty { req.storage[OverdueVisitsKey.self] = alerts }
        return try await next.respond(to: req)
    }
}

struct OverdueVisitsKey: StorageKey { typealias Value = [Layout.Alert] }
