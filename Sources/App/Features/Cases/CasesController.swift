import Domain
import Fluent
import Vapor

/// Caseloads and the case page: a timeline of everything that happened, newest first (SPEC §2.4).
struct CasesController {
    static let readers: Set<Role> = [.caseworker, .manager, .nationalLead]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .cases, access: .roles(Self.readers), use: list)
        routes.on(.GET, .supportCase(nil), access: .roles(Self.readers), use: show)
    }

    func list(req: Request) async throws -> View {
        let scope = try req.scope
        let user = try req.requireUser()
        var query = scope.cases(on: req.db).filter(\.$closedDate == nil).with(\.$person).with(\.$leadCaseworker)
        if user.role == .caseworker { query = query.filter(\.$leadCaseworker.$id == user.id) }
        let open = try await query.sort(\.$openedDate).limit(500).all()
        let latestRisk = try await CaseQueries.latestRisk(for: open.compactMap(\.id), on: req.db)
        let lastContact = try await CaseQueries.lastContact(for: open.compactMap(\.id), on: req.db)
        let now = req.now
        let rows = open.map { item in
            CaseListPage.Row(supportCase: item, risk: latestRisk[item.id!], lastContact: lastContact[item.id!], now: now)
        }
        // Caseload per caseworker: the open cases each leads (SPEC §2.5), for managers assigning work.
        var caseloads: [CaseListPage.Caseload] = []
        if user.role == .manager, let regionID = user.regionID {
            let workers = try await User.query(on: req.db).filter(\.$region.$id == regionID)
                .filter(\.$role ~~ [.caseworker, .manager]).filter(\.$disabled == false).sort(\.$displayName).all()
            caseloads = workers.map { worker in
                CaseListPage.Caseload(name: worker.displayName, open: open.filter { $0.$leadCaseworker.id == worker.id }.count)
            }
        }
        let page = CaseListPage(
            layout: req.layout(title: user.role == .caseworker ? "Your caseload" : "Open cases"),
            heading: user.role == .caseworker ? "Your caseload" : "Open cases",
            awaiting: rows.filter { $0.lead == nil }, assigned: rows.filter { $0.lead != nil },
            awaitingClosure: rows.filter(\.closureRequested), isManager: user.role == .manager, caseloads: caseloads)
        try await req.audit("case.list", objectType: "case", detail: "\(rows.count) open")
        return try await req.view.render("cases/list", page)
    }

    /// The case page, rendered for every view: its access check, its records and who has looked at it are as
    /// of this request. The view is audited before the page is made, so the list of viewers includes it.
    func show(req: Request) async throws -> View {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        try await req.audit("case.viewed", objectType: "case", objectID: try supportCase.requireID().uuidString,
                            region: supportCase.region.code)
        let page = try await CasePage.make(req: req, supportCase: supportCase, scope: scope, errors: FieldErrors())
        return try await req.view.render("cases/show", page)
    }
}

/// Queries the case pages share: one grouped query each, never one per case.
enum CaseQueries {
    static func latestRisk(for caseIDs: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !caseIDs.isEmpty else { return [:] }
        var result: [UUID: (Date, String)] = [:]
        for chunk in caseIDs.chunked(into: 500) {
            for rating in try await RiskRating.query(on: db).filter(\.$supportCase.$id ~~ Array(chunk)).all() {
                let id = rating.$supportCase.id
                if result[id].map({ $0.0 < rating.ratedAt }) ?? true { result[id] = (rating.ratedAt, rating.rating) }
            }
        }
        return result.mapValues(\.1)
    }

    static func lastContact(for caseIDs: [UUID], on db: any Database) async throws -> [UUID: Date] {
        guard !caseIDs.isEmpty else { return [:] }
        var result: [UUID: Date] = [:]
        for chunk in caseIDs.chunked(into: 500) {
            for contact in try await Contact.query(on: db).filter(\.$supportCase.$id ~~ Array(chunk)).field(\.$supportCase.$id)
                .field(\.$happenedAt).all() {
                let id = contact.$supportCase.id
                result[id] = max(result[id] ?? .distantPast, contact.happenedAt)
            }
        }
        return result
    }
}

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

        init(supportCase: SupportCase, risk: String?, lastContact: Date?, now: Date) {
            path = SiteURL.supportCase(supportCase.id).path
            name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
            opened = supportCase.openedDate
            lead = supportCase.leadCaseworker?.displayName
            self.risk = risk ?? "not rated"
            self.lastContact = lastContact.map(AccountController.format) ?? "none"
            // A case waits for a lead from when it was opened: due within 3 hours, 1 hour when risk is red.
            let waited = now.timeIntervalSince(supportCase.createdAt ?? now)
            let allowed: TimeInterval = risk == "red" ? 3600 : 3 * 3600
            waiting = supportCase.leadCaseworker == nil ? "\(Int(waited / 3600)) h \(Int(waited.truncatingRemainder(dividingBy: 3600) / 60)) min" : ""
            overdue = supportCase.leadCaseworker == nil && waited > allowed
            closureRequested = supportCase.closureRequestedReason != nil
        }
    }

    let layout: Layout
    let heading: String
    let awaiting: [Row]
    let assigned: [Row]
    let awaitingClosure: [Row]
    let isManager: Bool
    let caseloads: [Caseload]

    struct Caseload: Encodable {
        let name: String
        let open: Int
    }
}
