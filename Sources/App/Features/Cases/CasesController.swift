import Domain
import Fluent
import SQLKit
import Vapor

/// Caseloads and the case page: a timeline of everything that happened, newest first (SPEC §2.4).
struct CasesController {
    static let readers: Set<Role> = [.caseworker, .manager, .nationalLead]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .cases, access: .roles(Self.readers), use: list)
        routes.on(.GET, .supportCase(nil), access: .roles(Self.readers), use: show)
        routes.on(.GET, .caseTimeline(nil), access: .roles(Self.readers), use: timeline)
        routes.on(.GET, .caseViewers(nil), access: .roles([.manager]), use: viewers)
    }

    /// Open cases a page at a time (a region holds thousands), and for managers the cases awaiting a lead, the
    /// caseload of each caseworker and the closures awaiting approval: each one query, counted in SQL.
    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 100_000))
        // Filters and order from the address: words of the page's own choosing, never a name.
        let filter = CaseListFilter(show: req.query[String.self, at: "show"], sort: req.query[String.self, at: "sort"],
                                    lead: user.role == .manager ? req.query[UUID.self, at: "lead"] : nil)
        let heading = user.role == .caseworker ? "Your caseload" : "Open cases"
        let listPage = try await CaseListPage.make(scope: req.scope, user: user, filter: filter, page: page,
                                                   settings: req.application.settings, layout: req.layout(title: heading),
                                                   now: req.now, on: req.db)
        try await req.audit(.caseList, objectType: .supportCase,
                            detail: "\(listPage.total) open, page \(page), \(filter.show.rawValue), \(filter.sort.rawValue)")
        return try await req.view.render("cases/list", listPage)
    }

    /// The case page, rendered for every view: its access check, its records and who has looked at it are as
    /// of this request. The view is audited before the page is made, so the list of viewers includes it.
    func show(req: Request) async throws -> View {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        try await req.audit(.caseViewed, objectType: .supportCase, objectID: try supportCase.requireID().uuidString,
                            region: supportCase.region.code)
        let page = try await CaseWrites.page(req, supportCase, scope: scope)
        return try await req.view.render("cases/show", page)
    }
}

extension CasesController {
    /// The whole timeline of a case, for anyone who may see the case; a view of the case like any other.
    func timeline(req: Request) async throws -> View {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        let caseID = try supportCase.requireID()
        try await req.audit(.caseViewed, objectType: .supportCase, objectID: caseID.uuidString, region: supportCase.region.code,
                            detail: "whole timeline")
        let timeline = try await CaseTimeline.load(supportCase, canSeeSensitive: scope.canReadSensitive(supportCase),
                                                   labels: try await CodeLabels.load([.closureReason], on: req.db),
                                                   cipher: req.application.cipher, latest: nil, on: req.db)
        let name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
        return try await req.view.render("cases/timeline", CaseSubPage(
            layout: req.layout(title: "Timeline: \(name)"), name: name, region: supportCase.region.name,
            casePath: SiteURL.supportCase(caseID).path, events: timeline.events, viewers: nil))
    }

    /// The last fifty views of a case, for its region's managers (SPEC §2.9). Reading it is audited, but not as
    /// a view of the case, so it does not list itself.
    func viewers(req: Request) async throws -> View {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        let caseID = try supportCase.requireID()
        try await req.audit(.caseViewersRead, objectType: .supportCase, objectID: caseID.uuidString, region: supportCase.region.code)
        let name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
        let viewers = try await CaseViewer.last50(of: caseID, on: req.db as! any SQLDatabase)
        return try await req.view.render("cases/viewers", CaseSubPage(
            layout: req.layout(title: "Who has looked at this case: \(name)"), name: name, region: supportCase.region.name,
            casePath: SiteURL.supportCase(caseID).path, events: nil, viewers: viewers.isEmpty ? nil : viewers))
    }
}

/// A page about one case beside the case page: its whole timeline, or who has looked at it.
struct CaseSubPage: Encodable {
    let layout: Layout
    let name: String
    let region: String
    let casePath: String
    let events: [CaseTimeline.Event]?
    /// Nil on the timeline; on the viewers page, nil when nobody has looked yet (Leaf treats an empty array as true).
    let viewers: [CaseViewer]?
}
