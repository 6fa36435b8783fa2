import Domain
import Fluent
import SQLKit
import Vapor

/// Turning a partner's referral into a referral: the referral form starts with what the partner sent, and the
/// referral is recorded (matched, screened, audited) by `ReferralIntake` as any other, claiming the partner
/// referral in the same transaction, so it becomes one referral, once.
enum PartnerTriage {
    /// The partner referral named on the form: in scope (else 404), this person's to triage (else 403), routed to
    /// their region and still awaiting triage (else 409).
    static func find(_ id: String, req: Request) async throws -> PartnerReferral {
        let scope = try req.scope
        let partner = try await scope.findPartnerReferral(UUID(uuidString: id), req: req)
        guard scope.canTriage(partner), let region = partner.regionID, region == scope.user.regionID else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .partnerReferral,
                                objectID: partner.id?.uuidString ?? "", detail: "not theirs to triage")
            throw Abort(.forbidden)
        }
        guard partner.status == .awaitingTriage else { throw Abort(.conflict, reason: "This partner referral has already been triaged") }
        return partner
    }

    /// The referral form filled with what the partner sent.
    static func form(from partner: PartnerReferral, req: Request) async throws -> ReferralForm {
        var form = ReferralForm()
        form.partnerReferral = partner.id?.uuidString
        form.receivedDate = CivilDate.today(at: partner.receivedAt).description
        form.service = Service.support.rawValue
        guard let content = try PartnerReferralIntake.content(of: partner, cipher: req.application.cipher) else { return form }
        form.referralSource = content.referralSource
        form.referrerOrganisation = content.referrerOrganisation
        form.referrerContact = [content.referrerName, content.referrerPhone, content.referrerEmail].compactMap { $0 }
            .joined(separator: ", ")
        form.firstName = content.firstName
        form.lastName = content.lastName
        form.aliases = content.aliases?.joined(separator: "\n")
        form.dateOfBirth = content.dateOfBirth
        form.gender = content.gender
        form.ethnicity = content.ethnicity
        if let home = content.homeLocalAuthority {
            // The form lists the triager's own region; a home elsewhere goes in "outside the region".
            let inRegion = try await LocalAuthority.query(on: req.db).filter(\.$code == home)
                .filter(\.$region.$id == (partner.regionID ?? UUID())).count() > 0
            if inRegion {
                form.homeLocalAuthority = home
            } else {
                form.homeLocalAuthority = "other"
                form.otherLocalAuthority = home
            }
        }
        form.contactDetails = content.contactDetails
        form.exploitationTypes = content.exploitationTypes
        form.riskIndicators = content.riskIndicators
        form.consent = content.consent
        var notes: [String] = []
        if let who = content.who { notes.append("Who (as the partner described them): \(who)") }
        if let now = content.whereNow { notes.append("Where they were when referred: \(now)") }
        if let concerns = content.concerns { notes.append(concerns) }
        form.concerns = notes.isEmpty ? nil : notes.joined(separator: "\n")
        return form
    }

    /// Run inside the referral's transaction: marks the partner referral triaged into it and empties what was sent
    /// (the referral holds it now). A second triage, on this instance or another, finds it done and rolls back.
    static func claim(_ partner: PartnerReferral, user: CurrentUser, req: Request) -> @Sendable (any Database, Referral) async throws -> Void {
        let id = partner.id!, now = req.now
        let entry = req.auditEntry(.partnerReferralTriaged, objectType: .partnerReferral, objectID: id.uuidString,
                                   region: user.regionCode ?? "")
        return { db, referral in
            let referralID = try referral.requireID()
            let claimed = try await PartnerReferralsController.change(id, set: """
                status = 'triaged', content = NULL, referral_id = \(bind: referralID), closed_by_id = \(bind: user.id), closed_at = \(bind: now)
                """, where: "region_id = \(bind: user.regionID ?? UUID())", on: db)
            guard claimed else { throw Abort(.conflict, reason: "This partner referral has already been triaged") }
            var detail = entry
            detail.detail = "into referral \(referral.ref)"
            try await Audit.append(detail, on: db, at: now)
        }
    }
}
