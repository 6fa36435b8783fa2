import Domain
import Fluent
import Vapor

/// The screener's decision: accept (a case opens with a lead caseworker) or not, recording why and where the
/// young person or family was signposted (SPEC §2.1).
struct ScreeningController {
    struct AcceptForm: Content {
        var caseworker: String?
    }

    struct DeclineForm: Content {
        var reason: String?
        var signpostedTo: String?
        var signpostedOn: String?
    }

    func register(_ routes: any RoutesBuilder) {
        routes.on(.POST, .referralAccept(nil), access: .roles(ReferralsController.writers), use: accept)
        routes.on(.POST, .referralDecline(nil), access: .roles(ReferralsController.writers), use: decline)
    }

    func accept(req: Request) async throws -> Response {
        let scope = try req.scope
        let referral = try await writableReferral(req, scope: scope)
        let form = try req.content.decode(AcceptForm.self)
        var errors = FieldErrors()
        let lead = try await CaseLeaders.find(form.caseworker.flatMap { UUID(uuidString: $0) }, in: referral.$region.id,
                                              on: req.db)
        if lead == nil { errors.add("caseworker", "Select the caseworker who will lead the case") }
        if !referral.eligible { errors.add("caseworker", "This referral does not meet the criteria, so no case can be opened") }
        if referral.status != .awaitingScreening { errors.add("caseworker", "This referral has already been screened") }
        guard errors.isEmpty, let lead else {
            let page = try await ReferralsController.page(req, referral, scope: scope, errors: errors)
            return try await req.view.render("referrals/show", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let user = try req.requireUser()
        let now = req.now
        let today = CivilDate.today(at: now).description
        let referralID = try referral.requireID()
        let accepted = req.auditEntry(.referralAccepted, objectType: .referral, objectID: referralID.uuidString,
                                      region: referral.region.code)
        let opened = req.auditEntry(.caseOpened, objectType: .supportCase, region: referral.region.code,
                                    detail: "lead caseworker \(lead.id!.uuidString)")
        let caseID = UUID()
        try await req.write { db in
            // Only one screener can accept: the status is checked again inside the transaction.
            guard let fresh = try await Referral.find(referralID, on: db), fresh.status == .awaitingScreening else {
                throw Abort(.conflict)
            }
            fresh.status = .accepted
            fresh.screenedByID = user.id
            fresh.screenedAt = now
            try await fresh.update(on: db)
            let supportCase = SupportCase()
            supportCase.id = caseID
            supportCase.$region.id = fresh.$region.id
            supportCase.$person.id = fresh.$person.id
            supportCase.$referral.id = referralID
            supportCase.$leadCaseworker.id = lead.id
            supportCase.openedDate = today
            try await supportCase.create(on: db)
            let assignment = CaseAssignment()
            assignment.$supportCase.id = caseID
            assignment.$caseworker.id = lead.id!
            assignment.assignedAt = now
            assignment.assignedByID = user.id
            try await assignment.create(on: db)
            try await Audit.append(accepted, on: db, at: now)
            var caseEntry = opened
            caseEntry.objectID = supportCase.id!.uuidString
            try await Audit.append(caseEntry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.supportCase(caseID).path, saved: .caseOpened)
    }

    func decline(req: Request) async throws -> Response {
        let scope = try req.scope
        let referral = try await writableReferral(req, scope: scope)
        let form = try req.content.decode(DeclineForm.self)
        var errors = FieldErrors()
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { errors.add("reason", "Enter why the referral is not accepted") }
        if reason.count > 500 { errors.add("reason", "The reason must be 500 characters or fewer") }
        let destination = (form.signpostedTo ?? "").trimmingCharacters(in: .whitespaces)
        var signpostedOn: CivilDate?
        if !destination.isEmpty {
            let known = try await CodeListItem.query(on: req.db).filter(\.$list == CodeList.signposting.rawValue)
                .filter(\.$code == destination).count() > 0
            if !known { errors.add("signpostedTo", "Select where the young person or family was signposted") }
            signpostedOn = CivilDate(form.signpostedOn ?? "")
            if signpostedOn == nil { errors.add("signpostedOn", "Enter the date they were signposted") }
            else if signpostedOn! > CivilDate.today(at: req.now) { errors.add("signpostedOn", "The date must be today or in the past") }
        }
        if referral.status != .awaitingScreening { errors.add("reason", "This referral has already been screened") }
        guard errors.isEmpty else {
            let page = try await ReferralsController.page(req, referral, scope: scope, errors: errors, typed: form)
            return try await req.view.render("referrals/show", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let user = try req.requireUser()
        let now = req.now
        let referralID = try referral.requireID()
        let signpostedDate = signpostedOn?.description
        let entry = req.auditEntry(.referralNotAccepted, objectType: .referral, objectID: referralID.uuidString,
                                   region: referral.region.code, detail: destination.isEmpty ? "not signposted" : "signposted \(destination)")
        let sealedReason = try req.application.cipher.seal(reason)
        try await req.write { db in
            guard let fresh = try await Referral.find(referralID, on: db), fresh.status == .awaitingScreening else {
                throw Abort(.conflict)
            }
            fresh.status = .notAccepted
            fresh.notAcceptedReason = sealedReason
            fresh.signpostedTo = destination.isEmpty ? nil : destination
            fresh.signpostedOn = signpostedDate
            fresh.screenedByID = user.id
            fresh.screenedAt = now
            try await fresh.update(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.referral(referralID).path, saved: .referralNotAccepted)
    }

    /// A referral of the user's own region: national leads read but do not screen.
    private func writableReferral(_ req: Request, scope: RegionScope) async throws -> Referral {
        let referral = try await scope.findReferral(req.parameters.get("referralID", as: UUID.self), req: req)
        guard scope.canWrite, scope.contains(regionID: referral.$region.id) else { throw Abort(.forbidden) }
        return referral
    }
}
