import Domain
import Fluent
import Vapor

/// Each person's own page for how alerts reach them: a mobile number and an address (sealed like other personal
/// data), and the channels they choose. A channel with no provider configured says so here.
struct AlertContactController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .accountAlerts, access: .roles(AlertsController.readers), use: show)
        routes.on(.POST, .accountAlerts, access: .roles(AlertsController.readers), use: save)
        routes.on(.POST, .accountAlertsConfirm, access: .roles(AlertsController.readers), use: confirm)
    }

    struct Form: Content {
        var phone: String?
        var email: String?
        var channels: [String]?
    }

    func show(req: Request) async throws -> View {
        let user = try req.requireUser()
        guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        return try await render(req, form: nil, errors: FieldErrors(), person: person)
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
        guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        let cipher = try req.application.cipher
        let current = try person.alertPhone.map(cipher.open)
        let isNew = phone != nil && phone != current
        if errors.isEmpty, isNew {
            if !req.application.alertProviders.isOn(.sms) {
                errors.add("phone", "Text messages are off on this service, so a new number cannot be confirmed yet")
            } else if let refusal = try await PhoneConfirmation.tooSoon(for: person, now: req.now, on: req.db) {
                errors.add("phone", refusal)
            }
        }
        guard errors.isEmpty else {
            return try await render(req, form: form, errors: errors, person: person).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let sealedEmail = try email.isEmpty ? nil : cipher.seal(email)
        let stored = AlertChannel.store(channels)
        // What changed, never the number or the address.
        let entry = req.auditEntry(.accountAlertContactChanged, objectType: .user, objectID: user.id.uuidString,
                                   region: user.regionCode ?? "", detail: "channels: \(stored)" + (isNew ? "; a new number to confirm" : ""))
        let now = req.now
        try await req.write { db in
            let update = User.query(on: db).filter(\.$id == user.id).set(\.$alertEmail, to: sealedEmail).set(\.$alertChannels, to: stored)
            if phone == nil {
                update.set(\.$alertPhone, to: nil).set(\.$alertPhonePending, to: nil).set(\.$alertPhoneCode, to: nil)
            }
            try await update.update()
            if let phone, isNew { try await PhoneConfirmation.start(phone, for: person, cipher: cipher, now: now, on: db) }
            try await Audit.append(entry, on: db, at: now)
        }
        // The code's text message now, not at the next tick.
        if isNew { AlertEngine.kick(req.application) }
        return try req.redirect(to: SiteURL.accountAlerts.path, saved: .accountAlertContactChanged)
    }

    func confirm(req: Request) async throws -> Response {
        struct CodeForm: Content { var code: String? }
        let user = try req.requireUser()
        let typed = try (req.content.decode(CodeForm.self).code ?? "")
        let now = req.now
        guard let owner = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        // Only the phone's holder gets the code, so a number confirmed for two accounts is one person with two; it is
        // refused here, once the code is right, rather than when typed (which would tell anyone whose number it is).
        if let pending = try owner.alertPhonePending.map(req.application.cipher.open),
           try await PhoneConfirmation.heldByAnother(pending, userID: user.id, cipher: req.application.cipher, on: req.db) {
            return try await refuseCode(req, owner, "This number is already confirmed for another account")
        }
        let outcome = try await req.write { db in try await PhoneConfirmation.confirm(typed, userID: user.id, now: now, on: db) }
        try await req.audit(outcome == .confirmed ? .accountAlertPhoneConfirmed : .accountAlertPhoneCodeRefused,
                            outcome: outcome == .confirmed ? .success : .refused, objectType: .user, objectID: user.id.uuidString,
                            region: user.regionCode ?? "", detail: "\(outcome)")
        guard outcome == .confirmed else {
            return try await refuseCode(req, owner, outcome == .wrong ? "That is not the code we texted: check it and try again"
                                        : "The code has expired or been tried too often: save the number again for a new code")
        }
        return try req.redirect(to: SiteURL.accountAlerts.path, saved: .accountAlertPhoneConfirmed)
    }

    private func refuseCode(_ req: Request, _ person: User, _ message: String) async throws -> Response {
        var errors = FieldErrors()
        errors.add("code", message)
        return try await render(req, form: nil, errors: errors, person: person).encodeResponse(status: .unprocessableEntity, for: req)
    }

    static func looksLikeAnAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || !$0.isASCII || "<>()[],;:\"\\".unicodeScalars.contains($0) })
    }

    /// `form` nil: what the person has saved.
    private func render(_ req: Request, form: Form?, errors: FieldErrors, person: User) async throws -> View {
        let page = try AlertContactPage.make(person: person, form: form, errors: errors, providers: req.application.alertProviders,
                                             cipher: req.application.cipher,
                                             layout: req.layout(title: errors.isEmpty ? "How you are alerted" : "Error: how you are alerted"))
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
    /// A new number waiting for its code, masked: "•••••••••123".
    let pendingNumber: String?
    let confirmPath: String
    let code: FormField
    /// The channels' problem, if any (their checkboxes carry each channel's own note, so are drawn here).
    let channel: FormField
    let channels: [Channel]
}

extension AlertContactPage {
    /// The person's alert contact form: `form` as sent and refused, or (nil) what they have saved, opened with `cipher`;
    /// a new number waiting for its code, masked; each channel with why it is off on this service, if it is.
    static func make(person: User, form: AlertContactController.Form?, errors: FieldErrors, providers: AlertProviders,
                     cipher: FieldCipher, layout: Layout) throws -> AlertContactPage {
        let form = try form ?? saved(person, cipher: cipher)
        let chosen = Set(form.channels ?? [])
        let pending = try person.alertPhonePending.map(cipher.open)
        return AlertContactPage(
            layout: layout, errorLinks: errors.links, action: SiteURL.accountAlerts.path,
            phone: FormField("phone", value: form.phone ?? "", error: errors["phone"]).drawn(
                "Mobile number", hint: "For text messages and calls. Kept sealed; shown only to you. A new number gets a code by text to confirm it.",
                as: .tel, ["autocomplete": "tel"]),
            email: FormField("email", value: form.email ?? "", error: errors["email"]).drawn(
                "Email address for alerts (optional)", hint: "Leave empty to use your sign-in address, \(person.email).", as: .email,
                ["autocomplete": "email"]),
            pendingNumber: pending.map(PhoneNumber.masked), confirmPath: SiteURL.accountAlertsConfirm.path,
            code: FormField("code", value: "", error: errors["code"]).drawn(
                "Code", ["inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "10", "class": "input--code"]),
            channel: FormField("channels", error: errors["channel-sms"]),
            channels: AlertChannel.allCases.map { channel in
                Channel(id: "channel-\(channel.rawValue)", value: channel.rawValue, label: channel.label,
                        checked: chosen.contains(channel.rawValue),
                        off: providers.isOn(channel) ? nil : AlertProviders.offReason(channel))
            })
    }

    /// The form as the person last saved it.
    private static func saved(_ person: User, cipher: FieldCipher) throws -> AlertContactController.Form {
        let contact = try AlertContact(person, cipher: cipher)
        return AlertContactController.Form(phone: contact.phone ?? "", email: try person.alertEmail.map(cipher.open) ?? "",
                                           channels: contact.channels.map(\.rawValue))
    }
}
