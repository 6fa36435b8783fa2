import Domain
import Fluent
import SQLKit
import Vapor

/// Queues messages in the outbox, in the transaction that decided to send them: a message is in the database
/// before anything is sent, so a crash loses none.
enum AlertOutbox {
    /// How long an acknowledgement link works.
    static let linkLifetime: TimeInterval = 24 * 3600

    /// The words of a message, sealed together.
    struct Words: Codable {
        var subject: String
        var text: String
        var spoken: String
    }

    /// One message per channel the person chose; a channel that is off, or with no number or address, is recorded
    /// as not sent, with the reason, so the managers see it.
    static func queue(alert: Alert, to person: User, toTheWorker: Bool, providers: AlertProviders, settings: Settings,
                      cipher: FieldCipher, now: Date, on db: any Database) async throws {
        let contact = try AlertContact(person, cipher: cipher)
        if contact.channels.isEmpty {
            let record = AlertMessageRecord()
            record.alertID = alert.id
            record.userID = person.id
            record.regionID = alert.regionID
            record.channel = .email
            try await store(record, address: nil, reason: "\(person.displayName) has chosen no way to be alerted",
                            words: Words(subject: "", text: "", spoken: ""), cipher: cipher, now: now, on: db)
        }
        for channel in contact.channels {
            let id = UUID()
            let token = SecretToken.make()
            let link = settings.baseURL + SiteURL.alertAcknowledge(token: token).path
            let message = AlertMessage(kind: alert.kind, reference: AlertReference(value: alert.reference), link: link,
                                       toTheWorker: toTheWorker)
            let record = AlertMessageRecord()
            record.id = id
            record.alertID = alert.id
            record.userID = person.id
            record.regionID = alert.regionID
            record.channel = channel
            record.ackTokenHash = SecretToken.hash(token)
            record.ackExpiresAt = now.addingTimeInterval(linkLifetime)
            let spoken = channel == .voice
                ? TwilioClient.twiml(spoken: message.spoken, gatherURL: settings.baseURL + SiteURL.twilioVoice.path + "?message=\(id.uuidString)")
                : message.spoken
            try await store(record, address: contact.address(for: channel), reason: providers.isOn(channel) ? nil : AlertProviders.offReason(channel),
                            words: Words(subject: message.subject, text: channel == .email ? message.emailText : message.text, spoken: spoken),
                            cipher: cipher, now: now, on: db)
        }
    }

    /// A set-up or reset link, by email to the person's own address: the admin who made it never sees it.
    static func queueAccountLink(_ link: String, to person: User, isReset: Bool, cipher: FieldCipher, now: Date,
                                 on db: any Database) async throws {
        let message = AlertMessage(accountLink: link, isReset: isReset)
        let record = AlertMessageRecord()
        record.userID = person.id
        record.regionID = person.$region.id
        record.channel = .email
        try await store(record, address: person.email, reason: nil,
                        words: Words(subject: message.subject, text: message.text, spoken: ""), cipher: cipher, now: now, on: db)
    }

    /// The code that confirms a new mobile number, by text message to that number.
    static func queueConfirmationCode(_ code: String, to number: String, for person: User, cipher: FieldCipher, now: Date,
                                      on db: any Database) async throws {
        let record = AlertMessageRecord()
        record.userID = person.id
        record.regionID = person.$region.id
        record.channel = .sms
        let text = "Reachable: \(code) is your code to confirm this number for alerts. It works for 15 minutes."
        try await store(record, address: number, reason: nil, words: Words(subject: "", text: text, spoken: ""),
                        cipher: cipher, now: now, on: db)
    }

    private static func store(_ record: AlertMessageRecord, address: String?, reason: String?, words: Words, cipher: FieldCipher,
                              now: Date, on db: any Database) async throws {
        record.address = try cipher.seal(address ?? "")
        record.body = try cipher.seal(String(decoding: try JSONEncoder().encode(words), as: UTF8.self))
        record.attempts = 0
        record.nextAttemptAt = now
        record.createdAt = now
        if let reason {
            record.status = .off
            record.lastError = reason
        } else if address == nil {
            record.status = .off
            record.lastError = record.channel == .email ? "No email address is set" : "No confirmed mobile number"
        } else {
            record.status = .pending
        }
        try await record.create(on: db)
    }
}

/// A person's channels and where each reaches them, opened from their sealed fields.
struct AlertContact {
    let phone: String?
    let email: String
    let channels: [AlertChannel]

    init(_ user: User, cipher: FieldCipher) throws {
        phone = try user.alertPhone.map(cipher.open).flatMap { $0.isEmpty ? nil : $0 }
        email = try user.alertEmail.map(cipher.open).flatMap { $0.isEmpty ? nil : $0 } ?? user.email
        // Until a person chooses, a text message if they gave a number, and email.
        channels = user.alertChannels.map(AlertChannel.parse) ?? ((phone == nil ? [] : [.sms]) + [.email])
    }

    func address(for channel: AlertChannel) -> String? {
        channel == .email ? email : phone
    }
}
