import Domain
import Fluent
import Vapor

/// A young person's page (every referral and case in the user's scope, aliases, repeat history) and the
/// manager's merge of two records of the same person (SPEC §2.2): never automatic, always audited.
struct PeopleController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .person(nil), access: .roles(ReferralsController.readers), use: show)
        routes.on(.GET, .personMerge(nil), access: .roles([.manager]), use: showMerge)
        routes.on(.POST, .personMerge(nil), access: .roles([.manager]), use: merge)
        routes.on(.POST, .personLegalHold(nil), access: .roles([.manager]), use: legalHold)
    }

    /// A manager puts a legal hold on a person (or lifts it): retention leaves them alone while it stands.
    func legalHold(req: Request) async throws -> Response {
        struct Form: Content { var hold: String? }
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let hold = try req.content.decode(Form.self).hold == "on"
        let personID = try person.requireID()
        let entry = req.auditEntry(hold ? .personLegalHoldSet : .personLegalHoldLifted, objectType: .person,
                                   objectID: personID.uuidString)
        let now = req.now
        try await req.write { db in
            try await Person.query(on: db).filter(\.$id == personID).set(\.$legalHold, to: hold).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.person(personID).path, saved: hold ? .personLegalHoldSet : .personLegalHoldLifted)
    }

    /// A young person's page for this request.
    static func page(_ req: Request, _ person: Person, scope: RegionScope, refused: RefusedForm = .none) async throws -> PersonPage {
        try await PersonPage.make(person: person, scope: scope, refused: refused,
                                  layout: req.layout(title: "\(person.firstName) \(person.lastName)"),
                                  cipher: req.application.cipher, now: req.now, on: req.db)
    }

    func show(req: Request) async throws -> View {
        let scope = try req.scope
        let person = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let page = try await Self.page(req, person, scope: scope)
        try await req.audit(.personViewed, objectType: .person, objectID: person.id!.uuidString)
        return try await req.view.render("people/show", page)
    }

    /// The young person's page again after one of its forms was refused: 422, each problem beside its field.
    static func renderPerson(_ req: Request, person: Person, scope: RegionScope, refused: RefusedForm) async throws -> Response {
        let page = try await Self.page(req, person, scope: scope, refused: refused)
        return try await req.view.render("people/show", page).encodeResponse(status: .unprocessableEntity, for: req)
    }

    func showMerge(req: Request) async throws -> View {
        let scope = try req.scope
        let keep = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        let other = try await scope.findPerson(req.query[UUID.self, at: "with"], req: req)
        guard keep.id != other.id else { throw Abort(.badRequest, reason: "A record cannot be merged with itself.") }
        try await Self.refuseShared([keep, other], scope: scope, req: req)
        let page = try await MergePage.make(keep: keep, other: other, scope: scope, layout: req.layout(title: "Merge two records"), on: req.db)
        return try await req.view.render("people/merge", page)
    }

    /// A young person another region also holds is not merged by one region alone (audited).
    static func refuseShared(_ people: [Person], scope: RegionScope, req: Request) async throws {
        for person in people {
            let id = try person.requireID()
            guard try await scope.holdsWholly(id, on: req.db) else {
                try await req.audit(.accessRefused, outcome: .refused, objectType: .person, objectID: id.uuidString,
                                    detail: "merge: another region also holds this young person")
                throw FormProblem("Another region also holds records for this young person, so one region cannot merge them alone. Ask the national lead.")
            }
        }
    }

    func merge(req: Request) async throws -> Response {
        /// `keep`: which of the two stays (either; the page's choice, the older by default).
        struct Form: Content { var other: UUID?; var keep: UUID? }
        let scope = try req.scope
        let form = try req.content.decode(Form.self)
        var keep = try await scope.findPerson(req.parameters.get("personID", as: UUID.self), req: req)
        var other = try await scope.findPerson(form.other, req: req)
        if let chosen = form.keep {
            guard chosen == keep.id || chosen == other.id else { throw Abort(.badRequest) }
            if chosen == other.id { swap(&keep, &other) }
        } else {
            // Nothing chosen: the older record stays, as the page offers.
            let a = try await MergePage.firstReferral(of: keep, on: req.db), b = try await MergePage.firstReferral(of: other, on: req.db)
            if !MergePage.isOlder(keep, a.first, than: other, b.first) { swap(&keep, &other) }
        }
        let keepID = try keep.requireID(), otherID = try other.requireID()
        guard keepID != otherID, keep.mergedIntoID == nil, other.mergedIntoID == nil else { throw Abort(.badRequest) }
        try await Self.refuseShared([keep, other], scope: scope, req: req)
        let now = req.now
        let cipher = try req.application.cipher
        let template = req.auditEntry(.personMerged, objectType: .person, objectID: keepID.uuidString)
        try await req.write { db in
            let moved = try await PersonMerge.merge(otherID, into: keepID, on: db, cipher: cipher)
            var entry = template
            entry.detail = "merged person \(otherID.uuidString) into this one: \(moved.referrals) referrals and \(moved.cases) cases moved"
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.person(keepID).path, saved: .personMerged)
    }
}
