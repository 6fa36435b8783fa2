import Domain
import Fluent
import Foundation

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

extension PartnershipsPage {
    /// The region's last 100 meetings, their open actions, and the meeting form (the open cases `scope` may see to tick).
    static func make(regionID: UUID?, scope: RegionScope, refused: RefusedForm, ticked: Set<String>, layout: Layout, cipher: FieldCipher,
                     today civilToday: CivilDate, on db: any Database) async throws -> PartnershipsPage {
        let labels = try await CodeLabels.load(on: db)
        let meetings = try await PartnershipMeeting.query(on: db).filter(\.$region.$id == (regionID ?? UUID()))
            .sort(\.$heldOn, .descending).limit(100).all()
        let open = meetings.isEmpty ? [] : try await MeetingAction.query(on: db).filter(\.$meeting.$id ~~ meetings.compactMap(\.id))
            .filter(\.$doneOn == nil).sort(\.$dueOn).all()
        let cases = try await scope.cases(on: db).filter(\.$closedDate == nil).with(\.$person).sort(\.$openedDate).limit(300).all()
        let today = civilToday.description
        return PartnershipsPage(
            layout: layout, action: SiteURL.partnerships.path, today: today,
            fields: Fields(
                refused, today: today, types: labels.byCode(.meetingType),
                cases: cases.map { Choice(id: "case-\($0.id!)", value: $0.id!.uuidString, label: "\($0.person.firstName) \($0.person.lastName)",
                                          checked: ticked.contains($0.id!.uuidString)) }),
            errorLinks: refused.errors.links,
            meetings: meetings.map {
                Meeting(path: SiteURL.partnershipMeeting($0.id).path, date: $0.heldOn,
                                         type: labels.label(.meetingType)($0.type), agencies: $0.agencies)
            },
            openActions: try open.map { action in
                Action(description: try cipher.open(action.description), owner: action.owner, due: action.dueOn ?? "",
                                        overdue: (action.dueOn ?? "9999") < today,
                                        path: SiteURL.partnershipMeeting(action.$meeting.id).path)
            })
    }
}

extension MeetingPage {
    /// A meeting: the cases discussed that `scope` may see (and how many it may not), its actions and the action form.
    static func make(_ meeting: PartnershipMeeting, scope: RegionScope, refused: RefusedForm, layout: Layout, cipher: FieldCipher,
                     on db: any Database) async throws -> MeetingPage {
        let labels = try await CodeLabels.load(on: db)
        let links = try await MeetingCase.query(on: db).filter(\.$meeting.$id == meeting.id!).all()
        let visible = links.isEmpty ? [] : try await scope.cases(on: db).filter(\.$id ~~ links.map(\.$supportCase.id))
            .with(\.$person).all()
        let actions = try await MeetingAction.query(on: db).filter(\.$meeting.$id == meeting.id!).sort(\.$dueOn).all()
        return MeetingPage(
            layout: layout, type: labels.label(.meetingType)(meeting.type), date: meeting.heldOn,
            agencies: meeting.agencies, notes: try cipher.open(meeting.notes),
            cases: visible.map { CaseLink(name: "\($0.person.firstName) \($0.person.lastName)", path: SiteURL.supportCase($0.id).path) },
            hidden: links.count - visible.count,
            actions: try actions.map {
                ActionRow(id: $0.id!.uuidString, description: try cipher.open($0.description), owner: $0.owner,
                                      due: $0.dueOn ?? "", done: $0.doneOn)
            },
            actionPath: SiteURL.meetingActions(meeting.id).path, donePath: SiteURL.meetingActionDone(meeting.id).path,
            fields: Fields(refused), errorLinks: refused.errors.links)
    }
}
