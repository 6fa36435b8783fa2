import Domain
import Fluent
import SQLKit
import Vapor

/// What Twilio sends back: delivery reports, replies to our text messages, and the key pressed on a call. Each
/// request must carry Twilio's signature for the public URL it was sent to; anything else is refused and audited.
struct TwilioWebhooksController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.POST, .twilioStatus, access: .open, maxBodySize: "16kb", use: status)
        routes.on(.POST, .twilioSMS, access: .open, maxBodySize: "16kb", use: reply)
        routes.on(.POST, .twilioVoice, access: .open, maxBodySize: "16kb", use: keypress)
    }

    /// Delivery states that mean the person did not get it.
    static let undelivered: Set<String> = ["failed", "undelivered", "busy", "no-answer", "canceled"]

    func status(req: Request) async throws -> Response {
        let form = try await verified(req)
        guard let sid = form["MessageSid"] ?? form["CallSid"], let state = form["MessageStatus"] ?? form["CallStatus"] else {
            throw Abort(.badRequest)
        }
        let now = req.now
        let reported = String(state.prefix(40))
        let address = req.clientAddress
        try await req.write { db in
            let update = (db as! any SQLDatabase).update(AlertMessageRecord.schema).set("delivery_status", to: reported)
                .where("provider_id", .equal, sid)
            if Self.undelivered.contains(reported) {
                // Shown to the managers among the messages that did not go.
                update.set("status", to: AlertMessageRecord.Status.failed.rawValue)
                    .set("last_error", to: "The provider reported it \(reported)")
            }
            let matched = try await update.returning("id").all().count
            try await Audit.append(AuditEntry(action: .alertDelivery, outcome: matched == 0 ? .refused : .success, actor: "twilio",
                                              objectType: .alertMessage, objectID: String(sid.prefix(64)), address: address,
                                              detail: matched == 0 ? "a report for no message Reachable sent" : reported
                                                + (form["ErrorCode"].map { " (error \($0.prefix(10)))" } ?? "")),
                                   on: db, at: now)
        }
        return Self.twiml("<Response></Response>")
    }

    /// A text to the service's number. "OK" (with the alert's reference when more than one is open) acknowledges as
    /// the person the alert was sent to. "HELP" or "not safe" from a member of staff's confirmed number raises a
    /// call for help of its own, at once, to the manager on call and the national lead, whatever else is open; it
    /// never acknowledges. A number with no open alert and no staff member gets no answer at all, so a stranger learns
    /// nothing of the service. Each text is acted on once, however often it is replayed.
    func reply(req: Request) async throws -> Response {
        let form = try await verified(req)
        let from = form["From"] ?? "", meaning = SMSReply.meaning(of: form["Body"] ?? "")
        let now = req.now
        guard try await Self.firstReceipt(form["MessageSid"], now: now, req: req) else { return Self.twiml("<Response></Response>") }
        let open = try await Self.openMessages(to: from, now: now, req: req)
        var outcome = "from a number with no open alert"
        var answer: String?
        var sender: User?
        switch meaning {
        case .help:
            sender = try await Self.staff(withNumber: from, req: req)
            if let sender {
                let raised = try await req.write { db in
                    try await AlertBook.raiseCallForHelp(from: sender, now: now, on: db)
                }
                AlertEngine.kick(req.application)
                outcome = raised ? "a call for help: raised at once to the manager on call and the national lead"
                    : "a call for help while one is open: already passed on"
                answer = "Reachable: your call for help is being passed on now. If you are in danger, call 999."
            } else {
                outcome = "help from a number no member of staff has confirmed"
            }
        case let .acknowledge(reference):
            guard let newest = open.first else { break }
            let chosen = reference.map { wanted in open.first { $0.reference == wanted } } ?? (open.count == 1 ? newest : nil)
            guard let chosen else {
                outcome = reference == nil ? "OK with \(open.count) alerts open: asked which" : "named \(reference!) which is not open for this number"
                answer = reference == nil
                    ? "Reachable: \(open.count) alerts are open for you: \(open.map(\.reference).joined(separator: ", ")). Reply OK and the one you mean."
                    : "Reachable: \(reference!) is not an open alert for this number. Open: \(open.map(\.reference).joined(separator: ", "))."
                break
            }
            guard let person = try await User.find(chosen.userID, on: req.db), !person.disabled else { break }
            sender = person
            let cipher = try req.application.cipher, address = req.clientAddress
            let done = try await req.write { db in
                try await AlertBook.acknowledge(chosen.alertID, by: person, via: .smsReply, address: address, now: now, cipher: cipher, on: db)
            }
            outcome = done ? "acknowledged \(chosen.reference)" : "\(chosen.reference) already acknowledged"
            answer = done ? "Reachable: \(chosen.reference) acknowledged. Thank you." : "Reachable: \(chosen.reference) was already acknowledged."
        case .other:
            guard let newest = open.first else { break }
            outcome = "not understood"
            answer = "Reachable: reply OK \(newest.reference) to acknowledge, or HELP if you need help."
        }
        try await req.audit(.alertReply, objectType: .alertMessage, objectID: String((form["MessageSid"] ?? "").prefix(64)),
                            detail: (sender.map { "from \($0.email): " } ?? "") + outcome)
        return Self.twiml(answer.map { "<Response><Message>\($0)</Message></Response>" } ?? "<Response></Response>")
    }

    /// The key pressed on an alert call: 1 acknowledges as the person called, on the call the message placed.
    func keypress(req: Request) async throws -> Response {
        let form = try await verified(req)
        guard let id = req.query[UUID.self, at: "message"],
              let message = try await AlertMessageRecord.find(id, on: req.db), message.channel == .voice,
              let callSid = form["CallSid"], callSid == message.providerID,
              let alertID = message.alertID, let userID = message.userID,
              let person = try await User.find(userID, on: req.db), !person.disabled else {
            return Self.twiml("<Response><Say>This call can no longer acknowledge an alert. Goodbye.</Say></Response>")
        }
        guard form["Digits"] == "1" else {
            return Self.twiml("<Response><Say>No alert was acknowledged. Goodbye.</Say></Response>")
        }
        let now = req.now
        guard try await Self.firstReceipt(callSid + ":1", now: now, req: req) else {
            return Self.twiml("<Response><Say>Thank you. Goodbye.</Say></Response>")
        }
        let cipher = try req.application.cipher, address = req.clientAddress
        let done = try await req.write { db in
            try await AlertBook.acknowledge(alertID, by: person, via: .voiceKeypress, address: address, now: now, cipher: cipher, on: db)
        }
        return Self.twiml(done ? "<Response><Say>Thank you. The alert is acknowledged.</Say></Response>"
                               : "<Response><Say>This alert was already acknowledged. Goodbye.</Say></Response>")
    }

    // MARK: - Steps

    /// The form, once its signature holds for the public URL (`REACHABLE_BASE_URL` and the path and query asked
    /// for). Without Twilio configured, these routes do not exist.
    private func verified(_ req: Request) async throws -> [String: String] {
        guard let twilio = try req.application.settings.twilio else { throw Abort(.notFound) }
        let body = req.body.string ?? ""
        let parameters = TwilioSignature.parameters(ofForm: body)
        let url = try req.application.settings.baseURL + req.url.string
        guard TwilioSignature.isValid(req.headers.first(name: "X-Twilio-Signature"), url: url, parameters: parameters,
                                      authToken: twilio.authToken) else {
            try await req.audit(.webhookRefused, outcome: .refused, objectType: .route, objectID: req.url.path,
                                detail: "missing or wrong X-Twilio-Signature")
            throw Abort(.forbidden)
        }
        return Dictionary(parameters, uniquingKeysWith: { first, _ in first })
    }

    /// True the first time a provider's id is seen: a webhook replayed (or retried by Twilio) is acted on once.
    static func firstReceipt(_ providerID: String?, now: Date, req: Request) async throws -> Bool {
        guard let providerID, !providerID.isEmpty else { return false }
        return try await req.write { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO alert_webhook_receipts (provider_id, received_at) VALUES (\(bind: String(providerID.prefix(80))), \(bind: now))
                ON CONFLICT (provider_id) DO NOTHING RETURNING provider_id
                """).first() != nil
        }
    }

    /// The member of staff whose confirmed number this is, if any (numbers are sealed: the few set are opened).
    static func staff(withNumber from: String, req: Request) async throws -> User? {
        guard let number = PhoneNumber.normalise(from) else { return nil }
        let cipher = try req.application.cipher
        return try await User.query(on: req.db).filter(\.$alertPhone != nil).filter(\.$disabled == false).all()
            .first { try cipher.open($0.alertPhone!) == number }
    }

    struct OpenMessage {
        let alertID: UUID
        let userID: UUID
        let reference: String
    }

    /// The open alerts of the last day sent to this number by text or call, newest first, each once. Numbers are
    /// sealed, so the few candidates are opened and compared; the number is normalised as a form's would be.
    static func openMessages(to from: String, now: Date, req: Request) async throws -> [OpenMessage] {
        guard let number = PhoneNumber.normalise(from) else { return [] }
        struct Row: Decodable { let address: String; let alert_id: UUID; let user_id: UUID; let reference: String }
        let rows = try await (req.db as! any SQLDatabase).raw("""
            SELECT m.address AS address, m.alert_id AS alert_id, m.user_id AS user_id, a.reference AS reference
            FROM alert_messages m JOIN alerts a ON a.id = m.alert_id
            WHERE m.channel IN ('sms', 'voice') AND m.status = 'sent' AND m.sent_at > \(bind: now.addingTimeInterval(-86400))
              AND a.acknowledged_at IS NULL AND a.resolved_at IS NULL AND m.user_id IS NOT NULL
            ORDER BY m.sent_at DESC LIMIT 500
            """).all(decoding: Row.self)
        let cipher = try req.application.cipher
        var seen = Set<UUID>()
        return try rows.filter { try cipher.open($0.address) == number && seen.insert($0.alert_id).inserted }
            .map { OpenMessage(alertID: $0.alert_id, userID: $0.user_id, reference: $0.reference) }
    }

    static func twiml(_ xml: String) -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/xml; charset=utf-8"],
                 body: .init(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml))
    }
}
