import Domain
import Fluent
import SQLKit
import Vapor

/// Lone working (SPEC §2.5): a caseworker starts a visit with an expected end, checks in and checks out; the
/// region's managers see overdue visits at once, acknowledge them with a note and record escalation steps.
struct LoneWorkingController {
    static let workers: Set<Role> = [.caseworker, .manager]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .loneWorking, access: .roles(Self.workers), use: show)
        routes.on(.POST, .loneWorking, access: .roles(Self.workers), use: start)
        routes.on(.POST, .visitCheckIn(nil), access: .roles(Self.workers), use: checkIn)
        routes.on(.POST, .visitCheckOut(nil), access: .roles(Self.workers), use: checkOut)
        routes.on(.POST, .visitAcknowledge(nil), access: .roles([.manager]), use: acknowledge)
        routes.on(.POST, .visitEscalate(nil), access: .roles([.manager]), use: escalate)
        routes.on(.POST, .visitDuressAcknowledge(nil), access: .roles([.manager]), use: acknowledgeDuress)
        routes.on(.POST, .loneWorkingDuressWord, access: .roles(Self.workers), use: setDuressWord)
    }

    func show(req: Request) async throws -> View {
        try await req.audit(.loneWorkingViewed, objectType: .visit, region: try req.requireUser().regionCode ?? "")
        return try await render(req, errors: FieldErrors())
    }

    func start(req: Request) async throws -> Response {
        struct Form: Content { var place: String?; var withWhom: String?; var expectedEnd: String?; var checkInNote: String? }
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        var errors = FieldErrors()
        let place = (form.place ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if place.isEmpty { errors.add("place", "Enter where the visit is") }
        let end = ImportTimestamp.parse(form.expectedEnd ?? "")
        if end == nil { errors.add("expectedEnd", "Enter when the visit will end") }
        else if end! <= req.now { errors.add("expectedEnd", "The expected end must be later than now") }
        else if end!.timeIntervalSince(req.now) > 12 * 3600 { errors.add("expectedEnd", "A visit can last at most 12 hours") }
        guard errors.isEmpty, let end, let regionID = user.regionID else {
            let typed = ["place": form.place ?? "", "withWhom": form.withWhom ?? "", "expectedEnd": form.expectedEnd ?? "",
                         "checkInNote": form.checkInNote ?? ""]
            return try await render(req, errors: errors, typed: typed).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let cipher = try req.application.cipher
        let visit = LoneWorkingVisit()
        visit.$region.id = regionID
        visit.$caseworker.id = user.id
        visit.place = try cipher.seal(String(place.prefix(300)))
        visit.withWhom = try cipher.seal(String((form.withWhom ?? "").prefix(300)))
        visit.checkInNote = try cipher.seal(String((form.checkInNote ?? "").prefix(300)))
        visit.startedAt = req.now
        visit.expectedEnd = end
        let entry = req.auditEntry(.loneWorkingStarted, objectType: .visit, region: user.regionCode ?? "")
        let now = req.now
        try await req.write { db in
            try await visit.create(on: db)
            var logged = entry
            logged.objectID = visit.id!.uuidString
            try await Audit.append(logged, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.loneWorking.path, saved: .loneWorkingStarted)
    }

    func checkIn(req: Request) async throws -> Response {
        struct Form: Content { var expectedEnd: String? }
        let visit = try await ownVisit(req)
        guard visit.checkedOutAt == nil else { throw Abort(.conflict, reason: "This visit is checked out.") }
        let typed = try (req.content.decode(Form.self).expectedEnd ?? "").trimmingCharacters(in: .whitespaces)
        let extended = ImportTimestamp.parse(typed)
        if !typed.isEmpty {
            var errors = FieldErrors()
            if extended == nil { errors.add("expectedEnd-\(visit.id!)", "Enter the new end as a date and time") }
            else if extended! <= req.now || extended! <= visit.expectedEnd {
                errors.add("expectedEnd-\(visit.id!)", "The new end must be later than now and than the end already set")
            }
            else if extended!.timeIntervalSince(req.now) > LoneWorkingVisit.longestExtension {
                errors.add("expectedEnd-\(visit.id!)", "A check-in can move the end at most 12 hours ahead")
            }
            if !errors.isEmpty {
                return try await render(req, errors: errors, typed: ["expectedEnd-\(visit.id!)": typed])
                    .encodeResponse(status: .unprocessableEntity, for: req)
            }
        }
        let cipher = try req.application.cipher
        let user = try req.requireUser()
        return try await change(req, visit, .loneWorkingCheckedIn) { db, now in
            try await LoneWorkingVisit.query(on: db).filter(\.$id == visit.id!).set(\.$lastCheckInAt, to: now).update()
            guard let extended else { return }
            // Checking in with a later end moves the deadline on, in one statement that only ever moves it later
            // (of two check-ins at once, the later end stands), and starts a new episode: the raised alarm and its
            // acknowledgement are cleared, the acknowledgement kept in the visit's history, so that a missed new
            // deadline is a new, unacknowledged alert.
            let fresh = try await LoneWorkingVisit.find(visit.id!, on: db)
            if let fresh, fresh.acknowledgedAt != nil {
                let note = try fresh.acknowledgement.map(cipher.open) ?? ""
                let history = VisitEscalation()
                history.$visit.id = visit.id!
                history.step = try cipher.seal("Acknowledged before the worker checked in and moved the end: \(note)")
                history.at = fresh.acknowledgedAt!
                history.byID = fresh.acknowledgedByID ?? user.id
                try await history.create(on: db)
            }
            try await AlertBook.resolve(.loneWorkingOverdue, subject: visit.id!, now: now, on: db)
            try await (db as! any SQLDatabase).update(LoneWorkingVisit.schema)
                .set("expected_end", to: extended).set("overdue_raised_at", to: SQLLiteral.null)
                .set("acknowledged_at", to: SQLLiteral.null).set("acknowledged_by_id", to: SQLLiteral.null)
                .set("acknowledgement", to: SQLLiteral.null)
                .where("id", .equal, visit.id!).where("expected_end", .lessThan, extended).run()
        }
    }

    /// Checks out. A note that is the worker's own duress word checks out exactly as any other, on screen and in
    /// what the worker is told, and raises a silent alarm: the region's managers and the national leads see it at
    /// the top of every page until a manager records that they have acted. The word itself is never stored.
    func checkOut(req: Request) async throws -> Response {
        struct Form: Content { var note: String? }
        let visit = try await ownVisit(req)
        let note = (try? req.content.decode(Form.self).note) ?? nil
        let typed = Self.fold(note ?? "")
        let user = try req.requireUser()
        var duress = false
        if !typed.isEmpty, visit.$caseworker.id == user.id,
           let hash = try await User.find(user.id, on: req.db)?.duressWordHash {
            duress = PasswordHasher(cost: try req.application.settings.bcryptCost).verify(typed, against: hash)
        }
        let sealedNote = duress || typed.isEmpty ? nil : try req.application.cipher.seal(String((note ?? "").prefix(300)))
        if duress {
            let entry = req.auditEntry(.loneWorkingDuress, objectType: .visit, objectID: visit.id!.uuidString,
                                       region: user.regionCode ?? "", detail: "checked out with the duress word")
            let now = req.now
            try await req.write { db in
                try await LoneWorkingVisit.query(on: db).filter(\.$id == visit.id!).set(\.$checkedOutAt, to: now)
                    .set(\.$duressAt, to: now).update()
                try await Audit.append(entry, on: db, at: now)
                try await AlertBook.resolve(.loneWorkingOverdue, subject: visit.id!, now: now, on: db)
                try await AlertBook.raise(.duress, subject: visit.id!, episode: Audit.timestamp(now), regionID: visit.$region.id,
                                          workerID: user.id, now: now, on: db)
            }
            AlertEngine.kick(req.application)
            // The same page and words as any check-out: anyone watching the screen sees nothing else.
            return try req.redirect(to: SiteURL.loneWorking.path, saved: .loneWorkingCheckedOut)
        }
        guard visit.checkedOutAt == nil else { return req.redirect(to: SiteURL.loneWorking.path) }
        return try await change(req, visit, .loneWorkingCheckedOut) { db, now in
            // Once: a second check-out (a double click) changes nothing.
            try await LoneWorkingVisit.query(on: db).filter(\.$id == visit.id!).filter(\.$checkedOutAt == nil)
                .set(\.$checkedOutAt, to: now).set(\.$checkOutNote, to: sealedNote).update()
            try await AlertBook.resolve(.loneWorkingOverdue, subject: visit.id!, now: now, on: db)
        }
    }

    func acknowledge(req: Request) async throws -> Response {
        struct Form: Content { var note: String? }
        let visit = try await regionVisit(req)
        let note = try (req.content.decode(Form.self).note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else {
            var errors = FieldErrors()
            errors.add("note-\(visit.id!)", "Say what you have done, such as who you reached")
            return try await render(req, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let cipher = try req.application.cipher
        let sealed = try cipher.seal(String(note.prefix(1000)))
        let user = try req.requireUser()
        guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        let address = req.clientAddress
        return try await change(req, visit, .loneWorkingAcknowledged) { db, now in
            // Acknowledged here, the alert's escalation stops too.
            try await AlertBook.acknowledgeAll(.loneWorkingOverdue, subject: visit.id!, by: person, address: address, now: now,
                                               cipher: cipher, on: db)
            try await LoneWorkingVisit.query(on: db).filter(\.$id == visit.id!).set(\.$acknowledgedAt, to: now)
                .set(\.$acknowledgedByID, to: user.id).set(\.$acknowledgement, to: sealed).update()
        }
    }

    func escalate(req: Request) async throws -> Response {
        struct Form: Content { var step: String? }
        let visit = try await regionVisit(req)
        let step = try (req.content.decode(Form.self).step ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !step.isEmpty else {
            var errors = FieldErrors()
            errors.add("step-\(visit.id!)", "Describe the escalation step")
            return try await render(req, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let sealed = try req.application.cipher.seal(String(step.prefix(1000)))
        let user = try req.requireUser()
        return try await change(req, visit, .loneWorkingEscalated) { db, now in
            let escalation = VisitEscalation()
            escalation.$visit.id = visit.id!
            escalation.step = sealed
            escalation.at = now
            escalation.byID = user.id
            try await escalation.create(on: db)
        }
    }

    // MARK: - Steps

    /// A visit of the user's region, or 404 (audited).
    func regionVisit(_ req: Request) async throws -> LoneWorkingVisit {
        try await (try req.scope).findInOwnRegion(LoneWorkingVisit.self, id: req.parameters.get("visitID", as: UUID.self),
                                                  region: \.$region, objectType: .visit, req: req)
    }

    /// The user's own visit (a manager may check a visit in or out for a colleague).
    private func ownVisit(_ req: Request) async throws -> LoneWorkingVisit {
        let user = try req.requireUser()
        let visit = try await regionVisit(req)
        guard visit.$caseworker.id == user.id || user.role == .manager else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .visit, objectID: visit.id!.uuidString,
                                detail: "not their visit")
            throw Abort(.forbidden)
        }
        return visit
    }

    func change(_ req: Request, _ visit: LoneWorkingVisit, _ action: AuditAction,
                        _ body: @Sendable @escaping (any Database, Date) async throws -> Void) async throws -> Response {
        let entry = req.auditEntry(action, objectType: .visit, objectID: visit.id!.uuidString,
                                   region: req.currentUser?.regionCode ?? "")
        let now = req.now
        try await req.write { db in
            try await body(db, now)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.loneWorking.path, saved: action)
    }

    /// The page; after a refused form, with each problem beside its field and what was typed kept (`typed`, by
    /// field id).
    func render(_ req: Request, errors: FieldErrors, typed: [String: String] = [:]) async throws -> View {
        let page = try await LoneWorkingPage.make(
            user: req.requireUser(), errors: errors, typed: typed, duressWordSet: req.query[String.self, at: "duress-word-set"] != nil,
            layout: req.layout(title: "Lone working"), cipher: req.application.cipher, now: req.now, on: req.db)
        return try await req.view.render("workforce/lone-working", page)
    }
}
