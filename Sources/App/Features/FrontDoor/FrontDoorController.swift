import Domain
import Vapor

/// The partners' front door (SPEC §2.11): a public form, with no account, for a police officer in a custody suite
/// or a teacher on a phone. It gives back a reference and nothing else: no status page, no echo of what was sent.
struct FrontDoorController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .refer, access: .open, use: start)
        routes.on(.GET, .referUrgent, access: .open) { req in try await self.show(req, .urgent) }
        routes.on(.GET, .referFull, access: .open) { req in try await self.show(req, .full) }
        // Small bodies, large enough for every field at its longest in any script (lengths count code points; one
        // is at most twelve bytes once form-encoded): the urgent path's are 3,700 in all, the full path's about 9,400.
        routes.on(.POST, .referUrgent, access: .open, maxBodySize: "64kb") { req in try await self.submit(req, .urgent) }
        routes.on(.POST, .referFull, access: .open, maxBodySize: "128kb") { req in try await self.submit(req, .full) }
    }

    func start(req: Request) async throws -> View {
        try await req.view.render("front-door/start", FrontDoorStartPage(
            layout: req.layout(title: "Refer a young person"), urgentPath: SiteURL.referUrgent.path,
            fullPath: SiteURL.referFull.path, callBack: callBack(req, .urgent)))
    }

    func show(_ req: Request, _ path: PartnerReferralPath) async throws -> View {
        var form = PartnerReferralForm()
        form.submission = UUID().uuidString
        return try await render(req, path, form: form, errors: FieldErrors())
    }

    func submit(_ req: Request, _ path: PartnerReferralPath) async throws -> Response {
        let settings = try req.application.settings
        let form = try req.content.decode(PartnerReferralForm.self).cleaned()
        // Every attempt counts, refused ones too, in the database so the limit holds across instances. A person
        // refused keeps what they typed, and is told what to do now.
        if let wait = try await RateLimiter.hit("partner-referral:\(req.clientAddress)", limit: settings.partnerReferralsPerHour,
                                                window: 3600, req: req) {
            try await req.audit(.partnerReferralRateLimited, outcome: .refused, objectType: .partnerReferral,
                                detail: path.rawValue)
            var errors = FieldErrors()
            errors.add("refer-form", "Too many referrals have been sent from this network in the last hour. If a young person is in "
                       + "immediate danger, call 999. Otherwise phone us, or send this form again in \(CallBackClock.duration(max(1, wait / 60))).")
            let response = try await render(req, path, form: form, errors: errors).encodeResponse(status: .tooManyRequests, for: req)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            return response
        }
        if let trap = form.website, !trap.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            // A robot: it is answered as a person would be, with a reference that leads nowhere, and nothing kept.
            try await req.audit(.partnerReferralHoneypot, outcome: .refused, objectType: .partnerReferral,
                                detail: path.rawValue)
            return try await receipt(req, path, reference: PartnerReferralIntake.newReference())
        }
        let areas = try await FrontDoorAreas.load(on: req.db)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        switch form.check(path, codes: codes, areas: areas.codes, today: CivilDate.today(at: req.now)) {
        case let .failure(errors):
            // Audited as every submission is, by the fields refused and never by what was typed in them.
            try await req.audit(.partnerReferralRefused, outcome: .refused, objectType: .partnerReferral,
                                detail: "\(path.rawValue): " + errors.entries.map(\.id).joined(separator: ", "))
            return try await render(req, path, form: form, errors: errors, areas: areas)
                .encodeResponse(status: .unprocessableEntity, for: req)
        case let .success(content):
            let reference = try await PartnerReferralIntake.receive(content, path: path, areas: areas,
                                                                    submissionKey: form.submissionKey, req: req)
            return try await receipt(req, path, reference: reference)
        }
    }

    /// The answer to every accepted submission: the reference, what happens next, and nothing that was sent.
    /// Given in the answer to the POST itself (no page to come back to, so a reference opens nothing).
    private func receipt(_ req: Request, _ path: PartnerReferralPath, reference: String) async throws -> Response {
        let page = try FrontDoorReceiptPage(layout: req.layout(title: "Referral sent"), reference: reference,
                                        urgent: path == .urgent, callBack: try callBack(req, path), startPath: SiteURL.refer.path)
        let response = try await req.view.render("front-door/received", page).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func callBack(_ req: Request, _ path: PartnerReferralPath) throws -> String {
        let settings = try req.application.settings
        return CallBackClock.duration(path == .urgent ? settings.partnerUrgentCallBackMinutes : settings.partnerFullCallBackHours * 60)
    }

    private func render(_ req: Request, _ path: PartnerReferralPath, form: PartnerReferralForm, errors: FieldErrors,
                        areas: FrontDoorAreas? = nil) async throws -> View {
        let areas = if let areas { areas } else { try await FrontDoorAreas.load(on: req.db) }
        let page = try await FrontDoorFormPage.make(path: path, form: form, errors: errors, areas: areas,
                                                    callBack: callBack(req, path), layout: req.layout(
                                                        title: (errors.isEmpty ? "" : "Error: ")
                                                            + (path == .urgent ? "Urgent referral" : "Refer a young person")),
                                                    on: req.db)
        return try await req.view.render(path == .urgent ? "front-door/urgent" : "front-door/full", page)
    }
}

struct FrontDoorStartPage: Encodable {
    let layout: Layout
    let urgentPath: String
    let fullPath: String
    let callBack: String
}

struct FrontDoorReceiptPage: Encodable {
    let layout: Layout
    let reference: String
    let urgent: Bool
    let callBack: String
    let startPath: String
}
