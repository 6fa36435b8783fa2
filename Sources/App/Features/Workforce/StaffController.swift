import Domain
import Fluent
import SQLKit
import Vapor

/// Staff records (SPEC §2.5): capacity, specialisms, absences and training with renewal dates; caseload
/// against capacity per worker and for the region; renewals due in the next 60 days. Managers keep the
/// records of their region; caseworkers see and add to their own training.
struct StaffController {
    static let renewalWindowDays = 60

    func register(_ routes: any RoutesBuilder) {
        let workers: AccessRule = .roles(LoneWorkingController.workers)
        routes.on(.GET, .staff, access: workers, use: list)
        routes.on(.GET, .staffMember(nil), access: workers, use: show)
        routes.on(.POST, .staffProfile(nil), access: .roles([.manager]), use: saveProfile)
        routes.on(.POST, .staffAbsences(nil), access: .roles([.manager]), use: addAbsence)
        routes.on(.POST, .staffTraining(nil), access: workers, use: addTraining)
    }

    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        let page = try await StaffListPage.make(user: user, layout: req.layout(title: "Staff"), today: CivilDate.today(at: req.now),
                                                on: req.db)
        try await req.audit(.staffList, objectType: .staff, region: user.regionCode ?? "")
        return try await req.view.render("workforce/staff", page)
    }

    func show(req: Request) async throws -> View {
        let member = try await member(req)
        return try await render(req, member: member, errors: FieldErrors())
    }

    func saveProfile(req: Request) async throws -> Response {
        struct Form: Content { var capacity: String?; var specialisms: [String]? }
        let member = try await member(req)
        let form = try req.content.decode(Form.self)
        guard let capacity = Int(form.capacity ?? ""), (0...100).contains(capacity) else {
            var errors = FieldErrors()
            errors.add("capacity", "Capacity is a number of cases from 0 to 100")
            return try await render(req, member: member, errors: errors, typed: ["capacity": form.capacity ?? ""],
                                    typedSpecialisms: form.specialisms ?? []).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let known = Set(try await CodeListItem.query(on: req.db).filter(\.$list == CodeList.specialism.rawValue).all().map(\.code))
        let specialisms = StoredCodes.join((form.specialisms ?? []).filter(known.contains))
        let memberID = try member.requireID()
        return try await save(req, member, .staffProfileSaved, detail: "capacity \(capacity)") { db in
            if let profile = try await StaffProfile.query(on: db).filter(\.$user.$id == memberID).first() {
                profile.capacity = capacity
                profile.specialisms = specialisms
                try await profile.update(on: db)
            } else {
                let profile = StaffProfile()
                profile.$user.id = memberID
                profile.capacity = capacity
                profile.specialisms = specialisms
                try await profile.create(on: db)
            }
        }
    }

    func addAbsence(req: Request) async throws -> Response {
        struct Form: Content { var kind: String?; var from: String?; var to: String? }
        let member = try await member(req)
        let form = try req.content.decode(Form.self)
        var errors = FieldErrors()
        if !Absence.kinds.contains(form.kind ?? "") { errors.add("absenceKind", "Select the type of absence") }
        let from = CivilDate(form.from ?? "")
        if from == nil { errors.add("from", "Enter the first day of the absence") }
        let to = (form.to ?? "").isEmpty ? nil : CivilDate(form.to!)
        if !(form.to ?? "").isEmpty && to == nil { errors.add("to", "Enter the last day as a date, or leave it empty") }
        if let from, let to, to < from { errors.add("to", "The last day must be on or after the first") }
        guard errors.isEmpty, let from else {
            let typed = ["absenceKind": form.kind ?? "", "from": form.from ?? "", "to": form.to ?? ""]
            return try await render(req, member: member, errors: errors, typed: typed).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let memberID = try member.requireID()
        let kind = form.kind!
        return try await save(req, member, .staffAbsenceRecorded, detail: kind) { db in
            let absence = Absence()
            absence.$user.id = memberID
            absence.kind = kind
            absence.fromDate = from.description
            absence.toDate = to?.description
            try await absence.create(on: db)
        }
    }

    func addTraining(req: Request) async throws -> Response {
        struct Form: Content { var course: String?; var external: String?; var provider: String?; var completedOn: String?; var renewalDue: String? }
        let member = try await member(req)
        let form = try req.content.decode(Form.self)
        var errors = FieldErrors()
        let courses = Set(try await CodeListItem.query(on: req.db).filter(\.$list == CodeList.trainingCourse.rawValue).all().map(\.code))
        if !courses.contains(form.course ?? "") { errors.add("course", "Select the course") }
        let completed = CivilDate(form.completedOn ?? "")
        if completed == nil || completed! > CivilDate.today(at: req.now) { errors.add("completedOn", "Enter the date it was completed") }
        let renewal = (form.renewalDue ?? "").isEmpty ? nil : CivilDate(form.renewalDue!)
        if !(form.renewalDue ?? "").isEmpty && renewal == nil { errors.add("renewalDue", "Enter the renewal date as a date, or leave it empty") }
        guard errors.isEmpty, let completed else {
            let typed = ["course": form.course ?? "", "external": form.external ?? "", "provider": form.provider ?? "",
                         "completedOn": form.completedOn ?? "", "renewalDue": form.renewalDue ?? ""]
            return try await render(req, member: member, errors: errors, typed: typed).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let memberID = try member.requireID()
        let course = form.course!
        return try await save(req, member, .staffTrainingRecorded, detail: course) { db in
            let record = TrainingRecord()
            record.$user.id = memberID
            record.course = course
            record.external = form.external == "yes"
            record.provider = form.provider.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
            record.completedOn = completed.description
            record.renewalDue = renewal?.description
            try await record.create(on: db)
        }
    }

    /// A member of staff of the manager's region, or the caseworker themself. Outside the region: 404; a
    /// colleague's record for a caseworker: 403. Both audited.
    private func member(_ req: Request) async throws -> User {
        let user = try req.requireUser()
        if let id = req.parameters.get("staffID", as: UUID.self),
           let member = try await User.query(on: req.db).filter(\.$id == id).filter(\.$region.$id == (user.regionID ?? UUID())).first() {
            guard user.role == .manager || id == user.id else {
                try await req.audit(.accessRefused, outcome: .refused, objectType: .staff, objectID: id.uuidString,
                                    detail: "a colleague's record")
                throw Abort(.forbidden)
            }
            return member
        }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .staff, objectID: req.parameters.get("staffID") ?? "")
        throw Abort(.notFound)
    }

    private func save(_ req: Request, _ member: User, _ action: AuditAction, detail: String,
                      _ change: @Sendable @escaping (any Database) async throws -> Void) async throws -> Response {
        let memberID = try member.requireID()
        let entry = req.auditEntry(action, objectType: .staff, objectID: memberID.uuidString, region: req.currentUser?.regionCode ?? "",
                                   detail: detail)
        let now = req.now
        try await req.write { db in
            try await change(db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.staffMember(memberID).path, saved: action)
    }

    /// `typed` (by field id) and `typedSpecialisms`: a form of the page as it was sent, refused.
    private func render(_ req: Request, member: User, errors: FieldErrors, typed: [String: String] = [:],
                        typedSpecialisms: [String]? = nil) async throws -> View {
        let page = try await StaffPage.make(
            member: member, viewerIsManager: req.requireUser().role == .manager, errors: errors, typed: typed,
            typedSpecialisms: typedSpecialisms, layout: req.layout(title: member.displayName), today: CivilDate.today(at: req.now),
            on: req.db)
        return try await req.view.render("workforce/staff-member", page)
    }
}

/// Caseload against capacity for a set of staff, with a handful of grouped queries.
enum StaffQueries {
    static func rows(for staff: [User], today: CivilDate, on db: any Database) async throws -> [StaffListPage.Row] {
        let ids = staff.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let profiles = Dictionary(uniqueKeysWithValues: try await StaffProfile.query(on: db).filter(\.$user.$id ~~ ids).all()
            .map { ($0.$user.id, $0) })
        let absences = try await absencePeriods(of: ids, on: db)
        // Counted in SQL: a region's caseworkers can lead thousands of cases between them.
        struct Load: Decodable { let lead_caseworker_id: UUID; let open_cases: Int }
        let loads = try await (db as! any SQLDatabase).select().column("lead_caseworker_id")
            .column(SQLFunction("count", args: SQLLiteral.all), as: "open_cases").from(SupportCase.schema)
            .where("lead_caseworker_id", .in, ids).where("closed_date", .is, SQLLiteral.null).groupBy("lead_caseworker_id")
            .all(decoding: Load.self)
        let caseload = Dictionary(loads.map { ($0.lead_caseworker_id, $0.open_cases) }, uniquingKeysWith: +)
        let labels = try await CodeLabels.load(on: db).label(.specialism)
        return staff.map { member in
            let id = member.id!
            let periods = absences[id] ?? []
            let contracted = profiles[id]?.capacity ?? 0
            let absentNow = periods.first { $0.covers(today) }
            return StaffListPage.Row(
                name: member.displayName, path: SiteURL.staffMember(id).path, role: member.role.label, contracted: contracted,
                available: Capacity.available(contracted: contracted, absences: periods, on: today), openCases: caseload[id] ?? 0,
                absentNow: absentNow.map { $0.kind.replacingOccurrences(of: "_", with: " ") },
                specialisms: StoredCodes.split(profiles[id]?.specialisms ?? "").map(labels).joined(separator: ", "))
        }
    }

    /// Each person's absences as capacity periods, read as plain rows (the case page asks on every view).
    static func absencePeriods(of ids: [UUID], on db: any Database) async throws -> [UUID: [Capacity.AbsencePeriod]] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { let user_id: UUID; let kind: String; let from_date: String; let to_date: String? }
        var periods: [UUID: [Capacity.AbsencePeriod]] = [:]
        for absence in try await (db as! any SQLDatabase).select().columns("user_id", "kind", "from_date", "to_date")
            .from(Absence.schema).where("user_id", .in, ids).all(decoding: Row.self) {
            guard let from = CivilDate(absence.from_date) else { continue }
            periods[absence.user_id, default: []].append(
                Capacity.AbsencePeriod(kind: absence.kind, from: from, to: absence.to_date.flatMap(CivilDate.init)))
        }
        return periods
    }
}

struct StaffListPage: Encodable {
    struct Row: Encodable {
        let name: String
        let path: String
        let role: String
        let contracted: Int
        let available: Int
        let openCases: Int
        let absentNow: String?
        let specialisms: String
    }

    struct Renewal: Encodable {
        let name: String
        let course: String
        let due: String
        let overdue: Bool
    }

    let layout: Layout
    let rows: [Row]
    let totalCapacity: Int
    let totalOpen: Int
    let renewals: [Renewal]
}

