import Domain
import Fluent
import Vapor

/// `/api/v1/cases`: cases in the caller's scope, one case with its contacts and measures, and recording a
/// contact or outcome measures (the lead caseworker and the region's managers only, as on the case page).
struct APICasesController {
    static let bodyLimit: ByteCount = "64kb"

    func register(_ routes: any RoutesBuilder) {
        let writers: AccessRule = .roles(ReferralsController.writers)
        routes.on(.GET, .apiCases, access: .roles(CasesController.readers), use: list)
        routes.on(.GET, .apiCase(nil), access: .roles(CasesController.readers), use: show)
        routes.on(.POST, .apiCaseContacts(nil), access: writers, maxBodySize: Self.bodyLimit, use: addContact)
        routes.on(.POST, .apiCaseMeasures(nil), access: writers, maxBodySize: Self.bodyLimit, use: addMeasures)
    }

    func list(req: Request) async throws -> Response {
        let scope = try req.scope
        let paging = try APIPaging(req)
        var query = scope.cases(on: req.db)
        switch req.query[String.self, at: "status"] {
        case nil: break
        case "open"?: query = query.filter(\.$closedDate == nil)
        case "closed"?: query = query.filter(\.$closedDate != nil)
        default: throw APIInvalidInput(field: "status", "Must be open or closed")
        }
        switch req.query[String.self, at: "mine"] {
        case nil, "false"?: break
        case "true"?: query = query.filter(\.$leadCaseworker.$id == (try req.requireUser().id))
        default: throw APIInvalidInput(field: "mine", "Must be true or false")
        }
        let rows = try await paging.apply(to: query.with(\.$region), date: \.$openedDate).all()
        let page = paging.page(rows, key: \.openedDate) { CaseSummaryJSON($0, regionCode: $0.region.code) }
        try await req.audit(.caseList, objectType: .supportCase, detail: "api, \(page.items.count) returned")
        return try APIResponse.ok(page)
    }

    func show(req: Request) async throws -> Response {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        let caseID = try supportCase.requireID()
        let cipher = try req.application.cipher
        let mayReadSensitive = scope.canReadSensitive(supportCase)
        let contacts = try await Contact.query(on: req.db).filter(\.$supportCase.$id == caseID)
            .sort(\.$happenedAt, .descending).sort(\.$id).all()
        let measures = try await OutcomeMeasure.query(on: req.db).filter(\.$supportCase.$id == caseID)
            .sort(\.$recordedOn).sort(\.$id).all()
        let risk = try await RiskRating.query(on: req.db).filter(\.$supportCase.$id == caseID).sort(\.$ratedAt, .descending).first()
        let person = supportCase.person
        let body = CaseJSON(
            summary: CaseSummaryJSON(supportCase, regionCode: supportCase.region.code),
            youngPerson: .init(id: try person.requireID(), firstName: person.firstName, lastName: person.lastName,
                               dateOfBirth: person.dateOfBirth),
            riskRating: risk?.rating,
            contacts: try contacts.map { contact in
                let withheld = contact.sensitive && !mayReadSensitive
                return try ContactJSON(contact, notes: withheld ? nil : contact.notes.map(cipher.open), withheld: withheld)
            },
            outcomeMeasures: measures.map(MeasuresJSON.init))
        try await req.audit(.caseViewed, objectType: .supportCase, objectID: caseID.uuidString, region: supportCase.region.code,
                            detail: "api")
        return try APIResponse.ok(body)
    }

    struct ContactBody: Decodable {
        var happenedAt: String?
        var kind: String?
        var durationMinutes: WholeNumber?
        var present: [String]?
        var notes: String?
        var sensitive: Bool?
    }

    func addContact(req: Request) async throws -> Response {
        let body = try req.apiBody(ContactBody.self)
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let input = ContactInput(happenedAt: body.happenedAt, kind: body.kind, durationMinutes: body.durationMinutes?.value ?? (body.durationMinutes == nil ? nil : -1),
                                 present: body.present, notes: body.notes, sensitive: body.sensitive ?? false)
        let checked: ContactInput.Checked
        switch input.check(now: req.now, earliest: try await CaseWrites.earliest(supportCase, on: req.db)) {
        case let .failure(errors): throw APIInvalidInput(errors)
        case let .success(valid): checked = valid
        }
        let caseID = try supportCase.requireID()
        let contact = try checked.contact(caseID: caseID, recordedBy: try req.requireUser().id, cipher: req.application.cipher)
        let answer = IdempotentWrite.Answer(
            status: .created, body: try APIResponse.encode(ContactJSON(contact, notes: checked.notes, withheld: false)), location: nil)
        let entry = req.auditEntry(.contactRecorded, objectType: .supportCase, objectID: caseID.uuidString, region: supportCase.region.code,
                                   detail: checked.kind.rawValue + (checked.sensitive ? ", sensitive" : "") + ", api")
        return try await IdempotentWrite.run(req) { recorder in
            try await req.write { db in
                try await contact.create(on: db)
                try await CaseActivity.refresh(caseID, on: db)
                try await Audit.append(entry, on: db, at: recorder.now)
                try await recorder.remember(answer, on: db)
                return answer
            }
        }
    }

    struct MeasuresBody: Decodable {
        var stage: String?
        var recordedOn: String?
        var source: String?
        var safety: WholeNumber?
        var mentalHealth: WholeNumber?
        var criminogenicNeed: WholeNumber?
        var missingEpisodes: WholeNumber?
        var offences: WholeNumber?
        var countyLinesActive: Bool?
        var familyConflict: Bool?
        var eet: Bool?
        var goalProgress: String?

        /// The import's column names (without their stage prefix), as `MeasuresInput` reads them.
        var cells: [String: String] {
            var cells: [String: String] = [:]
            let numbers: [(String, WholeNumber?)] = [("safety", safety), ("mental_health", mentalHealth), ("criminogenic_need", criminogenicNeed),
                                             ("missing_episodes", missingEpisodes), ("offences", offences)]
            // A number that is not whole is passed on as typed, for the import's rules to refuse by name.
            for (column, value) in numbers { if let value { cells[column] = value.value.map(String.init) ?? value.typed } }
            let flags: [(String, Bool?)] = [("county_lines_active", countyLinesActive), ("family_conflict", familyConflict), ("eet", eet)]
            for (column, value) in flags { if let value { cells[column] = value ? "yes" : "no" } }
            if let goalProgress { cells["goal_progress"] = goalProgress }
            return cells
        }
    }

    /// The import's column names back to the API's member names, so a problem names the member that was sent.
    static let memberNames = ["mental_health": "mentalHealth", "criminogenic_need": "criminogenicNeed",
                              "missing_episodes": "missingEpisodes", "county_lines_active": "countyLinesActive",
                              "family_conflict": "familyConflict", "goal_progress": "goalProgress"]

    func addMeasures(req: Request) async throws -> Response {
        let body = try req.apiBody(MeasuresBody.self)
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let input = MeasuresInput(stage: body.stage, recordedOn: body.recordedOn, source: body.source, cells: body.cells)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        let checked: MeasuresInput.Checked
        switch input.check(codes: codes, today: CivilDate.today(at: req.now), earliest: try await CaseWrites.earliest(supportCase, on: req.db)) {
        case let .failure(errors):
            var renamed = FieldErrors()
            for (id, message) in errors.entries { renamed.add(Self.memberNames[id] ?? id, message) }
            throw APIInvalidInput(renamed)
        case let .success(valid): checked = valid
        }
        let caseID = try supportCase.requireID()
        let entry = req.auditEntry(.outcomeMeasuresRecorded, objectType: .supportCase, objectID: caseID.uuidString,
                                   region: supportCase.region.code, detail: checked.stage.rawValue + ", api")
        return try await IdempotentWrite.run(req) { recorder in
            try await req.write { db in
                let measure = try await checked.save(caseID: caseID, on: db)
                try await Audit.append(entry, on: db, at: recorder.now)
                let answer = try IdempotentWrite.Answer(status: .created, body: APIResponse.encode(MeasuresJSON(measure)), location: nil)
                try await recorder.remember(answer, on: db)
                return answer
            }
        }
    }
}
