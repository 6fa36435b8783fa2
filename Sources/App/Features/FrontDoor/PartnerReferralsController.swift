import Domain
import Fluent
import SQLKit
import Vapor

/// The triage side of the front door: a region's partner referrals awaiting triage, each with its call-back clock;
/// recording the call-back, sending one no region holds to a region (the national lead), marking one as spam.
/// Turning one into a referral goes through the referral form (`ReferralsController`, `?partner=`), so it is
/// matched and screened as any other.
struct PartnerReferralsController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .partnerReferrals, access: .roles(ReferralsController.readers), use: list)
        routes.on(.GET, .partnerReferral(nil), access: .roles(ReferralsController.readers), use: show)
        routes.on(.POST, .partnerReferralCalledBack(nil), access: .roles(ReferralsController.readers), use: calledBack)
        routes.on(.POST, .partnerReferralSpam(nil), access: .roles(ReferralsController.readers), use: spam)
        routes.on(.POST, .partnerReferralRoute(nil), access: .roles([.nationalLead]), use: route)
    }

    func list(req: Request) async throws -> View {
        let scope = try req.scope
        let page = try await PartnerReferralListPage.make(scope: scope, now: req.now, cipher: req.application.cipher,
                                                          layout: req.layout(title: "Partner referrals awaiting triage"), on: req.db)
        try await req.audit(.partnerReferralList, objectType: .partnerReferral, detail: "\(page.total) awaiting triage")
        return try await req.view.render("partner-referrals/list", page)
    }

    func show(req: Request) async throws -> View {
        let scope = try req.scope
        let referral = try await scope.findPartnerReferral(req.parameters.get("partnerReferralID", as: UUID.self), req: req)
        return try await render(req, referral, scope: scope)
    }

    func calledBack(req: Request) async throws -> Response {
        // Still owed after the referral was recorded: only a spam one has nothing to call back.
        let (referral, scope) = try await triageable(req, orTriaged: true)
        let now = req.now, user = scope.user, id = try referral.requireID()
        let region = try await referral.regionID.asyncMap { try await Region.find($0, on: req.db)?.code } ?? nil
        let entry = req.auditEntry(.partnerReferralCalledBack, objectType: .partnerReferral, objectID: id.uuidString,
                                   region: region ?? "", detail: CallBackClock(due: referral.callBackDue, calledBackAt: nil).summary(at: now))
        let recorded = try await req.write { db in
            // Once: a second press, or a colleague's at the same moment, finds it already recorded.
            let changed = try await Self.change(id, set: "called_back_at = \(bind: now), called_back_by_id = \(bind: user.id)",
                                                where: "called_back_at IS NULL", orTriaged: true, on: db)
            if changed {
                try await Audit.append(entry, on: db, at: now)
                try await AlertBook.resolve(.partnerCallBack, subject: id, now: now, on: db)
            }
            return changed
        }
        return try recorded ? req.redirect(to: SiteURL.partnerReferral(id).path, saved: .partnerReferralCalledBack)
            : req.redirect(to: SiteURL.partnerReferral(id).path)
    }

    func spam(req: Request) async throws -> Response {
        let (referral, scope) = try await triageable(req)
        struct Form: Content { var confirm: String? }
        guard try req.content.decode(Form.self).confirm == "yes" else {
            return try await render(req, referral, scope: scope, spamError: "Tick the box to confirm this is not a genuine referral")
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let now = req.now, user = scope.user, id = try referral.requireID()
        let region = try await referral.regionID.asyncMap { try await Region.find($0, on: req.db)?.code } ?? nil
        let entry = req.auditEntry(.partnerReferralSpam, objectType: .partnerReferral, objectID: id.uuidString,
                                   region: region ?? "", detail: "content removed")
        try await req.write { db in
            let changed = try await Self.change(id, set: """
                status = 'spam', content = NULL, email_domain = NULL, closed_by_id = \(bind: user.id), closed_at = \(bind: now)
                """, on: db)
            guard changed else { throw Abort(.conflict, reason: "This partner referral has already been triaged") }
            try await Audit.append(entry, on: db, at: now)
            try await AlertBook.resolve(.partnerCallBack, subject: id, now: now, on: db)
        }
        return try req.redirect(to: SiteURL.partnerReferrals.path, saved: .partnerReferralSpam)
    }

    /// The national lead sends a referral no region's list holds to a region's triage list.
    func route(req: Request) async throws -> Response {
        let (referral, scope) = try await triageable(req)
        struct Form: Content { var region: String? }
        let code = try req.content.decode(Form.self).region ?? ""
        guard referral.regionID == nil, let region = try await Region.query(on: req.db).filter(\.$code == code).first() else {
            return try await render(req, referral, scope: scope, routeError: "Select the region to send it to")
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let now = req.now, id = try referral.requireID(), regionID = try region.requireID()
        let entry = req.auditEntry(.partnerReferralRouted, objectType: .partnerReferral, objectID: id.uuidString,
                                   region: region.code)
        try await req.write { db in
            let changed = try await Self.change(id, set: "region_id = \(bind: regionID), routed_by = 'national_lead'",
                                                where: "region_id IS NULL", on: db)
            guard changed else { throw Abort(.conflict, reason: "This partner referral has already been sent to a region") }
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.partnerReferrals.path, saved: .partnerReferralRouted)
    }

    /// Changes one partner referral still awaiting triage, and answers whether this request changed it: of two
    /// people (or instances) pressing at once, one changes it and the other finds it done.
    static func change(_ id: UUID, set: SQLQueryString, where condition: SQLQueryString = "1 = 1", orTriaged: Bool = false,
                       on db: any Database) async throws -> Bool {
        let statuses: SQLQueryString = orTriaged ? "status IN ('awaiting_triage', 'triaged')" : "status = 'awaiting_triage'"
        return try await (db as! any SQLDatabase).raw("""
            UPDATE partner_referrals SET \(set)
            WHERE id = \(bind: id) AND \(statuses) AND \(condition) RETURNING id
            """).first() != nil
    }

    /// The referral named in the path, in scope, awaiting triage, and this person's to triage; else 404 or 403.
    private func triageable(_ req: Request, orTriaged: Bool = false) async throws -> (PartnerReferral, RegionScope) {
        let scope = try req.scope
        let referral = try await scope.findPartnerReferral(req.parameters.get("partnerReferralID", as: UUID.self), req: req)
        guard scope.canTriage(referral) else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .partnerReferral,
                                objectID: referral.id?.uuidString ?? "", detail: "not theirs to triage")
            throw Abort(.forbidden)
        }
        guard referral.status == .awaitingTriage || (orTriaged && referral.status == .triaged) else {
            throw Abort(.conflict, reason: "This partner referral has already been triaged")
        }
        return (referral, scope)
    }

    private func render(_ req: Request, _ referral: PartnerReferral, scope: RegionScope, spamError: String? = nil,
                        routeError: String? = nil) async throws -> View {
        let page = try await PartnerReferralPage.make(referral, scope: scope, now: req.now, cipher: req.application.cipher,
                                                      layout: req.layout(title: "Partner referral \(referral.ref)"),
                                                      spamError: spamError, routeError: routeError, on: req.db)
        try await req.audit(.partnerReferralViewed, objectType: .partnerReferral, objectID: referral.id?.uuidString ?? "",
                            region: page.regionCode ?? "")
        return try await req.view.render("partner-referrals/show", page)
    }
}
