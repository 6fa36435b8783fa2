import Fluent
import Vapor

/// The idle timeout without losing work: a page that keeps the session going, and what was sent after a
/// session timed out, given back after the next sign-in (`KeptSubmissions`): each kept
/// form with what it held, one button to send it again through its own route (with that route's checks, now in
/// a live session), and one to throw it away.
struct SessionTimeoutController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .kept, access: .signedIn, use: list)
        routes.on(.POST, .keptSave(nil), access: .signedIn, maxBodySize: "96kb", use: save)
        routes.on(.POST, .keptDiscard(nil), access: .signedIn, use: discard)
        routes.on(.GET, .stillHere, access: .signedIn, use: stillHere)
    }

    /// Opened from the warning before the idle timeout, in a new tab: loading it is activity, so the session
    /// carries on; the page the person was typing in stays as it was.
    func stillHere(req: Request) async throws -> View {
        let until = try req.now.addingTimeInterval(req.application.settings.sessionIdle)
        return try await req.view.render("account/still-here", StillHerePage(layout: req.layout(title: "You are still signed in"),
                                                                            until: DateFormats.shown(until)))
    }

    func list(req: Request) async throws -> View {
        let page = try await KeptPage.make(userID: req.requireUser().id, cipher: req.application.cipher,
                                           layout: req.layout(title: "Not yet saved"), now: req.now, on: req.db)
        try await req.audit(.submissionKeptViewed, objectType: .keptSubmission, detail: "\(page.items.count) waiting")
        return try await req.view.render("account/kept", page)
    }

    /// Sends the kept form again: the browser repeats this request's body (the kept fields and a fresh CSRF token)
    /// to the route it was first sent to (307 keeps the method and body), where it is checked as any form is.
    func save(req: Request) async throws -> Response {
        let kept = try await own(req)
        let path = kept.path
        let entry = req.auditEntry(.submissionResent, objectType: .keptSubmission, objectID: kept.id!.uuidString, detail: path)
        let now = req.now
        try await req.write { db in
            try await kept.delete(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return Response(status: .temporaryRedirect, headers: ["Location": path])
    }

    func discard(req: Request) async throws -> Response {
        let kept = try await own(req)
        let entry = req.auditEntry(.submissionDiscarded, objectType: .keptSubmission, objectID: kept.id!.uuidString)
        let now = req.now
        try await req.write { db in
            try await kept.delete(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.kept.path)
    }

    /// The signed-in person's own kept form, or 404.
    private func own(_ req: Request) async throws -> KeptSubmission {
        let user = try req.requireUser()
        guard let id = req.parameters.get("keptID", as: UUID.self),
              let kept = try await KeptSubmission.query(on: req.db).filter(\.$id == id).filter(\.$userID == user.id)
                .filter(\.$expiresAt > req.now).first() else { throw Abort(.notFound) }
        return kept
    }
}

struct KeptPage: Encodable {
    struct Field: Encodable {
        let name: String
        let value: String
    }

    struct Item: Encodable {
        let id: String
        let what: String
        let keptAt: String
        let recordPath: String?
        /// What it held, as the person typed it.
        let fields: [Field]
        /// Every field as sent, for sending again.
        let hidden: [Field]
        let savePath: String
        let discardPath: String
    }

    let layout: Layout
    let items: [Item]

    /// What a form sent to `path` was, in the service's words.
    static func describe(_ path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        switch (parts.first, parts.last) {
        case ("cases", "contacts"): return "A contact on a case"
        case ("cases", "measures"): return "Outcome measures on a case"
        case ("cases", "risk"): return "A risk rating on a case"
        case ("cases", "goals"): return "A goal on a case"
        case ("cases", _): return "A form on a case"
        case ("referrals", _): return "A referral"
        case ("rescues", _): return "A rescue"
        case ("lone-working", _): return "Lone working"
        case ("people", _): return "A young person's record"
        case ("partnerships", _): return "A partnership meeting"
        case ("contexts", _): return "A place or group"
        case ("outreach", _): return "An outreach session"
        case ("staff", _): return "A staff record"
        default: return "A form"
        }
    }

    /// The page of the record the form was for: its first two path segments (`/cases/<id>`), when that is a record.
    static func record(of path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, UUID(uuidString: String(parts[1])) != nil else { return nil }
        return "/" + parts.prefix(2).joined(separator: "/")
    }

    /// A field's name as a person reads it: `happenedAt` → "Happened at", `present[]` → "Present".
    static func label(_ name: String) -> String {
        let plain = name.replacingOccurrences(of: "[]", with: "").replacingOccurrences(of: "_", with: " ")
        var words = ""
        for character in plain {
            if character.isUppercase, !words.isEmpty { words.append(" ") }
            words.append(contentsOf: character.lowercased())
        }
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension KeptPage {
    /// The forms kept for the person after a timeout and not yet expired at `now`, oldest first, each opened with
    /// `cipher` to show what it held.
    static func make(userID: UUID, cipher: FieldCipher, layout: Layout, now: Date, on db: any Database) async throws -> KeptPage {
        let kept = try await KeptSubmissions.waiting(for: userID, now: now, on: db)
        let items = try kept.map { submission in
            let pairs = try FormPairs.decode(cipher.open(submission.body))
            return Item(
                id: submission.id!.uuidString, what: describe(submission.path), keptAt: DateFormats.shown(submission.keptAt),
                recordPath: record(of: submission.path),
                fields: pairs.filter { !$0.value.isEmpty }.map { Field(name: label($0.name), value: $0.value) },
                hidden: pairs.map { Field(name: $0.name, value: $0.value) },
                savePath: SiteURL.keptSave(submission.id).path, discardPath: SiteURL.keptDiscard(submission.id).path)
        }
        return KeptPage(layout: layout, items: items)
    }
}

struct StillHerePage: Encodable {
    let layout: Layout
    let until: String
}
