import Domain
import Fluent
import Foundation
import SQLKit

/// Live figures for caseworkers (their own caseload) and managers (their region): SPEC §2.7's dashboard.
///
/// Every figure is counted in SQL from one covering index (`cases_activity`, with each case's last contact and
/// last measures kept on it by `CaseActivity`) and every list is the first 50 rows of an SQL query: a region
/// holds over ten thousand open cases at national scale, and loading them to count them took 13 s at 400,000
/// referrals.
struct Dashboard: Encodable {
    struct Item: Encodable {
        let label: String
        let href: String
        let detail: String
        /// Shown as an alarm (a partner's call-back past its time).
        var overdue = false
    }

    struct Section: Encodable {
        let title: String
        let id: String
        /// Nil when empty: Leaf treats an empty array as true.
        let items: [Item]?
        let empty: String
        /// "Showing the first 50 of 1,234", when the list is cut short.
        let more: String?

        init(title: String, id: String, items: [Item], total: Int, empty: String) {
            self.title = title
            self.id = id
            self.items = items.isEmpty ? nil : items
            self.empty = empty
            more = total > items.count ? "Showing the first \(items.count) of \(total.formatted())." : nil
        }
    }

    let figures: [HomePage.Figure]
    let sections: [Section]

    static let listLength = 50

    /// The dashboard of a caseworker or a manager, as of `now`; built without a request, so tests build it too.
    static func make(for user: CurrentUser, attention: CaseAttention, cipher: FieldCipher, now: Date,
                     on db: any Database) async throws -> Dashboard {
        let queries = DashboardQueries(
            scope: RegionScope(user), leadOnly: user.role == .caseworker ? user.id : nil,
            quietSince: attention.quietSince(now: now),
            reviewCutoff: attention.reviewCutoff(today: CivilDate.today(at: now)).description,
            sql: db as! any SQLDatabase)
        let counts = try await queries.counts()
        let rescues = try await queries.openRescues()
        func caseItem(_ row: DashboardQueries.CaseRow, _ detail: String) -> Item {
            Item(label: "\(row.first_name) \(row.last_name)", href: SiteURL.supportCase(row.id).path, detail: detail)
        }
        var figures: [HomePage.Figure] = [
            .init(label: user.role == .caseworker ? "Open cases you lead" : "Open cases in the region", value: counts.open),
            .init(label: "No contact for \(attention.noContactDays) days", value: counts.no_contact),
            .init(label: "Reviews due", value: counts.reviews_due),
            .init(label: "Open rescues", value: rescues.count),
            .init(label: "Referrals awaiting screening", value: try await queries.awaitingScreening()),
        ]
        var sections = [
            Section(title: "No contact for \(attention.noContactDays) days", id: "no-contact",
                    items: try await queries.noContact(limit: listLength).map {
                        caseItem($0, $0.last.map { "last contact \(DateFormats.shown($0))" } ?? "no contact yet")
                    }, total: counts.no_contact, empty: "Every case has had a recent contact."),
            Section(title: "Reviews due", id: "reviews-due",
                    items: try await queries.reviewsDue(limit: listLength).map { caseItem($0, "last measures \($0.last_measure ?? "never")") },
                    total: counts.reviews_due, empty: "No reviews are due."),
            Section(title: "Open rescues", id: "open-rescues",
                    items: rescues.map { rescue in
                        Item(label: "\(rescue.first_name) \(rescue.last_name)", href: SiteURL.rescue(rescue.id).path,
                             detail: rescue.call_at.map { RescueLogPage.elapsed(from: $0, to: now) + " since the call" } ?? "")
                    }, total: rescues.count, empty: "No rescue is under way."),
        ]
        // The partners' referrals first: an urgent one's call-back clock runs in minutes.
        let partners = try await PartnerReferralQueue.section(scope: RegionScope(user), now: now, limit: listLength, on: db)
        figures.insert(.init(label: "Partner referrals to triage or call back", value: partners.total), at: 0)
        sections.insert(partners.section, at: 0)
        if user.role == .manager {
            figures.append(.init(label: "Cases awaiting a lead", value: counts.unassigned))
            figures.append(.init(label: "Closures awaiting approval", value: counts.closures))
            sections.insert(Section(title: "Cases awaiting a lead", id: "awaiting-lead",
                                    items: try await queries.awaitingLead(limit: listLength).map { caseItem($0, "opened \($0.opened_date)") },
                                    total: counts.unassigned, empty: "Every open case has a lead caseworker."), at: 0)
            sections.insert(Section(title: "Closures awaiting approval", id: "closures-awaiting",
                                    items: try await queries.closuresAwaiting(limit: listLength).map {
                                        caseItem($0, try $0.closure_requested_reason.map(cipher.open) ?? "")
                                    }, total: counts.closures, empty: "No closure is waiting."), at: 1)
            sections.insert(contentsOf: try await AlertsDashboard.sections(for: user, now: now, on: db), at: 0)
        }
        return Dashboard(figures: figures, sections: sections)
    }
}

/// The partners' referrals still to do, for a home page: those awaiting triage and those whose call-back is not yet
/// recorded, the clock that runs out first at the top.
enum PartnerReferralQueue {
    static func section(scope: RegionScope, now: Date, limit: Int, on db: any Database) async throws -> (section: Dashboard.Section, total: Int) {
        let open = scope.openPartnerReferrals(on: db)
        let total = try await open.copy().count()
        let items = try await open.sort(\.$calledBackAt, .ascending).sort(\.$callBackDue).limit(limit).all().map {
            Dashboard.Item(label: "\($0.ref) (\($0.path.label.lowercased())\($0.status == .triaged ? ", recorded" : ""))",
                           href: SiteURL.partnerReferral($0.id).path,
                           detail: "call back by \(DateFormats.shown($0.callBackDue)): \($0.clock.summary(at: now))",
                           overdue: $0.clock.isOverdue(at: now))
        }
        return (Dashboard.Section(title: "Partner referrals to triage or call back", id: "partner-referrals", items: items,
                                  total: total, empty: "No partner referral is waiting."), total)
    }
}

/// The dashboard's SQL: open cases in the scope (a caseworker's: those they lead), counted and listed.
struct DashboardQueries {
    let scope: RegionScope
    let leadOnly: UUID?
    let quietSince: Date
    /// A case is due a review when nothing was measured after this day (and it opened on or before it).
    let reviewCutoff: String
    let sql: any SQLDatabase

    struct Counts: Decodable {
        let open: Int
        let unassigned: Int
        let closures: Int
        let no_contact: Int
        let reviews_due: Int
    }

    struct CaseRow: Decodable {
        let id: UUID
        let first_name: String
        let last_name: String
        let opened_date: String
        let closure_requested_reason: String?
        let last: Date?
        let last_measure: String?
    }

    struct RescueRow: Decodable {
        let id: UUID
        let first_name: String
        let last_name: String
        let call_at: Date?
    }

    private var openCases: SQLQueryString { scope.openCases(ledBy: leadOnly) }

    private var quiet: SQLQueryString {
        "(c.last_contact_at IS NULL OR c.last_contact_at < \(bind: quietSince))"
    }

    /// Measured last on or before the cut-off, or never measured and opened on or before it.
    private var reviewDue: SQLQueryString {
        "coalesce(c.last_measured_on, c.opened_date) <= \(bind: reviewCutoff)"
    }

    /// Read from `cases_activity` alone.
    func counts() async throws -> Counts {
        try await sql.raw("""
            SELECT count(*) AS open,
                   coalesce(sum(CASE WHEN c.lead_caseworker_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned,
                   coalesce(sum(CASE WHEN c.closure_requested_on IS NOT NULL THEN 1 ELSE 0 END), 0) AS closures,
                   coalesce(sum(CASE WHEN \(quiet) THEN 1 ELSE 0 END), 0) AS no_contact,
                   coalesce(sum(CASE WHEN \(reviewDue) THEN 1 ELSE 0 END), 0) AS reviews_due
            FROM cases c WHERE \(openCases)
            """).first(decoding: Counts.self) ?? Counts(open: 0, unassigned: 0, closures: 0, no_contact: 0, reviews_due: 0)
    }

    /// The first rows in order, chosen from `cases_activity` before their young people are read.
    private func list(where condition: SQLQueryString, orderBy order: SQLQueryString, limit: Int) async throws -> [CaseRow] {
        try await sql.raw("""
            SELECT c.id AS id, p.first_name AS first_name, p.last_name AS last_name, c.opened_date AS opened_date,
                   s.closure_requested_reason AS closure_requested_reason, c.last_contact_at AS last,
                   c.last_measured_on AS last_measure
            FROM (SELECT c.id, c.person_id, c.opened_date, c.last_contact_at, c.last_measured_on, c.closure_requested_on
                  FROM cases c WHERE \(openCases) AND \(condition) ORDER BY \(order) LIMIT \(literal: limit)) c
            JOIN people p ON p.id = c.person_id JOIN cases s ON s.id = c.id
            ORDER BY \(order)
            """).all(decoding: CaseRow.self)
    }

    /// The longest without a contact first: never contacted, then the oldest contact.
    func noContact(limit: Int) async throws -> [CaseRow] {
        try await list(where: quiet, orderBy: "(c.last_contact_at IS NOT NULL), c.last_contact_at, c.opened_date", limit: limit)
    }

    func reviewsDue(limit: Int) async throws -> [CaseRow] {
        try await list(where: reviewDue, orderBy: "(c.last_measured_on IS NOT NULL), c.last_measured_on, c.opened_date", limit: limit)
    }

    func awaitingLead(limit: Int) async throws -> [CaseRow] {
        try await list(where: "c.lead_caseworker_id IS NULL", orderBy: "c.opened_date", limit: limit)
    }

    func closuresAwaiting(limit: Int) async throws -> [CaseRow] {
        try await list(where: "c.closure_requested_on IS NOT NULL", orderBy: "c.closure_requested_on, c.opened_date", limit: limit)
    }

    /// Rescues under way: a rescue referral still awaiting screening whose rescue has no outcome yet.
    func openRescues() async throws -> [RescueRow] {
        try await sql.raw("""
            SELECT s.id AS id, r.first_name AS first_name, r.last_name AS last_name, s.call_at AS call_at
            FROM referrals r JOIN rescues s ON s.referral_id = r.id
            WHERE \(scope.condition(on: "r.region_id")) AND r.service = 'rescue' AND r.status = 'awaiting_screening'
              AND s.outcome IS NULL
            ORDER BY s.call_at
            """).all(decoding: RescueRow.self)
    }

    func awaitingScreening() async throws -> Int {
        struct Count: Decodable { let count: Int }
        return try await sql.raw("""
            SELECT count(*) AS count FROM referrals r
            WHERE \(scope.condition(on: "r.region_id")) AND r.status = 'awaiting_screening'
            """).first(decoding: Count.self)?.count ?? 0
    }
}
