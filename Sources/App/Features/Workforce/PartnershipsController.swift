import Domain
import Fluent
import Vapor

/// Partnership meetings and their open actions (SPEC §2.6). The young people discussed are linked to their
/// cases, and a person sees only those cases they may see (the others are counted, not named).
struct PartnershipsController {
    func register(_ routes: any RoutesBuilder) {
        let workers: AccessRule = .roles(LoneWorkingController.workers)
        routes.on(.GET, .partnerships, access: workers, use: list)
        routes.on(.POST, .partnerships, access: workers, use: create)
        routes.on(.GET, .partnershipMeeting(nil), access: workers, use: show)
        routes.on(.POST, .meetingActions(nil), access: workers, use: addAction)
        routes.on(.POST, .meetingActionDone(nil), access: workers, use: actionDone)
    }

    func list(req: Request) async throws -> View {
        try await req.audit(.partnershipListViewed, objectType: .meeting, region: try req.requireUser().regionCode ?? "")
        return try await renderList(req, refused: .none)
    }

    /// The list and the meeting form; after a refusal, each problem beside its field and what was typed kept.
    private func renderList(_ req: Request, refused: RefusedForm, ticked: Set<String> = []) async throws -> View {
        let page = try await PartnershipsPage.make(
            regionID: req.requireUser().regionID, scope: req.scope, refused: refused, ticked: ticked,
            layout: req.layout(title: "Partnerships"), cipher: req.application.cipher, today: CivilDate.today(at: req.now), on: req.db)
        return try await req.view.render("workforce/partnerships", page)
    }

    func create(req: Request) async throws -> Response {
        struct Form: Content { var type: String?; var heldOn: String?; var agencies: String?; var notes: String?; var cases: [String]? }
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        let types = Set(try await CodeListItem.query(on: req.db).filter(\.$list == CodeList.meetingType.rawValue).all().map(\.code))
        var errors = FieldErrors()
        if !types.contains(form.type ?? "") { errors.add("type", "Select the type of meeting") }
        let date = CivilDate(form.heldOn ?? "")
        if date == nil { errors.add("heldOn", "Enter the date of the meeting") }
        else if date! > CivilDate.today(at: req.now) { errors.add("heldOn", "The meeting's date cannot be in the future") }
        if (form.agencies ?? "").count > 1000 { errors.add("agencies", "The agencies present must be 1,000 characters or fewer") }
        if (form.notes ?? "").count > 5000 { errors.add("notes", "The notes must be 5,000 characters or fewer") }
        // Only cases the recorder may see can be linked; anything else in the list is refused, never dropped unsaid.
        let chosen = form.cases ?? []
        let wanted = chosen.compactMap { UUID(uuidString: $0) }
        let linkable = wanted.isEmpty ? [] : try await (try req.scope).cases(on: req.db).filter(\.$id ~~ wanted).all().compactMap(\.id)
        if wanted.count != chosen.count || Set(linkable) != Set(wanted) {
            errors.add("cases", "Choose the young people discussed from the list")
            // One audited refusal naming the first few, however many a form was made to carry.
            let refused = wanted.filter { !linkable.contains($0) }
            if let first = refused.first {
                try await req.audit(.accessRefused, outcome: .refused, objectType: .supportCase, objectID: first.uuidString,
                                    detail: "linked to a partnership meeting; \(refused.count) case(s) refused: "
                                        + refused.prefix(10).map(\.uuidString).joined(separator: " "))
            }
        }
        guard errors.isEmpty, let type = form.type, let date, let regionID = user.regionID else {
            let typed = ["type": form.type ?? "", "heldOn": form.heldOn ?? "", "agencies": form.agencies ?? "", "notes": form.notes ?? ""]
            return try await renderList(req, refused: RefusedForm(errors: errors, typed: typed), ticked: Set(form.cases ?? []))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let meeting = PartnershipMeeting()
        meeting.id = UUID()
        meeting.$region.id = regionID
        meeting.type = type
        meeting.heldOn = date.description
        meeting.agencies = form.agencies ?? ""
        meeting.notes = try req.application.cipher.seal(form.notes ?? "")
        meeting.recordedByID = user.id
        let entry = req.auditEntry(.partnershipMeetingRecorded, objectType: .meeting, objectID: meeting.id!.uuidString,
                                   region: user.regionCode ?? "", detail: "\(type), \(linkable.count) cases discussed")
        let now = req.now
        try await req.write { db in
            try await meeting.create(on: db)
            for caseID in linkable {
                let link = MeetingCase()
                link.$meeting.id = meeting.id!
                link.$supportCase.id = caseID
                try await link.create(on: db)
            }
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.partnershipMeeting(meeting.id).path, saved: .partnershipMeetingRecorded)
    }

    func show(req: Request) async throws -> View {
        let meeting = try await find(req)
        try await req.audit(.partnershipMeetingViewed, objectType: .meeting, objectID: meeting.id!.uuidString)
        return try await render(req, meeting, refused: .none)
    }

    private func render(_ req: Request, _ meeting: PartnershipMeeting, refused: RefusedForm) async throws -> View {
        let page = try await MeetingPage.make(meeting, scope: req.scope, refused: refused, layout: req.layout(title: "Partnership meeting"),
                                              cipher: req.application.cipher, on: req.db)
        return try await req.view.render("workforce/meeting", page)
    }

    func addAction(req: Request) async throws -> Response {
        struct Form: Content { var description: String?; var owner: String?; var dueOn: String? }
        let meeting = try await find(req)
        let form = try req.content.decode(Form.self)
        let text = (form.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let owner = (form.owner ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        if text.isEmpty || text.count > 1000 { errors.add("description", "Enter the action (up to 1,000 characters)") }
        if owner.isEmpty || owner.count > 200 { errors.add("owner", "Enter who owns the action (up to 200 characters)") }
        let due = CivilDate(form.dueOn ?? "")
        if !(form.dueOn ?? "").isEmpty && due == nil { errors.add("dueOn", "Enter the due date as a date, or leave it empty") }
        guard errors.isEmpty else {
            let typed = ["description": form.description ?? "", "owner": form.owner ?? "", "dueOn": form.dueOn ?? ""]
            return try await render(req, meeting, refused: RefusedForm(errors: errors, typed: typed))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let action = MeetingAction()
        action.$meeting.id = meeting.id!
        action.description = try req.application.cipher.seal(text)
        action.owner = owner
        action.dueOn = due?.description
        let entry = req.auditEntry(.partnershipActionAdded, objectType: .meeting, objectID: meeting.id!.uuidString)
        let now = req.now
        try await req.write { db in
            try await action.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.partnershipMeeting(meeting.id).path, saved: .partnershipActionAdded)
    }

    func actionDone(req: Request) async throws -> Response {
        struct Form: Content { var action: UUID? }
        let meeting = try await find(req)
        guard let actionID = try req.content.decode(Form.self).action,
              try await MeetingAction.query(on: req.db).filter(\.$id == actionID).filter(\.$meeting.$id == meeting.id!).count() == 1 else {
            throw FormProblem("Choose an action of this meeting.")
        }
        let today = CivilDate.today(at: req.now).description
        let entry = req.auditEntry(.partnershipActionDone, objectType: .meeting, objectID: meeting.id!.uuidString)
        let now = req.now
        try await req.write { db in
            try await MeetingAction.query(on: db).filter(\.$id == actionID).set(\.$doneOn, to: today).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.partnershipMeeting(meeting.id).path, saved: .partnershipActionDone)
    }

    private func find(_ req: Request) async throws -> PartnershipMeeting {
        try await (try req.scope).findInOwnRegion(PartnershipMeeting.self, id: req.parameters.get("meetingID", as: UUID.self),
                                                  region: \.$region, objectType: .meeting, req: req)
    }
}
