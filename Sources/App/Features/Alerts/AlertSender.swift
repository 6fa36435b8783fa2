import Domain
import Fluent
import SQLKit
import Vapor

/// Sends what the outbox holds. A message is claimed by one conditional UPDATE with a lease, so with several
/// instances each goes out once; a sender that dies mid-send leaves its claim to run out, and another instance
/// sends the message then. The one window left: a provider that accepted a message just before the sender died
/// is asked again (a duplicate, never a loss).
enum AlertSender {
    /// Longer than the slowest send (the SMTP client gives up after 30 seconds, the Twilio client after 20), and
    /// short enough that a message held by a dead sender goes within a minute or so.
    static let lease: TimeInterval = 60

    static func sendDue(app: Application, now: Date) async throws -> Int {
        let sql = app.db as! any SQLDatabase
        // Most ticks find nothing: a read first, so they write nothing.
        guard try await sql.raw("""
            SELECT id FROM alert_messages
            WHERE (status = 'pending' AND next_attempt_at <= \(bind: now)) OR (status = 'sending' AND claimed_until < \(bind: now))
            LIMIT 1
            """).first() != nil else { return 0 }
        let claimed = try await claim(app: app, now: now)
        // At once, not one after another: a provider slow to answer one message must not hold back the others.
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            for message in claimed { group.addTask { try await send(message, app: app, now: now) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    private static func claim(app: Application, now: Date) async throws -> [AlertMessageRecord] {
        let skipLocked = try app.settings.database.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
        let ids = try await app.writes.transaction(on: app.db) { db in
            try await (db as! any SQLDatabase).raw("""
                UPDATE alert_messages SET status = 'sending', claimed_until = \(bind: now.addingTimeInterval(lease)),
                    attempts = attempts + 1
                WHERE id IN (SELECT id FROM alert_messages
                             WHERE (status = 'pending' AND next_attempt_at <= \(bind: now))
                                OR (status = 'sending' AND claimed_until < \(bind: now))
                             ORDER BY next_attempt_at LIMIT 20\(unsafeRaw: skipLocked))
                  AND ((status = 'pending' AND next_attempt_at <= \(bind: now)) OR (status = 'sending' AND claimed_until < \(bind: now)))
                RETURNING id
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
        }
        guard !ids.isEmpty else { return [] }
        return try await AlertMessageRecord.query(on: app.db).filter(\.$id ~~ ids).sort(\.$createdAt).all()
    }

    /// Sends one claimed message and records what happened; true when the provider took it.
    private static func send(_ message: AlertMessageRecord, app: Application, now: Date) async throws -> Bool {
        let id = message.id!
        var alert: Alert?
        if let alertID = message.alertID {
            alert = try await Alert.find(alertID, on: app.db)
            guard alert?.isOpen == true else {
                // Acknowledged or over since it was queued: nothing more is sent.
                try await finish(id, status: .cancelled, app: app) { _ in }
                return false
            }
        }
        let cipher = try app.cipher
        let address = try cipher.open(message.address)
        let words = try JSONDecoder().decode(AlertOutbox.Words.self, from: Data(try cipher.open(message.body).utf8))
        let providers = app.alertProviders
        let callback = try app.settings.baseURL + SiteURL.twilioStatus.path
        let region = try await AlertBook.regionCode(message.regionID, on: app.db)
        let entry = { (action: AuditAction, detail: String) in
            AuditEntry(action: action, actor: "alerts", objectType: .alertMessage, objectID: id.uuidString,
                       region: region, address: "server",
                       detail: "\(alert?.reference ?? "account link") by \(message.channel.rawValue) to user \(message.userID?.uuidString ?? "-")" + detail)
        }
        do {
            let providerID: String
            switch message.channel {
            case .email:
                guard let email = providers.email else { throw AlertSendError(reason: AlertProviders.offReason(.email), isPermanent: true) }
                providerID = try await email.send(to: address, subject: words.subject, text: words.text)
            case .sms:
                guard let phone = providers.phone else { throw AlertSendError(reason: AlertProviders.offReason(.sms), isPermanent: true) }
                providerID = try await phone.sendSMS(to: address, body: words.text, statusCallback: callback)
            case .voice:
                guard let phone = providers.phone else { throw AlertSendError(reason: AlertProviders.offReason(.voice), isPermanent: true) }
                providerID = try await phone.call(to: address, twiml: words.spoken, statusCallback: callback)
            }
            try await finish(id, status: .sent, app: app) { update in
                update.set("provider_id", to: providerID).set("sent_at", to: now).set("last_error", to: SQLLiteral.null)
            }
            try await app.auditQueue.append(entry(.alertSent, ""), at: now, writes: app.writes, on: app.db)
            return true
        } catch {
            let failure = error as? AlertSendError ?? AlertSendError(reason: "\(error)", isPermanent: false)
            let retryAt = now.addingTimeInterval(max(RetryPolicy.delay(afterAttempt: message.attempts), failure.retryAfter ?? 0))
            try await finish(id, status: failure.isPermanent ? .failed : .pending, app: app) { update in
                update.set("last_error", to: String(failure.reason.prefix(500))).set("next_attempt_at", to: retryAt)
            }
            try await app.auditQueue.append(entry(.alertSendFailed, ": \(failure.reason.prefix(300))" + (failure.isPermanent ? " (not tried again)" : "")),
                                            at: now, writes: app.writes, on: app.db)
            return false
        }
    }

    /// Ends this sender's claim, only if it still holds it (a sender whose lease ran out does not undo another's).
    private static func finish(_ id: UUID, status: AlertMessageRecord.Status, app: Application,
                               _ more: @Sendable @escaping (SQLUpdateBuilder) -> Void) async throws {
        try await app.writes.transaction(on: app.db) { db in
            let update = (db as! any SQLDatabase).update(AlertMessageRecord.schema)
                .set("status", to: status.rawValue).set("claimed_until", to: SQLLiteral.null)
                .where("id", .equal, id).where("status", .equal, AlertMessageRecord.Status.sending.rawValue)
            more(update)
            try await update.run()
        }
    }
}

/// One turn of the alerts: take the steps that are due, then send what is queued. Run by every instance's timer
/// (after it has raised what the lone-working and call-back clocks make due); the database decides who does what.
enum AlertEngine {
    static func tick(app: Application) async throws {
        let now = app.clock.now()
        _ = try await AlertEscalation.takeDueSteps(app: app, now: now)
        _ = try await AlertSender.sendDue(app: app, now: app.clock.now())
    }

    /// After a request raised an alert (a duress check-out), its first messages go now rather than at the next tick.
    static func kick(_ app: Application) {
        guard app.environment != .testing else { return }
        Task { try? await tick(app: app) }
    }
}
