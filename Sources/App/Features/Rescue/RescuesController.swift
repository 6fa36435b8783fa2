import Domain
import Fluent
import SQLKit
import Vapor

/// Rescue: a call at 2 a.m., a caseworker dispatched, the young person brought home, and the rescue turned into
/// a support case with the same caseworker (SPEC §2.3). The rescue log shows open rescues with their clock.
struct RescuesController {

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .rescues, access: .roles(CasesController.readers), use: log)
        routes.on(.GET, .rescueNew, access: .roles(ReferralsController.writers), use: showNew)
        routes.on(.POST, .rescueNew, access: .roles(ReferralsController.writers), use: create)
        routes.on(.GET, .rescue(nil), access: .roles(CasesController.readers), use: show)
        routes.on(.POST, .rescueProgress(nil), access: .roles(ReferralsController.writers), use: progress)
        routes.on(.POST, .rescueConvert(nil), access: .roles(ReferralsController.writers), use: convert)
        routes.on(.GET, .pendingRescue(nil), access: .roles(CasesController.readers), use: showPending)
        routes.on(.POST, .pendingRescueComplete(nil), access: .roles(ReferralsController.writers), use: completePending)
    }

    /// Rescues under way (every one, oldest call first), then finished rescues, newest first, a page at a time.
    func log(req: Request) async throws -> View {
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 100_000))
        let log = try await RescueLogPage.make(scope: req.scope, page: page, layout: req.layout(title: "Rescues"), now: req.now, on: req.db)
        try await req.audit(.rescueList, objectType: .rescue, detail: "\(log.rows.count) open, finished page \(page)")
        return try await req.view.render("rescues/log", log)
    }

    /// The rescue form for this request's user.
    static func formPage(_ req: Request, form: RescueForm, errors: FieldErrors) async throws -> RescueFormPage {
        try await RescueFormPage.make(form: form, errors: errors, user: try req.requireUser(), layout: req.layout(title: "Log a rescue"),
                                      now: req.now, on: req.db)
    }

    /// A rescue's page for this request.
    static func page(_ req: Request, _ rescue: Rescue, referral: Referral, scope: RegionScope, typed: RescueProgressForm? = nil,
                     errors: FieldErrors = FieldErrors()) async throws -> RescuePage {
        try await RescuePage.make(rescue: rescue, referral: referral, scope: scope, typed: typed, errors: errors,
                                  layout: req.layout(title: (errors.isEmpty ? "" : "Error: ") + "Rescue"),
                                  settings: req.application.settings, cipher: req.application.cipher, now: req.now, on: req.db)
    }

    func showNew(req: Request) async throws -> View {
        try await req.view.render("rescues/new", try await Self.formPage(req, form: RescueForm(), errors: FieldErrors()))
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(RescueForm.self)
        if form.isPending { return try await createPending(req: req, form: form) }
        switch try await form.check(req: req) {
        case let .failure(errors):
            let page = try await Self.formPage(req, form: form, errors: errors)
            return try await req.view.render("rescues/new", page).encodeResponse(status: .unprocessableEntity, for: req)
        case let .success((referralForm, details)):
            let referral = try await ReferralIntake.create(referralForm, rescueDetails: details, user: try req.requireUser(), req: req)
            let rescue = try await Rescue.query(on: req.db).filter(\.$referral.$id == referral.id!).first()
            // Its alert's first messages now, not at the next tick.
            AlertEngine.kick(req.application)
            return try req.redirect(to: SiteURL.rescue(rescue?.id).path, saved: .rescueRecorded)
        }
    }

    func show(req: Request) async throws -> View {
        let (rescue, referral, scope) = try await find(req)
        let page = try await Self.page(req, rescue, referral: referral, scope: scope)
        try await req.audit(.rescueViewed, objectType: .rescue, objectID: rescue.id!.uuidString, region: referral.region.code)
        return try await req.view.render("rescues/show", page)
    }

    /// The times of a rescue as they happen, each checked against the call, the others and the clock: a time may
    /// not be in the future, before the call or before the step it follows. A refused form comes back with each
    /// problem beside its field and what was typed kept.
    func progress(req: Request) async throws -> Response {
        let (rescue, referral, scope) = try await find(req)
        guard scope.canWrite, scope.contains(regionID: referral.$region.id) else { throw Abort(.forbidden) }
        let form = try req.content.decode(RescueProgressForm.self)
        let checked: RescueProgressForm.Checked
        switch form.check(against: rescue, now: req.now) {
        case let .failure(errors):
            let page = try await Self.page(req, rescue, referral: referral, scope: scope, typed: form, errors: errors)
            return try await req.view.render("rescues/show", page).encodeResponse(status: .unprocessableEntity, for: req)
        case let .success(valid): checked = valid
        }
        let rescueID = try rescue.requireID()
        let entry = req.auditEntry(.rescueUpdated, objectType: .rescue, objectID: rescueID.uuidString, region: referral.region.code,
                                   detail: checked.outcome.map { "outcome \($0)" } ?? "times")
        let now = req.now
        try await req.write { db in
            guard let fresh = try await Rescue.find(rescueID, on: db) else { throw Abort(.notFound) }
            fresh.departedAt = checked.departed ?? fresh.departedAt
            fresh.arrivedAt = checked.arrived ?? fresh.arrivedAt
            fresh.journeyMode = checked.journeyMode ?? fresh.journeyMode
            fresh.homeAt = checked.home ?? fresh.homeAt
            fresh.outcome = checked.outcome ?? fresh.outcome
            try await fresh.update(on: db)
            try await Audit.append(entry, on: db, at: now)
            if fresh.departedAt != nil || fresh.arrivedAt != nil || fresh.outcome != nil {
                try await AlertBook.resolve(.rescueWaiting, subject: rescueID, now: now, on: db)
            }
        }
        return try req.redirect(to: SiteURL.rescue(rescueID).path, saved: .rescueUpdated)
    }

    /// Opens a support case from the rescue, led by the caseworker who went: the rapport carries over.
    func convert(req: Request) async throws -> Response {
        let (rescue, referral, scope) = try await find(req)
        guard scope.canWrite, scope.contains(regionID: referral.$region.id) else { throw Abort(.forbidden) }
        guard referral.eligible, referral.status == .awaitingScreening else {
            throw Abort(.conflict, reason: "already converted or not eligible")
        }
        let user = try req.requireUser()
        let lead = rescue.dispatchedCaseworkerID ?? user.id
        let caseID = UUID()
        let referralID = try referral.requireID()
        let now = req.now
        let today = CivilDate.today(at: now).description
        let entry = req.auditEntry(.rescueConverted, objectType: .supportCase, objectID: caseID.uuidString, region: referral.region.code,
                                   detail: "from rescue \(rescue.id!.uuidString)")
        try await req.write { db in
            guard let fresh = try await Referral.find(referralID, on: db), fresh.status == .awaitingScreening else { throw Abort(.conflict) }
            fresh.status = .accepted
            fresh.screenedByID = user.id
            fresh.screenedAt = now
            try await fresh.update(on: db)
            let supportCase = SupportCase()
            supportCase.id = caseID
            supportCase.$region.id = fresh.$region.id
            supportCase.$person.id = fresh.$person.id
            supportCase.$referral.id = referralID
            supportCase.$leadCaseworker.id = lead
            supportCase.openedDate = today
            try await supportCase.create(on: db)
            let assignment = CaseAssignment()
            assignment.$supportCase.id = caseID
            assignment.$caseworker.id = lead
            assignment.assignedAt = now
            assignment.assignedByID = user.id
            try await assignment.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.supportCase(caseID).path, saved: .rescueConverted)
    }

    private func find(_ req: Request) async throws -> (Rescue, Referral, RegionScope) {
        let scope = try req.scope
        if let id = req.parameters.get("rescueID", as: UUID.self), let rescue = try await Rescue.find(id, on: req.db),
           let referral = try await scope.referrals(on: req.db).filter(\.$id == rescue.$referral.id).with(\.$region).first() {
            return (rescue, referral, scope)
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .rescue, objectID: req.parameters.get("rescueID") ?? "")
        throw Abort(.notFound)
    }
}
