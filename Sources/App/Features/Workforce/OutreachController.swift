import Domain
import Fluent
import Vapor

/// Training and awareness sessions, events and webinars (SPEC §2.6). They are the same records the CSV import
/// writes, so the annual report's outreach figures count both.
struct OutreachController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .outreach, access: .roles(LoneWorkingController.workers), use: list)
        routes.on(.POST, .outreach, access: .roles(LoneWorkingController.workers), use: create)
    }

    struct Form: Content {
        var date: String?; var kind: String?; var format: String?; var audience: String?; var organisation: String?
        var topic: String?; var attendees: String?; var registrations: String?; var confidenceBefore: String?
        var confidenceAfter: String?
    }

    func list(req: Request) async throws -> View {
        try await render(req, form: Form(), errors: FieldErrors())
    }

    func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        var errors = FieldErrors()
        let date = CivilDate(form.date ?? "")
        if date == nil { errors.add("date", "Enter the date of the session") }
        else if date! > CivilDate.today(at: req.now) { errors.add("date", "The date must be today or in the past") }
        let kind = ["session", "event", "webinar"].contains(form.kind ?? "") ? form.kind! : "session"
        let format = ["in_person", "webinar"].contains(form.format ?? "") ? form.format! : "in_person"
        if codes[.audience]?.contains(form.audience ?? "") != true { errors.add("audience", "Select the audience") }
        let attendees = Int(form.attendees ?? "")
        if attendees == nil || !(0...100_000).contains(attendees!) { errors.add("attendees", "Enter how many attended, a whole number") }
        let registrations = (form.registrations ?? "").isEmpty ? nil : Int(form.registrations!)
        if !(form.registrations ?? "").isEmpty && registrations == nil { errors.add("registrations", "Registrations must be a whole number") }
        func confidence(_ text: String?, _ id: String) -> Double? {
            guard let text, !text.isEmpty else { return nil }
            guard let value = Double(text), (1...10).contains(value) else { errors.add(id, "Confidence is from 1 to 10"); return nil }
            return value
        }
        let before = confidence(form.confidenceBefore, "confidenceBefore")
        let after = confidence(form.confidenceAfter, "confidenceAfter")
        guard errors.isEmpty, let date, let attendees, let regionID = user.regionID else {
            return try await render(req, form: form, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let session = OutreachSession()
        session.ref = "OUT-" + UUID().uuidString.prefix(8)
        session.date = date.description
        session.$region.id = regionID
        session.audience = form.audience!
        session.organisation = form.organisation.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        session.topic = form.topic.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        session.attendees = attendees
        session.kind = kind
        session.format = format
        session.registrations = registrations
        session.confidenceBefore = before
        session.confidenceAfter = after
        let entry = req.auditEntry(.outreachRecorded, objectType: .outreach, region: user.regionCode ?? "", detail: kind)
        let now = req.now
        try await req.write { db in
            try await session.create(on: db)
            var logged = entry
            logged.objectID = session.id!.uuidString
            try await Audit.append(logged, on: db, at: now)
        }
        return try req.redirect(to: SiteURL.outreach.path, saved: .outreachRecorded)
    }

    private func render(_ req: Request, form: Form, errors: FieldErrors) async throws -> View {
        let page = try await OutreachPage.make(regionID: req.requireUser().regionID, form: form, errors: errors,
                                               layout: req.layout(title: "Outreach"), today: CivilDate.today(at: req.now), on: req.db)
        return try await req.view.render("workforce/outreach", page)
    }
}

struct OutreachPage: Encodable {
    struct Row: Encodable {
        let date: String
        let kind: String
        let audience: String
        let organisation: String
        let topic: String
        let attendees: Int
        let registrations: String
        let confidence: String
    }

    let layout: Layout
    let action: String
    let errorLinks: [FormErrorLink]?
    let date, kind, format, audience, organisation, topic, registrations, attendees, confidenceBefore, confidenceAfter: FormField
    let rows: [Row]
}

extension OutreachPage {
    /// The region's last 100 sessions, newest first, and the form to record one (as typed, after a refusal).
    static func make(regionID: UUID?, form: OutreachController.Form, errors: FieldErrors, layout: Layout, today: CivilDate,
                     on db: any Database) async throws -> OutreachPage {
        let sessions = try await OutreachSession.query(on: db).filter(\.$region.$id == (regionID ?? UUID()))
            .sort(\.$date, .descending).limit(100).all()
        let labels = try await CodeLabels.load(on: db)
        let items = try await CodeListItem.query(on: db).filter(\.$list == CodeList.audience.rawValue).sort(\.$position).all()
        func field(_ id: String, _ value: String?) -> FormField { FormField(id, value: value ?? "", error: errors[id]) }
        return OutreachPage(
            layout: layout, action: SiteURL.outreach.path, errorLinks: errors.links,
            date: field("date", form.date ?? today.description).drawn("Date", as: .date),
            kind: field("kind", form.kind).select("Kind", options: [
                ("session", "Training or awareness session"), ("event", "Event"), ("webinar", "Webinar"),
            ].map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == (form.kind ?? "session")) }),
            format: field("format", form.format).select("Format", options: [("in_person", "In person"), ("webinar", "Online")].map {
                SelectOption(value: $0.0, label: $0.1, selected: $0.0 == (form.format ?? "in_person"))
            }),
            audience: field("audience", form.audience).select(
                "Audience", options: [SelectOption(value: "", label: "Select the audience", selected: (form.audience ?? "").isEmpty)]
                    + items.map { SelectOption(value: $0.code, label: $0.label, selected: $0.code == form.audience) }),
            organisation: field("organisation", form.organisation).drawn("Organisation"),
            topic: field("topic", form.topic).drawn("Topic"),
            registrations: field("registrations", form.registrations).drawn("Registrations (events and webinars)", as: .number, ["min": "0"]),
            attendees: field("attendees", form.attendees).drawn("Attended", as: .number, ["min": "0"]),
            confidenceBefore: field("confidenceBefore", form.confidenceBefore)
                .drawn("Average confidence before, 1 to 10 (optional)", ["inputmode": "decimal"]),
            confidenceAfter: field("confidenceAfter", form.confidenceAfter)
                .drawn("Average confidence after, 1 to 10 (optional)", ["inputmode": "decimal"]),
            rows: sessions.map { session in
                Row(date: session.date, kind: (session.kind ?? "session").capitalized,
                                 audience: labels.label(.audience)(session.audience), organisation: session.organisation ?? "",
                                 topic: session.topic ?? "", attendees: session.attendees,
                                 registrations: session.registrations.map(String.init) ?? "",
                                 confidence: session.confidenceBefore.flatMap { b in session.confidenceAfter.map { a in
                                     String(format: "%.1f → %.1f", b, a) } } ?? "")
            })
    }
}
