import Domain
import Fluent
import SQLKit
import Vapor

/// Rescue: a call at 2 a.m., a caseworker dispatched, the young person brought home, and the rescue turned into
/// a support case with the same caseworker (SPEC §2.3). The rescue log shows open rescues with their clock.
struct RescuesController {
    static let journeyModes = ["train", "car", "taxi", "police_transport", "other"]
    static let outcomes = ["home", "safe_accommodation", "hospital", "declined"]

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
        let scope = try req.scope
        let now = req.now
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 100_000))
        let log = RescueLogQueries(scope: scope, sql: req.db as! any SQLDatabase)
        let unidentified = try await PendingRescueLog.rows(scope: scope, now: now, on: req.db)
        let open = try await unidentified + log.open().map { rescue in
            RescueLogPage.Row(rescue, clock: rescue.call_at.map { RescueLogPage.elapsed(from: $0, to: now) } ?? "",
                              stage: rescue.arrived_at == nil ? (rescue.departed_at == nil ? "Awaiting departure" : "On the way")
                                  : "With the young person")
        }
        let finishedRows = try await log.finished(page: page, pageSize: RescueLogPage.pageSize)
        let finished = finishedRows.prefix(RescueLogPage.pageSize).map { rescue in
            RescueLogPage.Row(rescue, clock: rescue.call_at.flatMap { call in rescue.arrived_at.map { RescueLogPage.elapsed(from: call, to: $0) } } ?? "",
                              stage: rescue.outcome.map { $0.replacingOccurrences(of: "_", with: " ").capitalized } ?? "")
        }
        try await req.audit("rescue.list", objectType: "rescue", detail: "\(open.count) open, finished page \(page)")
        return try await req.view.render("rescues/log", RescueLogPage(
            layout: req.layout(title: "Rescues"), rows: open, finished: finished.isEmpty ? nil : Array(finished),
            previousPage: page > 1 ? SiteURL.rescues.path + "?page=\(page - 1)" : nil,
            nextPage: finishedRows.count > RescueLogPage.pageSize ? SiteURL.rescues.path + "?page=\(page + 1)" : nil,
            newPath: scope.canWrite ? SiteURL.rescueNew.path : nil))
    }

    func showNew(req: Request) async throws -> View {
        try await req.view.render("rescues/new", try await RescueFormPage.make(req: req, form: RescueForm(), errors: FieldErrors()))
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(RescueForm.self)
        if form.isPending { return try await createPending(req: req, form: form) }
        switch try await form.check(req: req) {
        case let .failure(errors):
            let page = try await RescueFormPage.make(req: req, form: form, errors: errors)
            return try await req.view.render("rescues/new", page).encodeResponse(status: .unprocessableEntity, for: req)
        case let .success((referralForm, details)):
            let referral = try await ReferralIntake.create(referralForm, rescueDetails: details, user: try req.requireUser(), req: req)
            let rescue = try await Rescue.query(on: req.db).filter(\.$referral.$id == referral.id!).first()
            return req.redirect(to: SiteURL.rescue(rescue?.id).path, saved: "rescue.recorded")
        }
    }

    func show(req: Request) async throws -> View {
        let (rescue, referral, scope) = try await find(req)
        let page = try await RescuePage.make(req: req, rescue: rescue, referral: referral, scope: scope)
        try await req.audit("rescue.viewed", objectType: "rescue", objectID: rescue.id!.uuidString, region: referral.region.code)
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
            let page = try await RescuePage.make(req: req, rescue: rescue, referral: referral, scope: scope, typed: form, errors: errors)
            return try await req.view.render("rescues/show", page).encodeResponse(status: .unprocessableEntity, for: req)
        case let .success(valid): checked = valid
        }
        let rescueID = try rescue.requireID()
        let entry = req.auditEntry("rescue.updated", objectType: "rescue", objectID: rescueID.uuidString, region: referral.region.code,
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
        }
        return req.redirect(to: SiteURL.rescue(rescueID).path, saved: "rescue.updated")
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
        let entry = req.auditEntry("rescue.converted", objectType: "case", objectID: caseID.uuidString, region: referral.region.code,
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
        return req.redirect(to: SiteURL.supportCase(caseID).path, saved: "rescue.converted")
    }

    private func find(_ req: Request) async throws -> (Rescue, Referral, RegionScope) {
        let scope = try req.scope
        if let id = req.parameters.get("rescueID", as: UUID.self), let rescue = try await Rescue.find(id, on: req.db),
           let referral = try await scope.referrals(on: req.db).filter(\.$id == rescue.$referral.id).with(\.$region).first() {
            return (rescue, referral, scope)
        }
        try await req.audit("access.refused", outcome: .refused, objectType: "rescue", objectID: req.parameters.get("rescueID") ?? "")
        throw Abort(.notFound)
    }
}

/// The rescue form: the call, where they were found, who went, and the young person (the referral's fields).
struct RescueForm: Content {
    var callAt: String?
    var caller: String?
    var callBackAt: String?
    var outOfHours: String?
    var foundPlace: String?
    var policeForceArea: String?
    var dispatchedCaseworker: String?
    var referralSource: String?
    var firstName: String?
    var lastName: String?
    var dateOfBirth: String?
    var gender: String?
    var homeLocalAuthority: String?
    var otherLocalAuthority: String?
    var exploitationTypes: [String]?
    /// "pending" when the young person is not yet identified: saved with `description` and `approximateAge`.
    var identity: String?
    var description: String?
    var approximateAge: String?

    var isPending: Bool { identity == "pending" }

    var referral: ReferralForm {
        var form = ReferralForm()
        form.referralSource = referralSource
        form.firstName = firstName
        form.lastName = lastName
        form.dateOfBirth = dateOfBirth
        form.gender = gender
        form.homeLocalAuthority = homeLocalAuthority
        form.otherLocalAuthority = otherLocalAuthority
        form.exploitationTypes = exploitationTypes
        return form
    }

    /// Checks the call and the young person (by the referral's rules); the caseworker dispatched must work in the
    /// user's region. Used by the rescue form and the API.
    func check(req: Request) async throws -> Result<(ReferralForm.Checked, ReferralIntake.RescueDetails), FieldErrors> {
        var errors = FieldErrors()
        let call = try await checkCall(req: req, errors: &errors)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        var referralForm = referral
        referralForm.service = "rescue"
        referralForm.receivedDate = call.map { CivilDate.today(at: $0.callAt).description } ?? referralForm.receivedDate
        referralForm.consent = referralForm.consent ?? "not_yet_sought"
        let checked = referralForm.check(codes: codes, today: CivilDate.today(at: req.now))
        if case let .failure(more) = checked {
            for (id, message) in more.entries where id != "receivedDate" || call != nil { errors.add(id, message) }
        }
        guard errors.isEmpty, case let .success(valid) = checked, let call else { return .failure(errors) }
        return .success((valid, call))
    }

    /// A rescue before the young person is identified: the call as for any rescue, and what is known of them.
    struct PendingChecked {
        let call: ReferralIntake.RescueDetails
        let source: String
        let description: String
        let approximateAge: Int
    }

    func checkPending(req: Request) async throws -> Result<PendingChecked, FieldErrors> {
        var errors = FieldErrors()
        let call = try await checkCall(req: req, errors: &errors)
        let sources = Set(try await CodeListItem.query(on: req.db).filter(\.$list == CodeList.referralSource.rawValue).all().map(\.code))
        if !sources.contains(referralSource ?? "") { errors.add("referralSource", "Select the referral source") }
        let text = (description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 1000 {
            errors.add("description", "Describe the young person as far as you know, such as \"a boy about 15, says his name is J\" (up to 1,000 characters)")
        }
        let age = Int((approximateAge ?? "").trimmingCharacters(in: .whitespaces))
        if age.map({ !(8...25).contains($0) }) ?? true { errors.add("approximateAge", "Enter their approximate age, 8 to 25") }
        guard errors.isEmpty, let call, let age, let source = referralSource else { return .failure(errors) }
        return .success(PendingChecked(call: call, source: source, description: text, approximateAge: age))
    }

    /// The call: when, who called, where they were found, who went. Problems are added to `errors`.
    private func checkCall(req: Request, errors: inout FieldErrors) async throws -> ReferralIntake.RescueDetails? {
        let user = try req.requireUser()
        let callAt = ImportTimestamp.parse(self.callAt ?? "")
        if callAt == nil || callAt! > req.now.addingTimeInterval(300) { errors.add("callAt", "Enter when the call came (not in the future)") }
        let caller = (self.caller ?? "").trimmingCharacters(in: .whitespaces)
        if caller.isEmpty || caller.count > 200 { errors.add("caller", "Enter who called, such as British Transport Police (up to 200 characters)") }
        if (foundPlace ?? "").count > 500 { errors.add("foundPlace", "Must be 500 characters or fewer") }
        if (policeForceArea ?? "").count > 100 { errors.add("policeForceArea", "Must be 100 characters or fewer") }
        let callBack = (callBackAt ?? "").isEmpty ? nil : ImportTimestamp.parse(callBackAt!)
        if !(callBackAt ?? "").isEmpty && callBack == nil { errors.add("callBackAt", "Enter the call-back time as a date and time") }
        var dispatched: UUID?
        if let id = dispatchedCaseworker.flatMap({ UUID(uuidString: $0) }),
           try await User.query(on: req.db).filter(\.$id == id).filter(\.$region.$id == (user.regionID ?? UUID()))
            .filter(\.$role ~~ [.caseworker, .manager]).filter(\.$disabled == false).count() == 1 {
            dispatched = id
        } else {
            errors.add("dispatchedCaseworker", "Select the caseworker dispatched")
        }
        guard let callAt, let dispatched, errors.isEmpty else { return nil }
        return ReferralIntake.RescueDetails(
            callAt: callAt, caller: String(caller.prefix(200)), callBackAt: callBack,
            outOfHours: outOfHours == "yes" || RescueLogPage.isOutOfHours(callAt),
            foundPlace: foundPlace.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) },
            policeForceArea: policeForceArea.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) },
            dispatchedCaseworkerID: dispatched)
    }
}

/// A rescue's progress as typed: when the caseworker left, arrived and got the young person home, how, and the
/// outcome. An empty time leaves the one recorded before.
struct RescueProgressForm: Content {
    var departedAt: String?
    var arrivedAt: String?
    var journeyMode: String?
    var homeAt: String?
    var outcome: String?

    struct Checked {
        let departed: Date?
        let arrived: Date?
        let home: Date?
        let journeyMode: String?
        let outcome: String?
    }

    /// A few minutes' grace for a clock that runs a little behind the server's.
    static let futureGrace: TimeInterval = 300

    func check(against rescue: Rescue, now: Date) -> Result<Checked, FieldErrors> {
        var errors = FieldErrors()
        func time(_ field: String, _ label: String, _ text: String?) -> Date? {
            guard let text, !text.isEmpty else { return nil }
            guard let date = ImportTimestamp.parse(text) else {
                errors.add(field, "\(label): enter a date and time")
                return nil
            }
            if date > now.addingTimeInterval(Self.futureGrace) { errors.add(field, "\(label): cannot be in the future") }
            if let call = rescue.callAt, date < call { errors.add(field, "\(label): cannot be before the call") }
            return date
        }
        let departed = time("departedAt", "Departed", departedAt)
        let arrived = time("arrivedAt", "Arrived", arrivedAt)
        let home = time("homeAt", "Home", homeAt)
        // In order, with what was recorded before standing for what is left empty.
        let left = departed ?? rescue.departedAt, reached = arrived ?? rescue.arrivedAt
        if let reached, let left, reached < left { errors.add("arrivedAt", "Arrived: cannot be before departing") }
        if let home = home ?? rescue.homeAt, let reached, home < reached { errors.add("homeAt", "Home: cannot be before arriving") }
        let mode = journeyMode.flatMap { $0.isEmpty ? nil : $0 }
        if let mode, !RescuesController.journeyModes.contains(mode) { errors.add("journeyMode", "Journey home by: choose one of the list") }
        let outcome = outcome.flatMap { $0.isEmpty ? nil : $0 }
        if let outcome, !RescuesController.outcomes.contains(outcome) { errors.add("outcome", "Outcome: choose one of the list") }
        // A finished rescue has its arrival, or its response time is lost from the report for good (the form goes
        // once the outcome is recorded); only a young person who declined may never have been reached.
        if let outcome, outcome != "declined", reached == nil {
            errors.add("arrivedAt", "Arrived: enter when the caseworker reached the young person before recording the outcome")
        }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(Checked(departed: departed, arrived: arrived, home: home, journeyMode: mode, outcome: outcome))
    }
}
