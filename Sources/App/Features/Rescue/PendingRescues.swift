import Domain
import Fluent
import SQLKit
import Vapor

/// Rescues saved before the young person is identified (`PendingRescue`): saved from the rescue form with a
/// description and an approximate age, listed first among the open rescues, and completed on their own page with
/// the young person's details, which makes the referral (screened as any other) and the rescue in one transaction.
extension RescuesController {
    func createPending(req: Request, form: RescueForm) async throws -> Response {
        switch try await form.checkPending(req: req) {
        case let .failure(errors):
            let page = try await RescuesController.formPage(req, form: form, errors: errors)
            return try await req.view.render("rescues/new", page).encodeResponse(status: .unprocessableEntity, for: req)
        case let .success(checked):
            let user = try req.requireUser()
            guard let regionID = user.regionID else { throw Abort(.forbidden) }
            let cipher = try req.application.cipher
            let pending = PendingRescue()
            pending.id = UUID()
            pending.$region.id = regionID
            pending.callAt = checked.call.callAt
            pending.caller = try cipher.seal(checked.call.caller)
            pending.callBackAt = checked.call.callBackAt
            pending.outOfHours = checked.call.outOfHours
            pending.foundPlace = try checked.call.foundPlace.map(cipher.seal)
            pending.policeForceArea = checked.call.policeForceArea
            pending.dispatchedCaseworkerID = checked.call.dispatchedCaseworkerID ?? user.id
            pending.referralSource = checked.source
            pending.description = try cipher.seal(checked.description)
            pending.approximateAge = checked.approximateAge
            pending.recordedByID = user.id
            pending.recordedAt = req.now
            let entry = req.auditEntry(.rescueRecordedUnidentified, objectType: .pendingRescue, objectID: pending.id!.uuidString,
                                       region: user.regionCode ?? "", detail: "the young person not yet identified")
            let now = req.now
            try await req.write { db in
                try await pending.create(on: db)
                try await Audit.append(entry, on: db, at: now)
                // A call happening now: whoever is on call hears of it until a caseworker is on the way.
                if checked.call.callAt > now.addingTimeInterval(-6 * 3600) {
                    try await AlertBook.raise(.rescueWaiting, subject: pending.id!, episode: "call", regionID: regionID, now: now, on: db)
                }
            }
            AlertEngine.kick(req.application)
            return try req.redirect(to: SiteURL.pendingRescue(pending.id).path, saved: .rescueRecordedUnidentified)
        }
    }

    func showPending(req: Request) async throws -> View {
        let pending = try await findPending(req)
        try await req.audit(.rescueViewed, objectType: .pendingRescue, objectID: pending.id!.uuidString)
        return try await req.view.render("rescues/pending", try await Self.page(req, pending, form: RescueForm(), errors: FieldErrors()))
    }

    /// The young person's details: the referral and the rescue are made, and the pending rescue removed, in one
    /// transaction; of two people completing it at once, one succeeds and the other is told it is done.
    func completePending(req: Request) async throws -> Response {
        let pending = try await findPending(req)
        let scope = try req.scope
        guard scope.canWrite, scope.contains(regionID: pending.$region.id) else { throw Abort(.forbidden) }
        let form = try req.content.decode(RescueForm.self)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        var referralForm = form.referral
        referralForm.service = Service.rescue.rawValue
        referralForm.referralSource = pending.referralSource
        referralForm.receivedDate = CivilDate.today(at: pending.callAt).description
        referralForm.consent = "not_yet_sought"
        var checked = referralForm.check(codes: codes, today: CivilDate.today(at: req.now))
        // The date of birth against the age the caseworker saw: far apart, one of them is a slip.
        if case let .success(valid) = checked {
            let age = valid.dateOfBirth.age(on: CivilDate.today(at: pending.callAt))
            if abs(age - pending.approximateAge) > Self.ageLeeway {
                var errors = FieldErrors()
                errors.add("dateOfBirth", "This date of birth makes them \(age) at the call; the rescue was logged as about \(pending.approximateAge). Check it")
                checked = .failure(errors)
            }
        }
        guard case let .success(valid) = checked else {
            guard case let .failure(errors) = checked else { throw Abort(.internalServerError) }
            let page = try await Self.page(req, pending, form: form, errors: errors)
            return try await req.view.render("rescues/pending", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let cipher = try req.application.cipher
        let details = ReferralIntake.RescueDetails(
            callAt: pending.callAt, caller: try cipher.open(pending.caller), callBackAt: pending.callBackAt,
            outOfHours: pending.outOfHours, foundPlace: try pending.foundPlace.map(cipher.open),
            policeForceArea: pending.policeForceArea, dispatchedCaseworkerID: pending.dispatchedCaseworkerID,
            continuing: pending.id)
        let pendingID = try pending.requireID()
        let entry = req.auditEntry(.rescueIdentified, objectType: .pendingRescue, objectID: pendingID.uuidString,
                                   region: try req.requireUser().regionCode ?? "")
        let now = req.now
        let referral: Referral
        do {
            referral = try await ReferralIntake.create(valid, rescueDetails: details, user: try req.requireUser(), req: req) { db, referral in
                // Claimed here, in the referral's transaction: only one completion can remove it.
                let removed = try await (db as! any SQLDatabase).raw("""
                    DELETE FROM pending_rescues WHERE id = \(bind: pendingID) RETURNING id
                    """).all()
                guard !removed.isEmpty else { throw AlreadyIdentified() }
                var logged = entry
                logged.detail = "became referral \(referral.id!.uuidString)"
                try await Audit.append(logged, on: db, at: now)
            }
        } catch is AlreadyIdentified {
            throw Abort(.conflict, reason: "Someone has already added this young person's details.")
        }
        let rescue = try await Rescue.query(on: req.db).filter(\.$referral.$id == referral.id!).first()
        return try req.redirect(to: SiteURL.rescue(rescue?.id).path, saved: .rescueIdentified)
    }

    struct AlreadyIdentified: Error {}

    /// How far a date of birth may put the young person from the age they looked.
    static let ageLeeway = 5

    /// A rescue not yet identified, as this request's user sees it.
    static func page(_ req: Request, _ pending: PendingRescue, form: RescueForm, errors: FieldErrors) async throws -> PendingRescuePage {
        try await PendingRescuePage.make(pending: pending, form: form, errors: errors, user: try req.requireUser(),
                                         canWrite: try req.scope.canWrite,
                                         layout: req.layout(title: "Rescue: young person not yet identified"),
                                         cipher: req.application.cipher, now: req.now, on: req.db)
    }

    /// A pending rescue in the user's scope (the national lead reads every region's), or 404 (audited).
    func findPending(_ req: Request) async throws -> PendingRescue {
        let scope = try req.scope
        let id = req.parameters.get("pendingID", as: UUID.self)
        if let id, let pending = try await PendingRescue.find(id, on: req.db), scope.contains(regionID: pending.$region.id) {
            return pending
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .pendingRescue, objectID: id?.uuidString ?? "")
        throw Abort(.notFound)
    }
}

struct PendingRescuePage: Encodable {
    let layout: Layout
    let details: [RescuePage.Item]
    let description: String
    let canWrite: Bool
    let action: String
    let errorLinks: [FormErrorLink]?
    /// The young person's fields, as the referral form draws them.
    let person: RescuePersonFields

    static func make(pending: PendingRescue, form: RescueForm, errors: FieldErrors, user: CurrentUser, canWrite: Bool, layout: Layout, cipher: FieldCipher, now: Date, on db: any Database) async throws -> PendingRescuePage {
        var referral = form.referral
        if form.exploitationTypes == nil { referral.exploitationTypes = ["county_lines"] }
        let base = try await ReferralFormPage.make(user: user, form: referral, errors: errors, layout: layout, on: db)
        let dispatched = try await User.find(pending.dispatchedCaseworkerID, on: db)?.displayName
        let details: [RescuePage.Item] = [
            .init(label: "Call", value: "\(DateFormats.shown(pending.callAt)) from \(try cipher.open(pending.caller))"
                  + (pending.outOfHours ? " (out of hours)" : "")),
            .init(label: "Since the call", value: RescueLogPage.elapsed(from: pending.callAt, to: now)),
            .init(label: "Found at", value: (try pending.foundPlace.map(cipher.open) ?? "—") + (pending.policeForceArea.map { ", \($0)" } ?? "")),
            .init(label: "Caseworker dispatched", value: dispatched ?? "—"),
            .init(label: "Approximate age", value: String(pending.approximateAge)),
        ]
        return PendingRescuePage(
            layout: layout, details: details,
            description: try cipher.open(pending.description), canWrite: canWrite,
            action: SiteURL.pendingRescueComplete(pending.id).path, errorLinks: errors.links,
            person: RescuePersonFields(base))
    }
}

/// The open rescues not yet identified, for the rescue log: oldest call first.
enum PendingRescueLog {
    static func rows(scope: RegionScope, now: Date, on db: any Database) async throws -> [RescueLogPage.Row] {
        struct Row: Decodable { let id: UUID; let call_at: Date }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT id, call_at FROM pending_rescues WHERE \(scope.condition(on: "region_id")) ORDER BY call_at LIMIT 200
            """).all(decoding: Row.self)
        return rows.map {
            RescueLogPage.Row(path: SiteURL.pendingRescue($0.id).path, name: "Not yet identified",
                              called: DateFormats.shown($0.call_at), clock: RescueLogPage.elapsed(from: $0.call_at, to: now),
                              stage: "Awaiting their details")
        }
    }
}
