import Domain
import Fluent
import Vapor

/// Each person's own page for how alerts reach them: a mobile number and an address (sealed like other personal
/// data), and the channels they choose. A channel with no provider configured says so here.
struct AlertContactController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .accountAlerts, access: .roles(AlertsController.readers), use: show)
        routes.on(.POST, .accountAlerts, access: .roles(AlertsController.readers), use: save)
    }

    struct Form: Content {
        var phone: String?
        var email: String?
        var channels: [String]?
    }

    func show(req: Request) async throws -> View {
        let user = try req.requireUser()
        guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        let contact = try AlertContact(person, cipher: req.application.cipher)
        let form = Form(phone: contact.phone ?? "", email: try person.alertEmail.map(req.application.cipher.open) ?? "",
                        channels: contact.channels.map(\.rawValue))
        return try await render(req, form: form, errors: FieldErrors(), signInEmail: person.email)
    }

    func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(Form.self)
        var errors = FieldErrors()
        let typedPhone = (form.phone ?? "").trimmingCharacters(in: .whitespaces)
        let phone = typedPhone.isEmpty ? nil : PhoneNumber.normalise(typedPhone)
        if !typedPhone.isEmpty, phone == nil {
            errors.add("phone", "Enter a mobile number like 07700 900123, or +44 7700 900123 from abroad")
        }
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        if !email.isEmpty, !Self.looksLikeAnAddress(email) {
            errors.add("email", "Enter an email address like name@example.org, or leave it empty to use your sign-in address")
        }
        let channels = AlertChannel.parse((form.channels ?? []).joined(separator: ","))
        if channels.isEmpty {
            errors.add("channel-sms", "Choose at least one way to be alerted: an alert nobody receives protects nobody")
        } else if phone == nil, channels.contains(where: { $0 != .email }) {
            errors.add("phone", "Enter a mobile number for text messages and calls")
        }
        guard errors.isEmpty else {
            guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
            return try await render(req, form: form, errors: errors, signInEmail: person.email)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let cipher = req.application.cipher
        let sealedPhone = try phone.map(cipher.seal), sealedEmail = try email.isEmpty ? nil : cipher.seal(email)
        let stored = AlertChannel.store(channels)
        // What changed, never the number or the address.
        let entry = req.auditEntry("account.alert_contact_changed", objectType: "user", objectID: user.id.uuidString,
                                   region: user.regionCode ?? "", detail: "channels: \(stored)")
        let now = req.now
        try await req.write { db in
            try await User.query(on: db).filter(\.$id == user.id).set(\.$alertPhone, to: sealedPhone)
                .set(\.$alertEmail, to: sealedEmail).set(\.$alertChannels, to: stored).update()
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.accountAlerts.path, saved: "account.alert_contact_changed")
    }

    static func looksLikeAnAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || !$0.isASCII || "<>()[],;:\"\\".unicodeScalars.contains($0) })
    }

    private func render(_ req: Request, form: Form, errors: FieldErrors, signInEmail: String) async throws -> View {
        let providers = req.application.alertProviders
        let chosen = Set(form.channels ?? [])
        let page = AlertContactPage(
            layout: req.layout(title: errors.isEmpty ? "How you are alerted" : "Error: how you are alerted"),
            errorLinks: errors.links, action: SiteURL.accountAlerts.path,
            phone: FormField("phone", value: form.phone ?? "", error: errors["phone"]),
            email: FormField("email", value: form.email ?? "", error: errors["email"]), signInEmail: signInEmail,
            channelError: errors["channel-sms"],
            channels: AlertChannel.allCases.map { channel in
                AlertContactPage.Channel(id: "channel-\(channel.rawValue)", value: channel.rawValue, label: channel.label,
                                         checked: chosen.contains(channel.rawValue),
                                         off: providers.isOn(channel) ? nil : AlertProviders.offReason(channel))
            })
        return try await req.view.render("account/alerts", page)
    }
}

struct AlertContactPage: Encodable {
    struct Channel: Encodable {
        let id: String
        let value: String
        let label: String
        let checked: Bool
        /// Why the channel is off on this service, if it is.
        let off: String?
    }

    let layout: Layout
    let errorLinks: [FormErrorLink]?
    let action: String
    let phone: FormField
    let email: FormField
    let signInEmail: String
    let channelError: String?
    let channels: [Channel]
}
