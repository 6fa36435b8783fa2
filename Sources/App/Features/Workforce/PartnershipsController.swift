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
        let user = try req.requireUser()
        let labels = try await CodeLabels.load(on: req.db)
        let meetings = try await PartnershipMeeting.query(on: req.db).filter(\.$region.$id == (user.regionID ?? UUID()))
            .sort(\.$heldOn, .descending).limit(100).all()
        let open = meetings.isEmpty ? [] : try await MeetingAction.query(on: req.db).filter(\.$meeting.$id ~~ meetings.compactMap(\.id))
            .filter(\.$doneOn == nil).sort(\.$dueOn).all()
        let cipher = try req.application.cipher
        let scope = try req.scope
        let cases = try await scope.cases(on: req.db).filter(\.$closedDate == nil).with(\.$person).sort(\.$openedDate).limit(300).all()
        let today = CivilDate.today(at: req.now).description
        let page = PartnershipsPage(
            layout: try req.layout(title: "Partnerships"), action: SiteURL.partnerships.path, today: today,
            fields: PartnershipsPage.Fields(
                refused, today: today, types: labels.byCode(.meetingType),
                cases: cases.map { Choice(id: "case-\($0.id!)", value: $0.id!.uuidString, label: "\($0.person.firstName) \($0.person.lastName)",
                                          checked: ticked.contains($0.id!.uuidString)) }),
            errorLinks: refused.errors.links,
            meetings: meetings.map {
                PartnershipsPage.Meeting(path: SiteURL.partnershipMeeting($0.id).path, date: $0.heldOn,
                                         type: labels.label(.meetingType)($0.type), agencies: $0.agencies)
            },
            openActions: try open.map { action in
                PartnershipsPage.Action(description: try cipher.open(action.description), owner: action.owner, due: action.dueOn ?? "",
                                        overdue: (action.dueOn ?? "9999") < today,
                                        path: SiteURL.partnershipMeeting(action.$meeting.id).path)
            })
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
        guard errors.isEmpty, let type = form.type, let date, let regionID = user.regionID else {
            let typed = ["type": form.type ?? "", "heldOn": form.heldOn ?? "", "agencies": form.agencies ?? "", "notes": form.notes ?? ""]
            return try await renderList(req, refused: RefusedForm(errors: errors, typed: typed), ticked: Set(form.cases ?? []))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        // Only cases the recorder may see can be linked.
        let wanted = (form.cases ?? []).compactMap { UUID(uuidString: $0) }
        let linkable = wanted.isEmpty ? [] : try await (try req.scope).cases(on: req.db).filter(\.$id ~~ wanted).all().compactMap(\.id)
        let meeting = PartnershipMeeting()
        meeting.id = UUID()
        meeting.$region.id = regionID
        meeting.type = type
        meeting.heldOn = date.description
        meeting.agencies = String((form.agencies ?? "").prefix(1000))
        meeting.notes = try req.application.cipher.seal(String((form.notes ?? "").prefix(5000)))
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
        let labels = try await CodeLabels.load(on: req.db)
        let links = try await MeetingCase.query(on: req.db).filter(\.$meeting.$id == meeting.id!).all()
        let visible = links.isEmpty ? [] : try await (try req.scope).cases(on: req.db).filter(\.$id ~~ links.map(\.$supportCase.id))
            .with(\.$person).all()
        let cipher = try req.application.cipher
        let actions = try await MeetingAction.query(on: req.db).filter(\.$meeting.$id == meeting.id!).sort(\.$dueOn).all()
        let page = MeetingPage(
            layout: try req.layout(title: "Partnership meeting"), type: labels.label(.meetingType)(meeting.type), date: meeting.heldOn,
            agencies: meeting.agencies, notes: try cipher.open(meeting.notes),
            cases: visible.map { MeetingPage.CaseLink(name: "\($0.person.firstName) \($0.person.lastName)", path: SiteURL.supportCase($0.id).path) },
            hidden: links.count - visible.count,
            actions: try actions.map {
                MeetingPage.ActionRow(id: $0.id!.uuidString, description: try cipher.open($0.description), owner: $0.owner,
                                      due: $0.dueOn ?? "", done: $0.doneOn)
            },
            actionPath: SiteURL.meetingActions(meeting.id).path, donePath: SiteURL.meetingActionDone(meeting.id).path,
            fields: MeetingPage.Fields(refused), errorLinks: refused.errors.links)
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

struct PartnershipsPage: Encodable {
    struct Meeting: Encodable {
        let path: String
        let date: String
        let type: String
        let agencies: String
    }

    struct Action: Encodable {
        let description: String
        let owner: String
        let due: String
        let overdue: Bool
        let path: String
    }

    let layout: Layout
    let action: String
    let today: String
    let fields: Fields
    let errorLinks: [FormErrorLink]?
    let meetings: [Meeting]
    let openActions: [Action]
}

extension PartnershipsPage {
    /// The new meeting's form.
    struct Fields: Encodable {
        let type, heldOn, agencies, notes, cases: FormField

        init(_ refused: RefusedForm, today: String, types: [(code: String, label: String)], cases: [Choice]) {
            let type = refused.value("type")
            self.type = refused.field("type").select("Type", options: types.map {
                SelectOption(value: $0.code, label: $0.label, selected: $0.code == type)
            })
            heldOn = refused.field("heldOn", otherwise: today).drawn("Date", as: .date)
            agencies = refused.field("agencies").drawn("Agencies present")
            notes = refused.field("notes").drawn("Notes", as: .textarea, ["rows": "3"])
            self.cases = refused.field("cases").group("Young people discussed", name: "cases[]", as: .checkboxes, choices: cases)
        }
    }
}

struct MeetingPage: Encodable {
    struct CaseLink: Encodable {
        let name: String
        let path: String
    }

    struct ActionRow: Encodable {
        let id: String
        let description: String
        let owner: String
        let due: String
        let done: String?
    }

    let layout: Layout
    let type: String
    let date: String
    let agencies: String
    let notes: String
    let cases: [CaseLink]
    let hidden: Int
    let actions: [ActionRow]
    let actionPath: String
    let donePath: String
    let fields: Fields
    let errorLinks: [FormErrorLink]?

    /// The new action's form.
    struct Fields: Encodable {
        let description, owner, dueOn: FormField

        init(_ refused: RefusedForm) {
            description = refused.field("description").drawn("Action")
            owner = refused.field("owner").drawn("Owner")
            dueOn = refused.field("dueOn").drawn("Due", as: .date)
        }
    }
}
