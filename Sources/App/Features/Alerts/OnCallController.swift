import Domain
import Fluent
import SQLKit
import Vapor

/// A region's on-call rota (SPEC §2.10): who is on call when, as caseworker, manager and second on call. The
/// region's managers edit it; its caseworkers read it. Alerts reach whoever holds a place at the time.
struct OnCallController {
    /// Gaps are shown this far ahead, on the rota and the managers' home page.
    static let lookAhead: TimeInterval = 7 * 86400
    /// A shift may be at most this long: a rota of one shift for a year hides nobody's gaps.
    static let longestShift: TimeInterval = 14 * 86400
    /// How far ahead a shift may start: the rota is planned weeks ahead, not in 9999.
    static let furthestStart: TimeInterval = 366 * 86400

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .onCall, access: .roles(LoneWorkingController.workers), use: show)
        routes.on(.POST, .onCall, access: .roles([.manager]), use: add)
        routes.on(.POST, .onCallShiftRemove(nil), access: .roles([.manager]), use: remove)
    }

    struct Form: Content {
        var person: String?
        var role: String?
        var startsAt: String?
        var endsAt: String?
    }

    func show(req: Request) async throws -> View {
        try await render(req, form: Form(), errors: FieldErrors())
    }

    func add(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let regionID = user.regionID else { throw Abort(.forbidden) }
        let form = try req.content.decode(Form.self)
        var errors = FieldErrors()
        let people = try await Self.eligible(regionID: regionID, on: req.db)
        let person = UUID(uuidString: form.person ?? "").flatMap { id in people.first { $0.id == id } }
        if person == nil { errors.add("person", "Choose a caseworker or manager of the region") }
        let role = OnCallRole(rawValue: form.role ?? "")
        if role == nil { errors.add("role", "Choose the place on the rota") }
        let start = ImportTimestamp.parse(form.startsAt ?? ""), end = ImportTimestamp.parse(form.endsAt ?? "")
        if start == nil { errors.add("startsAt", "Enter when the shift starts, as a date and time") }
        if end == nil { errors.add("endsAt", "Enter when the shift ends, as a date and time") }
        else if let start, end! <= start { errors.add("endsAt", "The end must be after the start") }
        else if let start, end!.timeIntervalSince(start) > Self.longestShift { errors.add("endsAt", "A shift can last at most 14 days") }
        else if end! <= req.now { errors.add("endsAt", "The end must be later than now") }
        if let start, start.timeIntervalSince(req.now) > Self.furthestStart { errors.add("startsAt", "A shift can start at most a year ahead") }
        if let role, role != .caseworker, let person, person.role != .manager {
            errors.add("person", "The \(role == .manager ? "manager on call" : "second on call") must be a manager")
        }
        if let person, let start, let end, errors.isEmpty {
            // One person holds one place at a time: the same person as manager and second on call is no second.
            let clash = try await OnCallShiftRecord.query(on: req.db).filter(\.$regionID == regionID).filter(\.$user.$id == person.id!)
                .filter(\.$startsAt < end).filter(\.$endsAt > start).first()
            if let clash {
                errors.add("person", "\(person.displayName) is already on the rota as \(clash.role.label.lowercased()) from "
                           + "\(DateFormats.shown(clash.startsAt)) to \(DateFormats.shown(clash.endsAt))")
            }
        }
        guard errors.isEmpty, let person, let role, let start, let end else {
            return try await render(req, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let shift = OnCallShiftRecord()
        shift.regionID = regionID
        shift.$user.id = person.id!
        shift.role = role
        shift.startsAt = start
        shift.endsAt = end
        shift.createdByID = user.id
        let entry = req.auditEntry(.onCallShiftAdded, objectType: .user, objectID: person.id!.uuidString,
                                   region: user.regionCode ?? "", detail: "\(role.rawValue) from \(Audit.timestamp(start)) to \(Audit.timestamp(end))")
        let now = req.now
        try await req.write { db in
            try await shift.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.onCall.path, saved: .onCallShiftAdded)
    }

    func remove(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("shiftID", as: UUID.self),
              let shift = try await OnCallShiftRecord.find(id, on: req.db), shift.regionID == user.regionID else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .onCallShift,
                                objectID: req.parameters.get("shiftID") ?? "", detail: "not of their region")
            throw Abort(.notFound)
        }
        let entry = req.auditEntry(.onCallShiftRemoved, objectType: .user, objectID: shift.$user.id.uuidString,
                                   region: user.regionCode ?? "", detail: "\(shift.role.rawValue) from \(Audit.timestamp(shift.startsAt))")
        let now = req.now
        try await req.write { db in
            try await OnCallShiftRecord.query(on: db).filter(\.$id == id).delete()
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.onCall.path, saved: .onCallShiftRemoved)
    }

    /// The active, set-up caseworkers and managers of the region: who may be on its rota.
    static func eligible(regionID: UUID, on db: any Database) async throws -> [User] {
        try await CaseLeaders.all(in: regionID, on: db).filter(\.totpEnabled)
    }

    /// The region's shifts that have not ended, soonest first.
    static func shifts(regionID: UUID, now: Date, on db: any Database) async throws -> [OnCallShiftRecord] {
        try await OnCallShiftRecord.query(on: db).filter(\.$regionID == regionID).filter(\.$endsAt > now)
            .sort(\.$startsAt).with(\.$user).all()
    }

    /// Whether a shift's person may hold its place today: an active, set-up account of the region, a manager for the
    /// manager's and second's places. Checked when alerts are sent, not only when the shift was added: a person
    /// disabled, moved or made a caseworker since holds nothing, and their shift leaves a gap.
    static func stillHolds(_ shift: OnCallShiftRecord) -> Bool {
        let user = shift.user
        return !user.disabled && user.totpEnabled && user.$region.id == shift.regionID
            && (shift.role == .caseworker ? [Role.caseworker, .manager].contains(user.role) : user.role == .manager)
    }

    /// What covers: the shifts whose person still holds the place (alerts pass the others by).
    static func covering(_ shifts: [OnCallShiftRecord]) -> [OnCallShift] {
        shifts.filter(stillHolds).map(\.shift)
    }

    private func render(_ req: Request, form: Form, errors: FieldErrors) async throws -> View {
        let user = try req.requireUser()
        guard let regionID = user.regionID else { throw Abort(.forbidden) }
        let page = try await OnCallPage.make(regionID: regionID, isManager: user.role == .manager, form: form, errors: errors,
                                             layout: req.layout(title: errors.isEmpty ? "On-call rota" : "Error: on-call rota"),
                                             now: req.now, on: req.db)
        return try await req.view.render("workforce/on-call", page)
    }
}

struct OnCallPage: Encodable {
    struct Now: Encodable { let role: String; let people: String }
    struct Shift: Encodable { let person: String; let role: String; let from: String; let to: String; let removePath: String? }
    struct Gap: Encodable { let role: String; let from: String; let to: String }

    let layout: Layout
    let errorLinks: [FormErrorLink]?
    let isManager: Bool
    let now: [Now]
    /// Nil when the week ahead is covered (Leaf treats an empty array as true).
    let gaps: [Gap]?
    let shifts: [Shift]
    let action: String
    let person: FormField
    let role: FormField
    let startsAt: FormField
    let endsAt: FormField

    static func gaps(_ shifts: [OnCallShift], now: Date) -> [Gap]? {
        let gaps = OnCallCover.gaps(shifts, from: now, to: now.addingTimeInterval(OnCallController.lookAhead)).map {
            Gap(role: $0.role.label, from: DateFormats.shown($0.start), to: DateFormats.shown($0.end))
        }
        return gaps.isEmpty ? nil : gaps
    }
}

extension OnCallPage {
    /// The region's rota: who is on call now, the gaps in the week ahead and the shifts that have not ended; for a
    /// manager, the form to add a shift (as sent, with its `errors`, when refused) and a remove button on each.
    static func make(regionID: UUID, isManager: Bool, form: OnCallController.Form, errors: FieldErrors, layout: Layout,
                     now: Date, on db: any Database) async throws -> OnCallPage {
        let shifts = try await OnCallController.shifts(regionID: regionID, now: now, on: db)
        let people = isManager ? try await OnCallController.eligible(regionID: regionID, on: db) : []
        return OnCallPage(
            layout: layout, errorLinks: errors.links, isManager: isManager,
            now: OnCallRole.allCases.map { role in
                Now(role: role.label, people: shifts.filter { $0.role == role && $0.startsAt <= now && OnCallController.stillHolds($0) }
                    .map(\.user.displayName).joined(separator: ", "))
            },
            gaps: Self.gaps(OnCallController.covering(shifts), now: now),
            shifts: shifts.map { shift in
                Shift(person: shift.user.displayName + (OnCallController.stillHolds(shift) ? "" : " (cannot hold this place now: not covering)"),
                      role: shift.role.label,
                      from: DateFormats.shown(shift.startsAt), to: DateFormats.shown(shift.endsAt),
                      removePath: isManager ? SiteURL.onCallShiftRemove(shift.id).path : nil)
            },
            action: SiteURL.onCall.path,
            person: FormField("person", value: form.person ?? "", error: errors["person"]).select(
                "Who", options: [SelectOption(value: "", label: "Choose", selected: (form.person ?? "").isEmpty)] + people.map {
                    SelectOption(value: $0.id!.uuidString, label: "\($0.displayName) (\($0.role.label.lowercased()))",
                                 selected: $0.id!.uuidString == form.person)
                }),
            role: FormField("role", value: form.role ?? "", error: errors["role"]).select(
                "Place on the rota", options: [SelectOption(value: "", label: "Choose", selected: (form.role ?? "").isEmpty)]
                    + OnCallRole.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.role) }),
            startsAt: FormField("startsAt", value: form.startsAt ?? CasePage.localInput(now), error: errors["startsAt"])
                .drawn("From", as: .dateTime),
            endsAt: FormField("endsAt", value: form.endsAt ?? CasePage.localInput(now.addingTimeInterval(12 * 3600)), error: errors["endsAt"])
                .drawn("To", hint: "A shift lasts at most 14 days.", as: .dateTime))
    }
}
