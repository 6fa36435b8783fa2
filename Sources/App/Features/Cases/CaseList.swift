import Domain
import Fluent
import Foundation
import SQLKit

/// The case list (`/cases`): its page model, its SQL and its filters.
struct CaseListPage: Encodable {
    struct Row: Encodable {
        let path: String
        let name: String
        let opened: String
        let lead: String?
        let risk: String
        let lastContact: String
        let waiting: String
        let overdue: Bool
        let closureRequested: Bool

        init(_ row: CaseListQueries.Row, now: Date) {
            path = SiteURL.supportCase(row.id).path
            name = "\(row.first_name) \(row.last_name)"
            opened = row.opened_date
            lead = row.lead
            risk = row.risk ?? "not rated"
            lastContact = row.last_contact.map(DateFormats.shown) ?? "none"
            // A case waits for a lead from when it was opened.
            let waited = now.timeIntervalSince(row.created_at ?? now)
            let allowed = RiskLevel.leadWaitTarget(row.risk.flatMap(RiskLevel.init(rawValue:)))
            waiting = row.lead == nil ? "\(Int(waited / 3600)) h \(Int(waited.truncatingRemainder(dividingBy: 3600) / 60)) min" : ""
            overdue = row.lead == nil && waited > allowed
            closureRequested = row.closure_requested
        }
    }

    static let pageSize = 50

    let layout: Layout
    let heading: String
    /// The open cases the filter matches, on every page.
    let total: Int
    let awaiting: [Row]
    let assigned: [Row]
    let awaitingClosure: [Row]
    let isManager: Bool
    let caseloads: [Caseload]
    let pageText: String
    let previousPage: String?
    let nextPage: String?
    let show: FormField
    let sort: FormField
    /// Managers: whose caseload to show (drawn only for managers: caseworkers see their own).
    let lead: FormField

    struct Caseload: Encodable {
        let name: String
        let open: Int
    }
}

/// The case lists' SQL: open cases in the scope (a caseworker's: those they lead), with their young person, lead,
/// latest risk rating and last contact, each read for the rows shown only.
struct CaseListQueries {
    let scope: RegionScope
    let leadOnly: UUID?
    let sql: any SQLDatabase

    struct Row: Decodable {
        let id: UUID
        let first_name: String
        let last_name: String
        let opened_date: String
        let created_at: Date?
        let lead: String?
        let risk: String?
        let last_contact: Date?
        let closure_requested: Bool
    }

    private var open: SQLQueryString { scope.openCases(ledBy: leadOnly) }

    func count(where condition: SQLQueryString) async throws -> Int {
        struct Count: Decodable { let count: Int }
        return try await sql.raw("SELECT count(*) AS count FROM cases c WHERE \(open) AND \(condition)")
            .first(decoding: Count.self)?.count ?? 0
    }

    /// A page of rows in the chosen order: chosen from `cases_activity` (and the people's names, for that order),
    /// then completed for the rows shown.
    func rows(where condition: SQLQueryString, order: CaseListFilter.Sort, limit: Int, offset: Int) async throws -> [Row] {
        let inner: SQLQueryString, outer: SQLQueryString
        switch order {
        case .oldest: (inner, outer) = ("c.opened_date, c.id", "c.opened_date, c.id")
        case .newest: (inner, outer) = ("c.opened_date DESC, c.id DESC", "c.opened_date DESC, c.id DESC")
        // Never contacted first, then the longest ago.
        case .quietest: (inner, outer) = ("c.last_contact_at IS NOT NULL, c.last_contact_at, c.id", "c.last_contact_at IS NOT NULL, c.last_contact_at, c.id")
        case .name:
            return try await sql.raw("""
                SELECT c.id AS id, p.first_name AS first_name, p.last_name AS last_name, c.opened_date AS opened_date,
                       c.created_at AS created_at, u.display_name AS lead,
                       (SELECT k.rating FROM risk_ratings k WHERE k.case_id = c.id ORDER BY k.rated_at DESC LIMIT 1) AS risk,
                       c.last_contact_at AS last_contact, (c.closure_requested_on IS NOT NULL) AS closure_requested
                FROM cases c JOIN people p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.lead_caseworker_id
                WHERE \(open) AND \(condition)
                ORDER BY p.folded_last, p.folded_first, c.id LIMIT \(literal: limit) OFFSET \(literal: offset)
                """).all(decoding: Row.self)
        }
        return try await sql.raw("""
            SELECT c.id AS id, p.first_name AS first_name, p.last_name AS last_name, c.opened_date AS opened_date,
                   s.created_at AS created_at, u.display_name AS lead,
                   (SELECT k.rating FROM risk_ratings k WHERE k.case_id = c.id ORDER BY k.rated_at DESC LIMIT 1) AS risk,
                   c.last_contact_at AS last_contact, (c.closure_requested_on IS NOT NULL) AS closure_requested
            FROM (SELECT c.id, c.person_id, c.lead_caseworker_id, c.opened_date, c.last_contact_at, c.closure_requested_on
                  FROM cases c WHERE \(open) AND \(condition)
                  ORDER BY \(inner) LIMIT \(literal: limit) OFFSET \(literal: offset)) c
            JOIN cases s ON s.id = c.id JOIN people p ON p.id = c.person_id LEFT JOIN users u ON u.id = c.lead_caseworker_id
            ORDER BY \(outer)
            """).all(decoding: Row.self)
    }
}

/// What the case list shows and in which order, from its address (`?show=quiet&sort=quietest&lead=…`): only the
/// page's own words and a caseworker's id, so no young person's name ever goes into a URL.
struct CaseListFilter {
    enum Show: String, CaseIterable {
        case all, quiet, red, closing

        func label(noContactDays: Int) -> String {
            switch self {
            case .all: "All open cases with a lead"
            case .quiet: "No contact for \(noContactDays) days"
            case .red: "Risk rated red"
            case .closing: "Closure requested"
            }
        }
    }

    enum Sort: String, CaseIterable {
        case oldest, newest, quietest, name

        var label: String {
            switch self {
            case .oldest: "oldest first"
            case .newest: "newest first"
            case .quietest: "longest without contact first"
            case .name: "by last name"
            }
        }
    }

    let show: Show
    let sort: Sort
    let lead: UUID?

    init(show: String?, sort: String?, lead: UUID?) {
        self.show = show.flatMap(Show.init) ?? .all
        self.sort = sort.flatMap(Sort.init) ?? .oldest
        self.lead = lead
    }

    func condition(quietSince: Date) -> SQLQueryString {
        var condition: SQLQueryString = "c.lead_caseworker_id IS NOT NULL"
        switch show {
        case .all: break
        case .quiet: condition = condition + " AND (c.last_contact_at IS NULL OR c.last_contact_at < \(bind: quietSince))"
        case .red:
            condition = condition + " AND (SELECT k.rating FROM risk_ratings k WHERE k.case_id = c.id ORDER BY k.rated_at DESC LIMIT 1) = 'red'"
        case .closing: condition = condition + " AND c.closure_requested_on IS NOT NULL"
        }
        if let lead { condition = condition + " AND c.lead_caseworker_id = \(bind: lead)" }
        return condition
    }

    func showLabel(noContactDays: Int) -> String {
        switch show {
        case .all: ""
        case .quiet: " with no contact for \(noContactDays) days"
        case .red: " rated red"
        case .closing: " awaiting closure"
        }
    }

    func path(page: Int) -> String {
        var items = ["show=\(show.rawValue)", "sort=\(sort.rawValue)"]
        if let lead { items.append("lead=\(lead.uuidString)") }
        items.append("page=\(page)")
        return SiteURL.cases.path + "?" + items.joined(separator: "&")
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension CaseListPage {
    /// Open cases `page` by page, and for managers the cases awaiting a lead, the caseload of each caseworker and
    /// the closures awaiting approval: each one query, counted in SQL.
    static func make(scope: RegionScope, user: CurrentUser, filter: CaseListFilter, page: Int, settings: Settings,
                     layout: Layout, now: Date, on db: any Database) async throws -> CaseListPage {
        let queries = CaseListQueries(scope: scope, leadOnly: user.role == .caseworker ? user.id : nil, sql: db as! any SQLDatabase)
        let condition = filter.condition(quietSince: settings.caseAttention.quietSince(now: now))
        let total = try await queries.count(where: condition)
        let assigned = try await queries.rows(where: condition, order: filter.sort, limit: CaseListPage.pageSize,
                                              offset: (page - 1) * CaseListPage.pageSize).map { CaseListPage.Row($0, now: now) }
        var awaiting: [CaseListPage.Row] = []
        var awaitingClosure: [CaseListPage.Row] = []
        var caseloads: [CaseListPage.Caseload] = []
        var leads: [CaseStaff.Lead] = []
        if user.role == .manager, let regionID = user.regionID {
            awaiting = try await queries.rows(where: "c.lead_caseworker_id IS NULL", order: .oldest, limit: 100, offset: 0)
                .map { CaseListPage.Row($0, now: now) }
            awaitingClosure = try await queries.rows(where: "c.closure_requested_on IS NOT NULL", order: .oldest, limit: 100, offset: 0)
                .map { CaseListPage.Row($0, now: now) }
            // Caseload per caseworker: the open cases each leads (SPEC §2.5), for managers assigning work.
            leads = try await CaseStaff.leads(regionID: regionID, today: CivilDate.today(at: now), on: db)
            caseloads = leads.map { CaseListPage.Caseload(name: $0.name, open: $0.openCases) }
        }
        let pages = max(1, (total + CaseListPage.pageSize - 1) / CaseListPage.pageSize)
        return CaseListPage(
            layout: layout, heading: layout.title, total: total, awaiting: awaiting, assigned: assigned,
            awaitingClosure: awaitingClosure, isManager: user.role == .manager, caseloads: caseloads,
            pageText: total == 0 ? "No open cases\(filter.showLabel(noContactDays: settings.noContactDays))."
                : "Page \(min(page, pages)) of \(pages): \(total.formatted()) open cases\(filter.showLabel(noContactDays: settings.noContactDays)), \(filter.sort.label).",
            previousPage: page > 1 ? filter.path(page: page - 1) : nil,
            nextPage: page < pages ? filter.path(page: page + 1) : nil,
            show: FormField("show").select("Show", options: CaseListFilter.Show.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label(noContactDays: settings.noContactDays), selected: $0 == filter.show)
            }),
            sort: FormField("sort").select("Order", options: CaseListFilter.Sort.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label.capitalizedFirst, selected: $0 == filter.sort)
            }),
            lead: FormField("lead").select("Lead caseworker", options: [SelectOption(value: "", label: "Any caseworker", selected: filter.lead == nil)]
                + leads.map { SelectOption(value: $0.id.uuidString, label: $0.name, selected: $0.id == filter.lead) }))
    }
}
