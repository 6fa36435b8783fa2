import Charts
import Domain
import Fluent
import SQLKit
import Vapor

/// The tailored intervention pathway: outcome-wheel assessments (every configured area scored 1 to 10 at
/// entry, reviews and exit) and goals tied to the areas, with status and progress.
struct PathwayController {
    func register(_ routes: any RoutesBuilder) {
        let writers: AccessRule = .roles(ReferralsController.writers)
        routes.on(.POST, .caseWheel(nil), access: writers, use: assess)
        routes.on(.POST, .caseGoals(nil), access: writers, use: addGoal)
        routes.on(.POST, .caseGoalUpdate(nil), access: writers, use: updateGoal)
        routes.on(.GET, .caseRegisters(nil), access: .roles(CasesController.readers), use: registersPage)
        routes.on(.POST, .caseRegisters(nil), access: writers, use: addRegisterEntry)
    }

    /// Adds an entry to one of the case's registers (missing episodes, NRM, onward referrals, activities, prison).
    /// Every register of a case with its entries and, for those who may write to the case, a form for each.
    func registersPage(req: Request) async throws -> View {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        try await req.audit(.caseViewed, objectType: .supportCase, objectID: try supportCase.requireID().uuidString,
                            region: supportCase.region.code, detail: "registers")
        return try await req.view.render("cases/registers", try await Self.registers(req, supportCase, scope: scope,
                                                                                      canWrite: scope.canWrite(supportCase)))
    }

    /// A case's registers for this request.
    static func registers(_ req: Request, _ supportCase: SupportCase, scope: RegionScope, canWrite: Bool,
                          typed: [String: String] = [:], errors: FieldErrors = FieldErrors()) async throws -> RegistersPage {
        let name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
        return try await RegistersPage.make(supportCase, scope: scope, canWrite: canWrite, typed: typed, errors: errors,
                                            layout: req.layout(title: (errors.isEmpty ? "" : "Error: ") + "Registers: \(name)"),
                                            settings: req.application.settings, cipher: req.application.cipher, on: req.db)
    }

    /// The registers page again, with every problem beside its field and what was typed kept.
    private func rerender(_ req: Request, _ supportCase: SupportCase, typed: [String: String],
                          errors: FieldErrors) async throws -> Response {
        let page = try await Self.registers(req, supportCase, scope: try req.scope, canWrite: true, typed: typed, errors: errors)
        let response = try await req.view.render("cases/registers", page).encodeResponse(for: req)
        response.status = .unprocessableEntity
        return response
    }

    func addRegisterEntry(req: Request) async throws -> Response {
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        var cells = (try? req.content.decode([String: String].self)) ?? [:]
        cells[CSRFMiddleware.field] = nil
        var errors = FieldErrors()
        guard let kind = RegisterKind(rawValue: cells["kind"] ?? "") else {
            errors.add("kind", "Choose a register")
            return try await rerender(req, supportCase, typed: cells, errors: errors)
        }
        let prefix = kind.rawValue + "."
        var values: [String: String] = [:]
        for (key, value) in cells where key.hasPrefix(prefix) { values[String(key.dropFirst(prefix.count))] = value }
        // Every problem at once: the entry's own date (not in the future, not before the referral), then its fields.
        let today = CivilDate.today(at: req.now)
        let earliest = try await CaseWrites.earliest(supportCase, on: req.db)
        let date = CivilDate(values["occurred_on"] ?? "")
        if date == nil || date! > today {
            errors.add(prefix + "occurred_on", "\(kind.dateLabel): enter a date, not in the future")
        } else if date! < earliest {
            errors.add(prefix + "occurred_on", "\(kind.dateLabel) cannot be before the referral was received (\(earliest))")
        }
        var checked: [String: String] = [:]
        switch kind.check(values, today: today) {
        case let .success(clean): checked = clean
        case let .failure(refused): for problem in refused.problems { errors.add(prefix + problem.field, problem.message) }
        }
        guard errors.isEmpty, let date else { return try await rerender(req, supportCase, typed: cells, errors: errors) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let sealed = try req.application.cipher.seal(String(decoding: try encoder.encode(checked), as: UTF8.self))
        let user = try req.requireUser()
        let caseID = try supportCase.requireID()
        return try await CaseWrites.save(req, supportCase, .registerRecorded, detail: kind.rawValue) { db, _ in
            let entry = CaseRegisterEntry()
            entry.$supportCase.id = caseID
            entry.kind = kind.rawValue
            entry.occurredOn = date.description
            entry.fields = sealed
            entry.recordedByID = user.id
            try await entry.create(on: db)
        }
    }

    func assess(req: Request) async throws -> Response {
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let cells = (try? req.content.decode([String: String].self)) ?? [:]
        let typed = CaseFormEcho(text: cells, form: "wheel")
        guard let stage = cells["stage"], ["entry", "review", "exit"].contains(stage) else {
            return try await CaseWrites.rerender(req, supportCase, field: "wheelStage", message: "Select entry, review or exit", typed: typed)
        }
        guard let date = CivilDate(cells["assessedOn"] ?? ""), date <= CivilDate.today(at: req.now) else {
            return try await CaseWrites.rerender(req, supportCase, field: "assessedOn", message: "Enter the date of the assessment",
                                                 typed: typed)
        }
        let earliest = try await CaseWrites.earliest(supportCase, on: req.db)
        guard date >= earliest else {
            return try await CaseWrites.rerender(req, supportCase, field: "assessedOn",
                                                 message: "The assessment cannot be before the referral was received (\(earliest))",
                                                 typed: typed)
        }
        let areas = try await Pathway.areas(on: req.db)
        var scores: [(String, Int)] = []
        for area in areas {
            guard let score = Int(cells["score_\(area.code)"] ?? ""), (1...10).contains(score) else {
                return try await CaseWrites.rerender(req, supportCase, field: "score_\(area.code)",
                                                     message: "Score \(area.label) from 1 to 10", typed: typed)
            }
            scores.append((area.code, score))
        }
        let user = try req.requireUser()
        let caseID = try supportCase.requireID()
        let scored = scores
        return try await CaseWrites.save(req, supportCase, .outcomeWheelAssessed, detail: stage) { db, _ in
            let assessment = WheelAssessment()
            assessment.id = UUID()
            assessment.$supportCase.id = caseID
            assessment.stage = stage
            assessment.assessedOn = date.description
            assessment.assessedByID = user.id
            try await assessment.create(on: db)
            try await scored.map { WheelScore(assessmentID: assessment.id!, area: $0.0, score: $0.1) }.create(on: db)
        }
    }

    func addGoal(req: Request) async throws -> Response {
        struct Form: Content { var area: String?; var description: String? }
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let form = try req.content.decode(Form.self)
        let areas = try await Pathway.areas(on: req.db)
        let typed = CaseFormEcho(text: ["area": form.area ?? "", "description": form.description ?? ""], form: "goal")
        guard let area = form.area, areas.contains(where: { $0.code == area }) else {
            return try await CaseWrites.rerender(req, supportCase, field: "goalArea", message: "Select the outcome area the goal is for",
                                                 typed: typed)
        }
        let text = (form.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 1000 else {
            return try await CaseWrites.rerender(req, supportCase, field: "goalDescription", message: "Describe the goal in up to 1,000 characters",
                                                 typed: typed)
        }
        let sealed = try req.application.cipher.seal(text)
        let caseID = try supportCase.requireID()
        return try await CaseWrites.save(req, supportCase, .goalAdded, detail: area) { db, _ in
            let goal = Goal()
            goal.$supportCase.id = caseID
            goal.area = area
            goal.description = sealed
            goal.status = GoalStatus.notStarted.rawValue
            goal.progress = 0
            try await goal.create(on: db)
        }
    }

    func updateGoal(req: Request) async throws -> Response {
        struct Form: Content { var goal: UUID?; var status: String?; var progress: String? }
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let form = try req.content.decode(Form.self)
        let caseID = try supportCase.requireID()
        guard let goalID = form.goal else { throw Abort(.badRequest, reason: "No goal named") }
        guard try await Goal.query(on: req.db).filter(\.$id == goalID).filter(\.$supportCase.$id == caseID).count() == 1 else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .goal, objectID: goalID.uuidString)
            throw Abort(.notFound)
        }
        let status = form.status.flatMap(GoalStatus.init(rawValue:))
        let progress = Int((form.progress ?? "").trimmingCharacters(in: .whitespaces)).flatMap { (0...100).contains($0) ? $0 : nil }
        guard let status, let progress else {
            // Each problem beside the goal's own field, and what was typed in both kept (the page has a form per goal).
            var errors = FieldErrors()
            if status == nil { errors.add("status-\(goalID)", "Choose the goal's status") }
            if progress == nil { errors.add("progress-\(goalID)", "Enter the goal's progress as a whole number from 0 to 100") }
            let typed = CaseFormEcho(text: ["goal": goalID.uuidString, "status": form.status ?? "", "progress": form.progress ?? ""],
                                     form: "goalUpdate")
            return try await CaseWrites.rerender(req, supportCase, errors: errors, typed: typed)
        }
        return try await CaseWrites.save(req, supportCase, .goalUpdated, detail: "\(status.rawValue) \(progress)%") { db, _ in
            try await Goal.query(on: db).filter(\.$id == goalID).set(\.$status, to: status.rawValue).set(\.$progress, to: progress).update()
        }
    }
}

/// What the case page shows of the pathway: the radar chart (entry against latest), the goals, and whether the
/// plan is complete (every area scored 4 or less at entry has a goal).
struct Pathway: Encodable {
    struct Area: Encodable, Sendable {
        let code: String
        let label: String
    }

    struct GoalRow: Encodable {
        let id: String
        let area: String
        let description: String
        let status: String
        let progress: Int
        /// The goal's own update form, for those who may write to the case.
        let statusField, progressField: FormField?
    }

    static let lowScore = 4

    let areas: [Area]
    let radar: RadarChart?
    let table: [[String]]
    let goals: [GoalRow]
    let missingGoals: [String]?
    let planComplete: Bool
    let hasEntry: Bool

    static func areas(on db: any Database) async throws -> [Area] {
        try await CodeListItem.query(on: db).filter(\.$list == CodeList.outcomeArea.rawValue).sort(\.$position).all()
            .map { Area(code: $0.code, label: $0.label) }
    }

    /// `labels`: the code lists the case page has already read (the wheel's areas are one of them).
    /// `forms`: whether each goal's update form is drawn.
    /// `errors` and `typed`: a goal's update form sent back refused (its fields are named for the goal).
    static func make(caseID: UUID, cipher: FieldCipher, labels: CodeLabels, forms: Bool, errors: FieldErrors = FieldErrors(),
                     typed: CaseFormEcho = CaseFormEcho(), on db: any Database) async throws -> Pathway {
        let areas = labels.ordered(.outcomeArea).map { Area(code: $0.code, label: $0.label) }
        let sql = db as! any SQLDatabase
        let assessments = try await sql.rows(of: WheelAssessment.self, where: "case_id", in: [caseID], orderedBy: "assessed_on, id")
        let scores = Dictionary(grouping: try await sql.rows(of: WheelScore.self, where: "assessment_id",
                                                               in: assessments.compactMap(\.id), orderedBy: "area"),
                                by: \.$assessment.id)
        for assessment in assessments { assessment.$scores.value = scores[assessment.id!] ?? [] }
        let entry = assessments.first { $0.stage == "entry" }
        let latest = assessments.last
        func values(_ assessment: WheelAssessment?) -> [Double] {
            areas.map { area in Double(assessment?.scores.first { $0.area == area.code }?.score ?? 0) }
        }
        var series: [(name: String, values: [Double])] = []
        if let entry { series.append(("Entry \(entry.assessedOn)", values(entry))) }
        if let latest, latest.id != entry?.id { series.append(("\(latest.stage.capitalized) \(latest.assessedOn)", values(latest))) }
        let goals = try await sql.rows(of: Goal.self, where: "case_id", in: [caseID], orderedBy: "created_at, id")
        let label = Dictionary(uniqueKeysWithValues: areas.map { ($0.code, $0.label) })
        let lowAtEntry = areas.filter { area in (entry?.scores.first { $0.area == area.code }?.score ?? 10) <= lowScore }
        let missing = lowAtEntry.filter { area in !goals.contains { $0.area == area.code } }.map(\.label)
        let table = areas.map { area in
            [area.label] + series.map { entry in String(Int(entry.values[areas.firstIndex { $0.code == area.code }!])) }
        }
        // What a refused update of one goal held, for that goal only.
        let refusedGoal = typed.form == "goalUpdate" ? typed.text["goal"] : nil
        func typedStatus(_ goal: Goal) -> String? { refusedGoal == goal.id?.uuidString ? typed.text["status"] : nil }
        func typedProgress(_ goal: Goal) -> String? { refusedGoal == goal.id?.uuidString ? typed.text["progress"] : nil }
        return Pathway(
            areas: areas, radar: series.isEmpty ? nil : RadarChart(areas: areas.map(\.label), series: series), table: table,
            goals: try goals.map { goal in
                GoalRow(id: goal.id!.uuidString, area: label[goal.area] ?? goal.area,
                        description: goal.description.isEmpty ? "" : try cipher.open(goal.description),
                        status: GoalStatus(rawValue: goal.status)?.label.lowercased() ?? goal.status, progress: goal.progress,
                        statusField: !forms ? nil : FormField("status-\(goal.id!)", value: typedStatus(goal) ?? goal.status,
                                               error: errors["status-\(goal.id!)"]).select(
                            "Status", name: "status",
                            options: GoalStatus.allCases.map {
                                SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (typedStatus(goal) ?? goal.status))
                            }),
                        progressField: !forms ? nil : FormField("progress-\(goal.id!)", value: typedProgress(goal) ?? String(goal.progress),
                                                 error: errors["progress-\(goal.id!)"])
                            .drawn("Progress (%)", name: "progress", as: .number, ["min": "0", "max": "100"]))
            },
            missingGoals: missing.isEmpty ? nil : missing, planComplete: entry != nil && missing.isEmpty, hasEntry: entry != nil)
    }
}
