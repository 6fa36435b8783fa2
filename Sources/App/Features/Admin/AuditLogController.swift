import Fluent
import Vapor

/// Admins search the audit log by person acting, action, object and date (ASVS v5.0.0-16.x). Entries hold no
/// narrative, so admins see them without seeing case content. Searching is itself audited.
struct AuditLogController {
    static let pageSize = 50

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .adminAudit, access: .roles([.admin]), use: search)
    }

    func search(req: Request) async throws -> View {
        let filters = AuditFilters(req)
        let page = try await AuditPage.make(filters: filters, layout: req.layout(title: "Audit log"), on: req.db)
        try await req.audit(.auditSearched, objectType: .audit, detail: filters.description)
        return try await req.view.render("admin/audit", page)
    }
}

struct AuditFilters: CustomStringConvertible {
    let actor: String?
    let action: String?
    let object: String?
    let from: String?
    let to: String?
    /// The dates as typed, shown back with their problem when they are not dates.
    let fromFilter: DateFilter
    let toFilter: DateFilter
    let page: Int

    init(actor: String? = nil, action: String? = nil, object: String? = nil, from: String? = nil, to: String? = nil, page: Int = 1) {
        self.actor = actor
        self.action = action
        self.object = object
        fromFilter = DateFilter(from)
        toFilter = DateFilter(to)
        self.from = fromFilter.date?.description
        self.to = toFilter.date?.description
        self.page = page
    }

    /// The filters from the address, trimmed and cut to 200 characters; dates only when they are real dates.
    init(_ req: Request) {
        func text(_ name: String) -> String? {
            guard let value = req.query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return String(value.prefix(200))
        }
        actor = text("actor")?.lowercased()
        action = text("action")
        object = text("object")
        fromFilter = DateFilter(text("from"))
        toFilter = DateFilter(text("to"))
        from = fromFilter.date?.description
        to = toFilter.date?.description
        page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 1_000_000))
    }

    var description: String {
        [("actor", actor), ("action", action), ("object", object), ("from", from), ("to", to)]
            .compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
    }

    func link(page: Int) -> String {
        var parts = ["page=\(page)"]
        for (name, value) in [("actor", actor), ("action", action), ("object", object), ("from", from), ("to", to)] {
            if let value { parts.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        }
        return SiteURL.adminAudit.path + "?" + parts.joined(separator: "&")
    }
}


struct AuditPage: Encodable {
    struct Row: Encodable {
        let seq: Int
        let at: String
        let actor: String
        let action: String
        let outcome: String
        let object: String
        let region: String
        let address: String
        let detail: String

        init(_ event: AuditEvent) {
            seq = event.seq
            at = event.at
            actor = event.actor.isEmpty ? "—" : event.actor
            action = event.action
            outcome = event.outcome
            object = event.objectType.isEmpty ? "" : "\(event.objectType) \(event.objectID)"
            region = event.region
            address = event.address
            // An import's entry names every record it wrote (thousands of refs): the page shows its start.
            detail = event.detail.count > Self.detailShown
                ? String(event.detail.prefix(Self.detailShown)) + "… (\(event.detail.count - Self.detailShown) more characters)"
                : event.detail
        }

        static let detailShown = 600
    }

    let layout: Layout
    /// The search's filters, as chosen.
    let actor, action, object, from, to: FormField
    let events: [Row]
    let total: Int
    let previousPage: String?
    let nextPage: String?
}

extension AuditPage {
    /// The entries the filters match, newest first, a page of `AuditLogController.pageSize` at a time, and how many
    /// there are in all.
    static func make(filters: AuditFilters, layout: Layout, on db: any Database) async throws -> AuditPage {
        let pageSize = AuditLogController.pageSize
        var query = AuditEvent.query(on: db)
        if let actor = filters.actor { query = query.filter(\.$actor == actor) }
        if let action = filters.action { query = query.filter(\.$action == action) }
        if let object = filters.object { query = query.filter(\.$objectID == object) }
        if let from = filters.from { query = query.filter(\.$at >= from) }
        if let to = filters.to { query = query.filter(\.$at < to + "T99") }
        let total = try await query.count()
        let events = try await query.sort(\.$seq, .descending)
            .range(lower: (filters.page - 1) * pageSize, upper: filters.page * pageSize).all()
        let pages = max(1, (total + pageSize - 1) / pageSize)
        return AuditPage(
            layout: layout,
            actor: FormField("actor", value: filters.actor ?? "").drawn("Email of the person acting"),
            action: FormField("action", value: filters.action ?? "").drawn("Action"),
            object: FormField("object", value: filters.object ?? "").drawn("Record id"),
            from: filters.fromFilter.field("from", label: "From"),
            to: filters.toFilter.field("to", label: "To"),
            events: events.map(Row.init), total: total,
            previousPage: filters.page > 1 ? filters.link(page: filters.page - 1) : nil,
            nextPage: filters.page < pages ? filters.link(page: filters.page + 1) : nil)
    }
}
