import Domain
import Fluent
import SQLKit
import Vapor

/// Sharing a young person across the region wall, only when the holding region agrees (SPEC §1, §2.2). A user
/// whose referral names a young person another region holds (same folded name and date of birth) asks, with a
/// reason, from the referral's page, never learning who or where; the holding region's managers see the request
/// in their information-sharing log and approve or refuse it. Approved, the asking region's record joins the
/// holding region's person (the asking region then sees the young person's details, not the other region's
/// referrals or cases) and the share is written in the holding region's log. Every step is audited.
struct ShareRequestsController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.POST, .referralShareRequest(nil), access: .roles(ReferralsController.writers), use: ask)
        routes.on(.POST, .shareRequestApprove(nil), access: .roles([.manager]), use: approve)
        routes.on(.POST, .shareRequestRefuse(nil), access: .roles([.manager]), use: refuse)
    }

    func ask(req: Request) async throws -> Response {
        struct Form: Content { var reason: String? }
        let scope = try req.scope
        let referral = try await scope.findReferral(req.parameters.get("referralID", as: UUID.self), req: req)
        guard scope.canWrite, scope.contains(regionID: referral.$region.id) else { throw Abort(.forbidden) }
        let reason = try (req.content.decode(Form.self).reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 1000 else {
            var errors = FieldErrors()
            errors.add("share-reason", "Say why you need what the other region holds (up to 1,000 characters)")
            let page = try await ReferralsController.page(req, referral, scope: scope, errors: errors, shareReason: reason)
            return try await req.view.render("referrals/show", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let referralID = try referral.requireID()
        let person = try await Person.query(on: req.db).filter(\.$id == referral.$person.id).with(\.$aliases).first()
        guard let person, let key = PersonMatchQuery.key(of: person) else { throw Abort(.conflict) }
        // The young people of exactly this name and date of birth that other regions hold, and their regions.
        let same = try await PersonMatchQuery.candidates(for: key, excluding: person.id, on: req.db)
            .filter { $0.result == .same }.compactMap(\.person.id)
        let holders = same.isEmpty ? [] : try await Referral.query(on: req.db).filter(\.$person.$id ~~ same)
            .filter(\.$region.$id != referral.$region.id).all()
        let pairs = Set(holders.map { HeldBy(person: $0.$person.id, region: $0.$region.id) })
        guard !pairs.isEmpty else { throw FormProblem("No other region holds records for this young person.") }
        let sealed = try req.application.cipher.seal(reason)
        let user = try req.requireUser()
        let now = req.now
        let entry = req.auditEntry(.shareRequested, objectType: .referral, objectID: referralID.uuidString,
                                   region: referral.region.code, detail: "\(pairs.count) holding region(s) asked")
        try await req.write { db in
            for pair in pairs.sorted(by: { $0.region.uuidString < $1.region.uuidString }) {
                let waiting = try await ShareRequest.query(on: db).filter(\.$referral.$id == referralID)
                    .filter(\.$holdingPersonID == pair.person).filter(\.$decidedAt == nil).count()
                guard waiting == 0 else { continue }
                let request = ShareRequest()
                request.$referral.id = referralID
                request.askingRegionID = referral.$region.id
                request.askingPersonID = referral.$person.id
                request.holdingRegionID = pair.region
                request.holdingPersonID = pair.person
                request.reason = sealed
                request.requestedByID = user.id
                request.requestedAt = now
                try await request.create(on: db)
            }
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.referral(referralID).path, saved: .shareRequested)
    }

    func approve(req: Request) async throws -> Response {
        let (request, user) = try await holdingRegionsRequest(req)
        let requestID = try request.requireID()
        let now = req.now
        let cipher = try req.application.cipher
        let askingRegion = try await Region.find(request.askingRegionID, on: req.db)
        let entry = req.auditEntry(.shareApproved, objectType: .person, objectID: request.holdingPersonID.uuidString,
                                   region: user.regionCode ?? "", detail: "asked by \(askingRegion?.code ?? "another region")")
        try await req.write { db in
            guard try await Self.decide(requestID, .approved, by: user.id, at: now, on: db) else { throw Abort(.conflict) }
            // The asking record may have joined a third region's person since it asked: then it is asked again.
            guard try await Person.find(request.askingPersonID, on: db)?.mergedIntoID == nil else {
                throw Abort(.conflict, reason: "The asking region's record has since joined another record: it must ask again.")
            }
            _ = try await PersonMerge.merge(request.askingPersonID, into: request.holdingPersonID, on: db, cipher: cipher)
            let share = InformationShare()
            share.$person.id = request.holdingPersonID
            share.$region.id = request.holdingRegionID
            share.sharedOn = CivilDate.today(at: now).description
            share.agency = try cipher.seal("\(askingRegion?.name ?? "Another region") team (Reachable)")
            share.what = try cipher.seal("The young person's record here: contact and safe-contact details, aliases")
            share.why = request.reason
            share.lawfulBasis = LawfulBasis.safeguarding.rawValue
            share.consentSought = false
            share.recordedByID = user.id
            try await share.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.informationSharing.path, saved: .shareApproved)
    }

    func refuse(req: Request) async throws -> Response {
        let (request, user) = try await holdingRegionsRequest(req)
        let requestID = try request.requireID()
        let now = req.now
        let entry = req.auditEntry(.shareRefused, outcome: .refused, objectType: .person,
                                   objectID: request.holdingPersonID.uuidString, region: user.regionCode ?? "")
        try await req.write { db in
            guard try await Self.decide(requestID, .refused, by: user.id, at: now, on: db) else { throw Abort(.conflict) }
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.informationSharing.path, saved: .shareRefused)
    }

    private struct HeldBy: Hashable {
        let person: UUID
        let region: UUID
    }

    /// A waiting request to this manager's region, or 404 (audited).
    private func holdingRegionsRequest(_ req: Request) async throws -> (ShareRequest, CurrentUser) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("shareRequestID", as: UUID.self),
              let request = try await ShareRequest.query(on: req.db).filter(\.$id == id)
                  .filter(\.$holdingRegionID == (user.regionID ?? UUID())).first() else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .shareRequest,
                                objectID: req.parameters.get("shareRequestID") ?? "")
            throw Abort(.notFound)
        }
        guard request.decidedAt == nil else { throw Abort(.conflict, reason: "This request is already decided.") }
        return (request, user)
    }

    /// One statement decides: of two managers deciding at once, one wins.
    private static func decide(_ id: UUID, _ outcome: ShareRequest.Outcome, by userID: UUID, at now: Date,
                               on db: any Database) async throws -> Bool {
        try await (db as! any SQLDatabase).update(ShareRequest.schema)
            .set("decided_at", to: now).set("decided_by_id", to: userID).set("outcome", to: outcome.rawValue)
            .where("id", .equal, id).where("decided_at", .is, SQLLiteral.null).returning("id").all().count == 1
    }
}
