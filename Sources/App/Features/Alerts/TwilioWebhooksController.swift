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
        let state_ = String(state.prefix(40))
        let entry = AuditEntry(action: "alert.delivery", actor: "twilio", objectType: "alert_message", objectID: String(sid.prefix(64)),
                               address: req.clientAddress, detail: state_ + (form["ErrorCode"].map { " (error \($0.prefix(10)))" } ?? ""))
        try await req.write { db in
            let update = (db as! any SQLDatabase).update(AlertMessageRecord.schema).set("delivery_status", to: state_)
                .where("provider_id", .equal, sid)
            if Self.undelivered.contains(state_) {
                // Shown to the managers among the messages that did not go.
                update.set("status", to: AlertMessageRecord.Status.failed.rawValue)
                    .set("last_error", to: "The provider reported it \(state_)")
            }
            try await update.run()
            try await Audit.append(entry, on: db, at: now)
        }
        return Self.twiml("<Response></Response>")
    }

    /// "OK" from a number we alerted acknowledges the newest open alert we sent it.
    func reply(req: Request) async throws -> Response {
        let form = try await verified(req)
        let from = form["From"] ?? "", body = form["Body"] ?? ""
        let acknowledges = SMSReply.acknowledges(body)
        let now = req.now
        var acknowledged: String?
        if acknowledges, let match = try await Self.newestOpenMessage(to: from, now: now, req: req),
           let person = try await User.find(match.userID, on: req.db), !person.disabled {
            let cipher = req.application.cipher, address = req.clientAddress
            let done = try await req.write { db in
                try await AlertBook.acknowledge(match.alertID, by: person, via: .smsReply, address: address, now: now, cipher: cipher, on: db)
            }
            if done { acknowledged = match.reference }
        }
        try await req.audit("alert.reply", objectType: "alert_message", objectID: String((form["MessageSid"] ?? "").prefix(64)),
                            detail: acknowledged.map { "acknowledged \($0)" } ?? (acknowledges ? "nothing open to acknowledge" : "not an acknowledgement"))
        let answer = acknowledged.map { "Reachable: \($0) acknowledged. Thank you." }
            ?? (acknowledges ? "Reachable: there is no open alert for this number." : "Reachable: reply OK to acknowledge an alert.")
        return Self.twiml("<Response><Message>\(answer)</Message></Response>")
    }

    /// The key pressed on an alert call: 1 acknowledges as the person called.
    func keypress(req: Request) async throws -> Response {
        let form = try await verified(req)
        guard let id = req.query[UUID.self, at: "message"],
              let message = try await AlertMessageRecord.find(id, on: req.db), message.channel == .voice,
              let alertID = message.alertID, let userID = message.userID,
              let person = try await User.find(userID, on: req.db), !person.disabled else {
            return Self.twiml("<Response><Say>This call can no longer acknowledge an alert. Goodbye.</Say></Response>")
        }
        guard form["Digits"] == "1" else {
            return Self.twiml("<Response><Say>No alert was acknowledged. Goodbye.</Say></Response>")
        }
        let now = req.now, cipher = req.application.cipher, address = req.clientAddress
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
        guard let twilio = req.application.settings.twilio else { throw Abort(.notFound) }
        let body = req.body.string ?? ""
        let parameters = TwilioSignature.parameters(ofForm: body)
        let url = req.application.settings.baseURL + req.url.string
        guard TwilioSignature.isValid(req.headers.first(name: "X-Twilio-Signature"), url: url, parameters: parameters,
                                      authToken: twilio.authToken) else {
            try await req.audit("webhook.refused", outcome: .refused, objectType: "route", objectID: req.url.path,
                                detail: "missing or wrong X-Twilio-Signature")
            throw Abort(.forbidden)
        }
        return Dictionary(parameters, uniquingKeysWith: { first, _ in first })
    }

    struct OpenMessage {
        let alertID: UUID
        let userID: UUID
        let reference: String
    }

    /// The newest text message or call of the last day, to this number, whose alert is still open. Numbers are
    /// sealed, so the few candidates are opened and compared; the number is normalised as a form's would be.
    static func newestOpenMessage(to from: String, now: Date, req: Request) async throws -> OpenMessage? {
        guard let number = PhoneNumber.normalise(from) else { return nil }
        struct Row: Decodable { let address: String; let alert_id: UUID; let user_id: UUID; let reference: String }
        let rows = try await (req.db as! any SQLDatabase).raw("""
            SELECT m.address AS address, m.alert_id AS alert_id, m.user_id AS user_id, a.reference AS reference
            FROM alert_messages m JOIN alerts a ON a.id = m.alert_id
            WHERE m.channel IN ('sms', 'voice') AND m.status = 'sent' AND m.sent_at > \(bind: now.addingTimeInterval(-86400))
              AND a.acknowledged_at IS NULL AND a.resolved_at IS NULL AND m.user_id IS NOT NULL
            ORDER BY m.sent_at DESC LIMIT 500
            """).all(decoding: Row.self)
        let cipher = req.application.cipher
        return try rows.first { try cipher.open($0.address) == number }
            .map { OpenMessage(alertID: $0.alert_id, userID: $0.user_id, reference: $0.reference) }
    }

    static func twiml(_ xml: String) -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/xml; charset=utf-8"],
                 body: .init(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml))
    }
}
