import Domain
import Fluent
import Vapor

/// Recording referrals and finding them: the front door of the service (SPEC §2.1).
struct ReferralsController {
    static let readers: Set<Role> = [.caseworker, .manager, .nationalLead]
    static let writers: Set<Role> = [.caseworker, .manager]
    static let pageSize = 25

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .referrals, access: .roles(Self.readers), use: list)
        routes.on(.GET, .referralNew, access: .roles(Self.writers), use: showNew)
        routes.on(.POST, .referralNew, access: .roles(Self.writers), use: create)
        routes.on(.GET, .referral(nil), access: .roles(Self.readers), use: show)
    }

    func list(req: Request) async throws -> View {
        let scope = try req.scope
        let filters = ReferralFilters(req)
        var query = scope.referrals(on: req.db).filter(\.$status == filters.status)
        if let from = filters.from { query = query.filter(\.$receivedDate >= from.description) }
        if let to = filters.to { query = query.filter(\.$receivedDate <= to.description) }
        if let source = filters.source { query = query.filter(\.$referralSource == source) }
        if let authority = filters.localAuthority { query = query.filter(\.$homeLocalAuthority == authority) }
        let total = try await query.count()
        let direction: DatabaseQuery.Sort.Direction = filters.newestFirst ? .descending : .ascending
        let referrals = try await query.sort(\.$receivedDate, direction).sort(\.$ref, direction).with(\.$region)
            .range(lower: (filters.page - 1) * Self.pageSize, upper: filters.page * Self.pageSize).all()
        let labels = try await CodeLabels.load(on: req.db)
        let page = try await ReferralListPage.make(referrals: referrals, total: total, filters: filters, labels: labels,
                                                   canWrite: scope.canWrite, user: try req.requireUser(),
                                                   layout: req.layout(title: "Referrals"), on: req.db)
        try await req.audit(.referralList, objectType: .referral, detail: "status \(filters.status.rawValue), \(total) found")
        return try await req.view.render("referrals/list", page)
    }

    func showNew(req: Request) async throws -> View {
        if let id = req.query[String.self, at: "partner"] {
            let partner = try await PartnerTriage.find(id, req: req)
            return try await render(req, form: try await PartnerTriage.form(from: partner, req: req), errors: FieldErrors())
        }
        var form = ReferralForm()
        form.receivedDate = CivilDate.today(at: req.now).description
        form.service = Service.support.rawValue
        return try await render(req, form: form, errors: FieldErrors())
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(ReferralForm.self)
        // Checked before the form: a partner referral of another region, or already triaged, is refused first.
        let partner = try await form.partnerReferral.flatMap { $0.isEmpty ? nil : $0 }.asyncMap { try await PartnerTriage.find($0, req: req) }
        let codes = try await ImportReferenceData.load(on: req.db).codes
        switch form.check(codes: codes, today: CivilDate.today(at: req.now)) {
        case let .failure(errors):
            return try await render(req, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        case let .success(checked):
            let user = try req.requireUser()
            let referral = try await ReferralIntake.create(checked, user: user, req: req,
                                                           within: partner.map { PartnerTriage.claim($0, user: user, req: req) })
            return try req.redirect(to: SiteURL.referral(referral.id).path, saved: partner == nil ? .referralCreated : .partnerReferralTriaged)
        }
    }

    /// A referral's page for this request: its user, session and clock.
    static func page(_ req: Request, _ referral: Referral, scope: RegionScope, errors: FieldErrors = FieldErrors(),
                     typed: ScreeningController.DeclineForm? = nil, shareReason: String = "") async throws -> ReferralPage {
        try await ReferralPage.make(referral, scope: scope, errors: errors, typed: typed, shareReason: shareReason,
                                    user: try req.requireUser(), layout: req.layout(title: (errors.isEmpty ? "" : "Error: ") + "Referral \(referral.ref)"),
                                    settings: req.application.settings, cipher: req.application.cipher, now: req.now,
                                    on: req.db)
    }

    func show(req: Request) async throws -> View {
        let scope = try req.scope
        let referral = try await scope.findReferral(req.parameters.get("referralID", as: UUID.self), req: req)
        let page = try await Self.page(req, referral, scope: scope)
        try await req.audit(.referralViewed, objectType: .referral, objectID: referral.id!.uuidString,
                            region: referral.region.code)
        return try await req.view.render("referrals/show", page)
    }

    private func render(_ req: Request, form: ReferralForm, errors: FieldErrors) async throws -> View {
        let user = try req.requireUser()
        let page = try await ReferralFormPage.make(user: user, form: form, errors: errors, layout: req.layout(title: "Record a referral"), on: req.db)
        return try await req.view.render("referrals/new", page)
    }
}

/// The list's filters, read from the query string; bad values are ignored rather than refused (a date that is not
/// one is shown back in its field with the problem beside it).
struct ReferralFilters: Sendable {
    var status: Referral.Status
    var fromFilter: DateFilter
    var toFilter: DateFilter
    var from: CivilDate? { fromFilter.date }
    var to: CivilDate? { toFilter.date }
    var source: String?
    var localAuthority: String?
    var page: Int
    /// The order asked for; by default the oldest unscreened first (nobody waits at the back of the queue) and the
    /// newest first otherwise.
    var order: String?

    var newestFirst: Bool { order.map { $0 == "newest" } ?? (status != .awaitingScreening) }

    init(_ req: Request) {
        status = req.query[String.self, at: "status"].flatMap(Referral.Status.init) ?? .awaitingScreening
        fromFilter = DateFilter(req.query[String.self, at: "from"])
        toFilter = DateFilter(req.query[String.self, at: "to"])
        source = req.query[String.self, at: "source"].flatMap { $0.isEmpty ? nil : $0 }
        localAuthority = req.query[String.self, at: "localAuthority"].flatMap { $0.isEmpty ? nil : $0 }
        page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 100_000))
        order = req.query[String.self, at: "order"].flatMap { ["newest", "oldest"].contains($0) ? $0 : nil }
    }

    func query(page: Int) -> String {
        var parts = ["status=\(status.rawValue)", "page=\(page)"]
        if let order { parts.append("order=\(order)") }
        if let from { parts.append("from=\(from)") }
        if let to { parts.append("to=\(to)") }
        if let source { parts.append("source=\(source.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
        if let localAuthority {
            parts.append("localAuthority=\(localAuthority.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        }
        return "?" + parts.joined(separator: "&")
    }
}
