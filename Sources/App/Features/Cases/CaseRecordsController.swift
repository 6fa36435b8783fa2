import Domain
import Fluent
import Vapor

/// Writing to a case: assignment (managers), contacts, outcome measures, risk, closure with approval, reopening,
/// and the young person's safe-contact details. Only the lead caseworker and the region's managers write.
struct CaseRecordsController {
    func register(_ routes: any RoutesBuilder) {
        let writers: AccessRule = .roles(ReferralsController.writers)
        routes.on(.POST, .caseAssign(nil), access: .roles([.manager]), use: assign)
        routes.on(.POST, .caseContacts(nil), access: writers, use: addContact)
        routes.on(.POST, .caseMeasures(nil), access: writers, use: addMeasures)
        routes.on(.POST, .caseRisk(nil), access: writers, use: rateRisk)
        routes.on(.POST, .caseClose(nil), access: writers, use: close)
        routes.on(.POST, .caseApproveClosure(nil), access: .roles([.manager]), use: approveClosure)
        routes.on(.POST, .caseReopen(nil), access: .roles([.manager]), use: reopen)
        routes.on(.POST, .personSafeContact(nil), access: writers, use: safeContact)
    }

    func assign(req: Request) async throws -> Response {
        struct Form: Content { var caseworker: String? }
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let id = try req.content.decode(Form.self).caseworker.flatMap { UUID(uuidString: $0) }
        guard let id, let worker = try await CaseLeaders.find(id, in: supportCase.$region.id, on: req.db) else {
            return try await CaseWrites.rerender(req, supportCase, field: "caseworker", message: "Select a caseworker of this region")
        }
        let user = try req.requireUser()
        let caseID = try supportCase.requireID()
        return try await CaseWrites.save(req, supportCase, .caseAssigned, detail: "lead \(id.uuidString)") { db, now in
            try await SupportCase.query(on: db).filter(\.$id == caseID).set(\.$leadCaseworker.$id, to: worker.id).update()
            let assignment = CaseAssignment()
            assignment.$supportCase.id = caseID
            assignment.$caseworker.id = id
            assignment.assignedAt = now
            assignment.assignedByID = user.id
            try await assignment.create(on: db)
        }
    }

    func addContact(req: Request) async throws -> Response {
        struct Form: Content {
            var happenedAt: String?; var kind: String?; var durationMinutes: String?; var present: [String]?
            var notes: String?; var sensitive: String?
        }
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let form = try req.content.decode(Form.self)
        let input = ContactInput(happenedAt: form.happenedAt, kind: form.kind, durationMinutes: Int(form.durationMinutes ?? ""),
                                 present: form.present, notes: form.notes, sensitive: req.tickBox("sensitive"))
        switch input.check(now: req.now, earliest: try await CaseWrites.earliest(supportCase, on: req.db)) {
        case let .failure(errors):
            let typed = CaseFormEcho(text: ["happenedAt": form.happenedAt ?? "", "kind": form.kind ?? "",
                                            "durationMinutes": form.durationMinutes ?? "", "notes": form.notes ?? "",
                                            "sensitive": form.sensitive ?? ""],
                                     lists: ["present": form.present ?? []], form: "contact")
            return try await CaseWrites.rerender(req, supportCase, errors: errors, typed: typed)
        case let .success(checked):
            let contact = try checked.contact(caseID: try supportCase.requireID(), recordedBy: try req.requireUser().id,
                                              cipher: req.application.cipher)
            let detail = checked.kind.rawValue + (checked.sensitive ? ", sensitive" : "")
            return try await CaseWrites.save(req, supportCase, .contactRecorded, detail: detail) { db, _ in
                try await contact.create(on: db)
                try await CaseActivity.refresh(contact.$supportCase.id, on: db)
            }
        }
    }

    func addMeasures(req: Request) async throws -> Response {
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        var cells = (try? req.content.decode([String: String].self)) ?? [:]
        let typed = CaseFormEcho(text: cells.filter { $0.key != CSRFMiddleware.field }, form: "measures")
        let input = MeasuresInput(stage: cells.removeValue(forKey: "stage"), recordedOn: cells.removeValue(forKey: "recordedOn"),
                                  source: cells.removeValue(forKey: "source"),
                                  cells: cells.filter { $0.key != CSRFMiddleware.field })
        let codes = try await ImportReferenceData.load(on: req.db).codes
        switch input.check(codes: codes, today: CivilDate.today(at: req.now), earliest: try await CaseWrites.earliest(supportCase, on: req.db)) {
        case let .failure(errors):
            // Every problem, each named by its field's label as the form shows it.
            var named = FieldErrors()
            for (id, message) in errors.entries { named.add(id, "\(MeasuresFormView.label(of: id)): \(message)") }
            return try await CaseWrites.rerender(req, supportCase, errors: named, typed: typed)
        case let .success(checked):
            let caseID = try supportCase.requireID()
            return try await CaseWrites.save(req, supportCase, .outcomeMeasuresRecorded, detail: checked.stage.rawValue) { db, _ in
                _ = try await checked.save(caseID: caseID, on: db)
            }
        }
    }

    func rateRisk(req: Request) async throws -> Response {
        struct Form: Content { var rating: String?; var reason: String?; var indicators: [String]? }
        let (supportCase, _) = try await CaseWrites.openCaseToWrite(req)
        let form = try req.content.decode(Form.self)
        let typed = CaseFormEcho(text: ["rating": form.rating ?? "", "reason": form.reason ?? ""],
                                 lists: ["indicators": form.indicators ?? []], form: "risk")
        // Every problem at once, each beside its field.
        var errors = FieldErrors()
        let rating = form.rating.flatMap(RiskLevel.init(rawValue:))
        if rating == nil { errors.add("rating", "Select red, amber or green") }
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty || reason.count > 2000 { errors.add("riskReason", "Enter the reason for the rating (up to 2,000 characters)") }
        let indicators = form.indicators ?? []
        if indicators.contains(where: { RiskIndicator(rawValue: $0) == nil }) {
            errors.add("indicators", "Choose the indicators from the list")
        }
        guard errors.isEmpty, let rating else { return try await CaseWrites.rerender(req, supportCase, errors: errors, typed: typed) }
        let sealed = try req.application.cipher.seal(reason)
        let user = try req.requireUser()
        let caseID = try supportCase.requireID()
        let regionID = supportCase.$region.id
        return try await CaseWrites.save(req, supportCase, .riskRated, detail: rating.rawValue) { db, now in
            let previous = try await RiskRating.query(on: db).filter(\.$supportCase.$id == caseID).sort(\.$ratedAt, .descending).first()
            if RiskLevel.raisesAlert(from: previous.flatMap { RiskLevel(rawValue: $0.rating) }, to: rating) {
                try await AlertBook.raise(.caseRed, subject: caseID, episode: Audit.timestamp(now), regionID: regionID, now: now, on: db)
            } else if rating != .red {
                try await AlertBook.resolve(.caseRed, subject: caseID, now: now, on: db)
            }
            let row = RiskRating()
            row.$supportCase.id = caseID
            row.rating = rating.rawValue
            row.reason = sealed
            row.ratedAt = now
            row.ratedByID = user.id
            row.indicators = StoredCodes.join(indicators)
            try await row.create(on: db)
        }
    }

    /// A planned closure needs exit measures and, when a caseworker asks, a manager's approval; other closures
    /// take effect at once.
    func close(req: Request) async throws -> Response {
        struct Form: Content { var reason: String?; var note: String? }
        let (supportCase, scope) = try await CaseWrites.writableCase(req)
        let form = try req.content.decode(Form.self)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        let reason = form.reason.flatMap { codes[.closureReason]?.contains($0) == true ? ClosureReason(rawValue: $0) : nil }
        let caseID = try supportCase.requireID()
        let today = CivilDate.today(at: req.now).description
        let hasExit = reason == .planned
            ? try await OutcomeMeasure.query(on: req.db).filter(\.$supportCase.$id == caseID).filter(\.$stage == .exit).count() > 0
            : false
        let typed = CaseFormEcho(text: ["reason": form.reason ?? "", "note": form.note ?? ""], form: "close")
        if (form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).count > 500 {
            return try await CaseWrites.rerender(req, supportCase, field: "note", message: "The note must be 500 characters or fewer",
                                                 typed: typed)
        }
        switch CaseClosure.decide(isOpen: supportCase.isOpen, reason: reason, hasExitMeasures: hasExit, byManager: scope.isManager) {
        case .refused(.alreadyClosed):
            // A page from before the closure, sent again: there is no form left to show the problem beside.
            throw Abort(.conflict)
        case .refused(let refusal):
            let message = switch refusal {
            case .alreadyClosed, .noReason: "Select why the case is closing"
            case .needsExitMeasures: "A planned closure needs the exit outcome measures first"
            }
            return try await CaseWrites.rerender(req, supportCase, field: "reason", message: message, typed: typed)
        case .askManager:
            let user = try req.requireUser()
            let note = String((form.note ?? "").prefix(500))
            let sealedNote = try req.application.cipher.seal(note.isEmpty ? "Planned closure" : note)
            return try await CaseWrites.save(req, supportCase, .caseClosureRequested, detail: "planned") { db, _ in
                try await SupportCase.query(on: db).filter(\.$id == caseID)
                    .set(\.$closureRequestedReason, to: sealedNote)
                    .set(\.$closureRequestedByID, to: user.id).set(\.$closureRequestedOn, to: today).update()
            }
        case .close:
            let code = reason?.rawValue ?? ""
            let note = String((form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
            let sealedNote = try note.isEmpty ? nil : req.application.cipher.seal(note)
            return try await CaseWrites.save(req, supportCase, .caseClosed, detail: code) { db, _ in
                try await SupportCase.query(on: db).filter(\.$id == caseID).set(\.$closedDate, to: today)
                    .set(\.$closureReason, to: code).set(\.$closureNote, to: sealedNote).set(\.$closureRequestedReason, to: nil)
                    .set(\.$closureRequestedOn, to: nil).update()
                try await ReferralImport.markRepeats(personIDs: [supportCase.$person.id], on: db)
            }
        }
    }

    func approveClosure(req: Request) async throws -> Response {
        let (supportCase, _) = try await CaseWrites.writableCase(req)
        guard supportCase.isOpen, supportCase.closureRequestedReason != nil else {
            return try await CaseWrites.rerender(req, supportCase, field: "reason", message: "No closure is waiting for approval")
        }
        let caseID = try supportCase.requireID()
        let today = CivilDate.today(at: req.now).description
        return try await CaseWrites.save(req, supportCase, .caseClosureApproved, detail: "planned") { db, _ in
            // The caseworker's note asking for the closure stays with the case as its closure note.
            try await SupportCase.query(on: db).filter(\.$id == caseID).set(\.$closedDate, to: today)
                .set(\.$closureReason, to: ClosureReason.planned.rawValue).set(\.$closureNote, to: supportCase.closureRequestedReason)
                .set(\.$closureRequestedReason, to: nil).update()
            try await ReferralImport.markRepeats(personIDs: [supportCase.$person.id], on: db)
        }
    }

    func reopen(req: Request) async throws -> Response {
        let (supportCase, _) = try await CaseWrites.writableCase(req)
        guard !supportCase.isOpen else { return try await CaseWrites.rerender(req, supportCase, field: "reason", message: "The case is open") }
        let caseID = try supportCase.requireID()
        return try await CaseWrites.save(req, supportCase, .caseReopened, detail: "was closed \(supportCase.closedDate ?? "")") { db, _ in
            try await SupportCase.query(on: db).filter(\.$id == caseID).set(\.$closedDate, to: nil).set(\.$closureReason, to: nil).update()
            try await OutcomeMeasure.query(on: db).filter(\.$supportCase.$id == caseID).filter(\.$stage == .exit).delete()
            try await ReferralImport.markRepeats(personIDs: [supportCase.$person.id], on: db)
        }
    }

    /// What the case page's safe-contact box takes: times and numbers, not a narrative.
    static let safeContactLimit = 1_000

    func safeContact(req: Request) async throws -> Response {
        struct Form: Content { var safeContact: String?; var doNotText: String?; var phoneMayBeControlled: String?; var caseID: UUID? }
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let form = try req.content.decode(Form.self)
        guard try await scope.canWriteSafeContact(of: person, on: req.db) else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .person, objectID: person.id?.uuidString ?? "",
                                detail: "safe contact: not the lead caseworker or a manager")
            throw Abort(.forbidden)
        }
        let personID = try person.requireID()
        // The case page the form was sent from, found through the scope like any other (another region's: 404,
        // audited); one of another young person's is not where this person's details go back to.
        let fromCase = try await form.caseID.asyncMap { try await scope.findCase($0, req: req) }
            .flatMap { $0.$person.id == personID ? $0 : nil }
        let text = (form.safeContact ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let doNotText = req.tickBox("doNotText")
        let controlled = req.tickBox("phoneMayBeControlled")
        var errors = FieldErrors()
        if text.count > Self.safeContactLimit {
            errors.add("safeContact", "Safe times and numbers must be 1,000 characters or fewer (this is \(text.count))")
        }
        if doNotText == nil { errors.add("doNotText", "Do not text: tick the box or leave it clear") }
        if controlled == nil { errors.add("phoneMayBeControlled", "Phone may be controlled: tick the box or leave it clear") }
        guard errors.isEmpty, let doNotText, let controlled else {
            guard let fromCase else { throw FormProblem(errors.entries.map(\.message).joined(separator: ". ")) }
            return try await CaseWrites.rerender(req, fromCase, errors: errors,
                                                 typed: CaseFormEcho(text: ["safeContact": form.safeContact ?? ""], form: "safeContact"))
        }
        let sealed = try text.isEmpty ? nil : req.application.cipher.seal(text)
        let entry = req.auditEntry(.personSafeContactChanged, objectType: .person, objectID: personID.uuidString)
        let now = req.now
        try await req.write { db in
            try await Person.query(on: db).filter(\.$id == personID).set(\.$safeContact, to: sealed)
                .set(\.$doNotText, to: doNotText).set(\.$phoneMayBeControlled, to: controlled).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: fromCase.map { SiteURL.supportCase(try $0.requireID()).path } ?? SiteURL.person(personID).path,
                                saved: .personSafeContactChanged)
    }
}
