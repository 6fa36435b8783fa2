import Domain
import Fluent
import Vapor

/// Contextual safeguarding: places, peer groups, schools and online spaces linked to referrals, so patterns show
/// ("five referrals this quarter mention the same park"). Region-scoped; links reach only referrals the person
/// may see.
struct ContextsController {
    func register(_ routes: any RoutesBuilder) {
        let workers: AccessRule = .roles(LoneWorkingController.workers)
        routes.on(.GET, .contexts, access: workers, use: list)
        routes.on(.POST, .contexts, access: workers, use: create)
        routes.on(.GET, .context(nil), access: workers, use: show)
        routes.on(.POST, .contextLinks(nil), access: workers, use: link)
        routes.on(.POST, .contextNotes(nil), access: workers, use: note)
    }

    /// The first day of the calendar quarter containing `date`.
    static func quarterStart(_ date: CivilDate) -> CivilDate {
        CivilDate(year: date.year, month: (date.month - 1) / 3 * 3 + 1, day: 1)
    }

    func list(req: Request) async throws -> View {
        try await renderList(req, refused: .none)
    }

    /// The list and its form; after a refusal, each problem beside its field and what was typed kept.
    private func renderList(_ req: Request, refused: RefusedForm) async throws -> View {
        let page = try await ContextsPage.make(regionID: req.requireUser().regionID, refused: refused,
                                               layout: req.layout(title: "Places and groups"), now: req.now, on: req.db)
        return try await req.view.render("workforce/contexts", page)
    }

    func create(req: Request) async throws -> Response {
        struct Form: Content { var kind: String?; var name: String? }
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FieldErrors()
        if !SafeguardingContext.kinds.contains(form.kind ?? "") { errors.add("kind", "Select the kind of place or group") }
        if name.isEmpty || name.count > 200 { errors.add("name", "Enter the name of the place or group (up to 200 characters)") }
        guard errors.isEmpty, let kind = form.kind, let regionID = user.regionID else {
            return try await renderList(req, refused: RefusedForm(errors: errors, typed: ["kind": form.kind ?? "", "name": form.name ?? ""]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let context = SafeguardingContext()
        context.id = UUID()
        context.$region.id = regionID
        context.kind = kind
        context.name = String(name.prefix(200))
        let entry = req.auditEntry(.contextCreated, objectType: .context, objectID: context.id!.uuidString, region: user.regionCode ?? "")
        let now = req.now
        try await req.write { db in
            try await context.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.context(context.id).path, saved: .contextCreated)
    }

    func show(req: Request) async throws -> View {
        let context = try await find(req)
        try await req.audit(.contextViewed, objectType: .context, objectID: context.id!.uuidString)
        return try await render(req, context, refused: .none)
    }

    private func render(_ req: Request, _ context: SafeguardingContext, refused: RefusedForm) async throws -> View {
        let page = try await ContextPage.make(context, scope: req.scope, refused: refused, layout: req.layout(title: context.name),
                                              cipher: req.application.cipher, on: req.db)
        return try await req.view.render("workforce/context", page)
    }

    /// Links a referral, named by its reference, to the place or group.
    func link(req: Request) async throws -> Response {
        struct Form: Content { var ref: String? }
        let context = try await find(req)
        let ref = try (req.content.decode(Form.self).ref ?? "").trimmingCharacters(in: .whitespaces)
        guard !ref.isEmpty, ref.count <= 100, let referral = try await (try req.scope).referrals(on: req.db).filter(\.$ref == ref).first() else {
            var errors = FieldErrors()
            errors.add("ref", ref.isEmpty ? "Enter the referral's reference" : "No referral you can see has that reference")
            return try await render(req, context, refused: RefusedForm(errors: errors, typed: ["ref": String(ref.prefix(100))]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let today = CivilDate.today(at: req.now).description
        let entry = req.auditEntry(.contextLinked, objectType: .context, objectID: context.id!.uuidString, detail: "referral \(referral.id!)")
        let now = req.now
        try await req.write { db in
            guard try await ContextLink.query(on: db).filter(\.$context.$id == context.id!).filter(\.$referral.$id == referral.id!)
                .count() == 0 else { return }
            let link = ContextLink()
            link.$context.id = context.id!
            link.$referral.id = referral.id!
            link.linkedOn = today
            try await link.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.context(context.id).path, saved: .contextLinked)
    }

    func note(req: Request) async throws -> Response {
        struct Form: Content { var note: String? }
        let context = try await find(req)
        let text = try (req.content.decode(Form.self).note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else {
            var errors = FieldErrors()
            errors.add("note", text.isEmpty ? "Enter the note" : "The note must be 2,000 characters or fewer")
            return try await render(req, context, refused: RefusedForm(errors: errors, typed: ["note": text]))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let user = try req.requireUser()
        let sealed = try req.application.cipher.seal(text)
        let entry = req.auditEntry(.contextNoted, objectType: .context, objectID: context.id!.uuidString)
        let now = req.now
        try await req.write { db in
            let note = ContextNote()
            note.$context.id = context.id!
            note.note = sealed
            note.notedAt = now
            note.notedByID = user.id
            try await note.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.context(context.id).path, saved: .contextNoted)
    }

    private func find(_ req: Request) async throws -> SafeguardingContext {
        try await (try req.scope).findInOwnRegion(SafeguardingContext.self, id: req.parameters.get("contextID", as: UUID.self),
                                                  region: \.$region, objectType: .context, req: req)
    }
}
