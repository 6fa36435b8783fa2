import Domain
import Fluent
import Vapor

/// The steps every write to a case shares: who may write, one transaction with its audit entry, and the case
/// page again with the error when the input is wrong.
enum CaseWrites {

    /// A case the user may write to: else 404 (outside their scope) or 403 (not the lead caseworker), audited.
    static func writableCase(_ req: Request) async throws -> (SupportCase, RegionScope) {
        let scope = try req.scope
        let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
        guard scope.canWrite(supportCase) else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .supportCase, objectID: supportCase.id!.uuidString,
                                region: supportCase.region.code, detail: "not the lead caseworker")
            throw Abort(.forbidden)
        }
        return (supportCase, scope)
    }

    /// A case the user may write to, and open: a closed case takes no new contact, measures, rating, goal, wheel,
    /// register entry or lead until a manager of its region reopens it (its records are what its closure and the
    /// reports counted). Documents may still be added, and the young person's safe contact belongs to them.
    static func openCaseToWrite(_ req: Request) async throws -> (SupportCase, RegionScope) {
        let (supportCase, scope) = try await writableCase(req)
        guard supportCase.isOpen else { throw CaseIsClosed() }
        return (supportCase, scope)
    }

    /// The day the case's referral was received: nothing recorded on the case can be from before it.
    static func earliest(_ supportCase: SupportCase, on db: any Database) async throws -> CivilDate {
        let received = try await Referral.query(on: db).filter(\.$id == supportCase.$referral.id).field(\.$receivedDate).first()?.receivedDate
        return received.flatMap(CivilDate.init) ?? CivilDate(supportCase.openedDate) ?? CivilDate(year: 1900, month: 1, day: 1)
    }

    static func save(_ req: Request, _ supportCase: SupportCase, _ action: AuditAction, detail: String,
                      _ change: @Sendable @escaping (any Database, Date) async throws -> Void) async throws -> Response {
        let caseID = try supportCase.requireID()
        let entry = req.auditEntry(action, objectType: .supportCase, objectID: caseID.uuidString, region: supportCase.region.code,
                                   detail: detail)
        let now = req.now
        try await req.write { db in
            try await change(db, now)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.supportCase(caseID).path, saved: action)
    }

    /// The case page for this request: its user's scope, session and clock. Its dozen statements run on one
    /// connection taken from the pool once, not once each.
    static func page(_ req: Request, _ supportCase: SupportCase, scope: RegionScope, errors: FieldErrors = FieldErrors(),
                     typed: CaseFormEcho = CaseFormEcho()) async throws -> CasePage {
        let person = supportCase.person
        let layout = try req.layout(title: (errors.isEmpty ? "" : "Error: ") + "Case: \(person.firstName) \(person.lastName)")
        let settings = try req.application.settings, cipher = try req.application.cipher, now = req.now
        return try await req.db.withConnection { db in
            try await CasePage.make(supportCase, scope: scope, errors: errors, typed: typed, layout: layout, settings: settings,
                                    cipher: cipher, now: now, on: db)
        }
    }

    /// The case page again with the problem beside its field and, in `typed`, what the refused form held, so that
    /// nothing typed is lost (a contact's note, a risk's reason, a goal).
    static func rerender(_ req: Request, _ supportCase: SupportCase, field: String, message: String,
                         typed: CaseFormEcho = CaseFormEcho()) async throws -> Response {
        var errors = FieldErrors()
        errors.add(field, message)
        return try await rerender(req, supportCase, errors: errors, typed: typed)
    }

    /// The same, with every problem of the form.
    static func rerender(_ req: Request, _ supportCase: SupportCase, errors: FieldErrors,
                         typed: CaseFormEcho = CaseFormEcho()) async throws -> Response {
        let page = try await page(req, supportCase, scope: try req.scope, errors: errors, typed: typed)
        let response = try await req.view.render("cases/show", page).encodeResponse(for: req)
        response.status = .unprocessableEntity
        return response
    }
}

/// What a refused case form held, to put back into it: its text fields by name, and its lists of choices.
struct CaseFormEcho: Sendable {
    var text: [String: String] = [:]
    var lists: [String: [String]] = [:]
    /// Which form it came from ("contact", "risk", "goal"): the others show their defaults.
    var form: String = ""
}

/// A write to a closed case: 409, with a sentence for people and API callers alike.
struct CaseIsClosed: AbortError, APIExplainedError {
    var status: HTTPResponseStatus { .conflict }
    var reason: String { "This case is closed. A manager of its region can reopen it to record more." }
}
