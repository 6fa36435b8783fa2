import Domain
import Fluent
import SQLKit
import Vapor

/// Raising, ending and acknowledging alerts, each inside the caller's transaction, so that an alert commits with
/// what caused it. Every change is one conditional statement: of two instances, one changes the row, the other
/// finds it changed.
enum AlertBook {
    /// Raises an alert unless this subject's episode already has one; the first step is due at once.
    @discardableResult
    static func raise(_ kind: AlertKind, subject: UUID, episode: String, regionID: UUID?, workerID: UUID? = nil,
                      now: Date, on db: any Database) async throws -> Bool {
        let reference = AlertReference.random().value
        // The conflict target is the episode alone: a clash of references is an error, never a silent no-alert.
        let raised = try await (db as! any SQLDatabase).raw("""
            INSERT INTO alerts (id, kind, reference, region_id, subject_id, episode, worker_id, raised_at, step, next_step_at)
            VALUES (\(bind: UUID()), \(bind: kind.rawValue), \(bind: reference), \(bind: regionID), \(bind: subject),
                    \(bind: episode), \(bind: workerID), \(bind: now), 0, \(bind: now))
            ON CONFLICT (kind, subject_id, episode) DO NOTHING
            RETURNING id
            """).all()
        guard let row = raised.first else { return false }
        let id = try row.decode(column: "id", as: UUID.self)
        try await Audit.append(AuditEntry(action: .alertRaised, actor: "alerts", objectType: .alert, objectID: id.uuidString,
                                          region: try await regionCode(regionID, on: db), address: "server",
                                          detail: "\(reference): \(kind.label)"), on: db, at: now)
        return true
    }

    /// What the alert was about is over (the worker checked out, a caseworker was dispatched): no further step,
    /// no message not yet sent.
    static func resolve(_ kind: AlertKind, subject: UUID, now: Date, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let ended = try await sql.raw("""
            UPDATE alerts SET resolved_at = \(bind: now), next_step_at = NULL
            WHERE kind = \(bind: kind.rawValue) AND subject_id = \(bind: subject) AND resolved_at IS NULL
            RETURNING id, reference, region_id
            """).all()
        for row in ended {
            let id = try row.decode(column: "id", as: UUID.self)
            try await cancelMessages(of: id, on: db)
            try await Audit.append(AuditEntry(action: .alertResolved, actor: "alerts", objectType: .alert, objectID: id.uuidString,
                                              region: try await regionCode(try row.decode(column: "region_id", as: UUID?.self), on: db),
                                              address: "server", detail: try row.decode(column: "reference", as: String.self)),
                                   on: db, at: now)
        }
    }

    /// A named person acknowledges: the escalation stops on every instance (the next step's statement and the
    /// sender both ask whether the alert is still open). False when it was already acknowledged or over.
    static func acknowledge(_ alertID: UUID, by user: User, via route: AcknowledgementRoute, address: String, now: Date,
                            cipher: FieldCipher, on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.raw("""
            UPDATE alerts SET acknowledged_at = \(bind: now), acknowledged_by_id = \(bind: user.id!),
                acknowledged_via = \(bind: route.rawValue), next_step_at = NULL
            WHERE id = \(bind: alertID) AND acknowledged_at IS NULL AND resolved_at IS NULL
            RETURNING kind, subject_id, region_id, reference
            """).first() else { return false }
        try await cancelMessages(of: alertID, on: db)
        let kind = AlertKind(rawValue: try row.decode(column: "kind", as: String.self))
        let subject = try row.decode(column: "subject_id", as: UUID.self)
        if kind == .loneWorkingOverdue {
            // The visit's own record says who answered and how, so the managers' banner reads "acknowledged".
            let note = try cipher.seal("Acknowledged by \(user.displayName) \(route.label)")
            try await sql.update(LoneWorkingVisit.schema).set("acknowledged_at", to: now).set("acknowledged_by_id", to: user.id!)
                .set("acknowledgement", to: note).where("id", .equal, subject).where("checked_out_at", .is, SQLLiteral.null).run()
        }
        try await Audit.append(AuditEntry(action: .alertAcknowledged, userID: user.id, actor: user.email, objectType: .alert,
                                          objectID: alertID.uuidString,
                                          region: try await regionCode(try row.decode(column: "region_id", as: UUID?.self), on: db),
                                          address: address,
                                          detail: "\(try row.decode(column: "reference", as: String.self)) by \(user.displayName) \(route.label)"),
                               on: db, at: now)
        return true
    }

    /// The open alerts of a subject, for a page that acknowledges on the spot (a manager acknowledging a visit).
    static func acknowledgeAll(_ kind: AlertKind, subject: UUID, by user: User, address: String, now: Date,
                               cipher: FieldCipher, on db: any Database) async throws {
        let open = try await Alert.query(on: db).filter(\.$kind == kind).filter(\.$subjectID == subject)
            .filter(\.$acknowledgedAt == nil).filter(\.$resolvedAt == nil).all()
        for alert in open {
            _ = try await acknowledge(alert.id!, by: user, via: .page, address: address, now: now, cipher: cipher, on: db)
        }
    }

    /// A subject that became another (an unidentified rescue made into a rescue): its alerts carry on as the new
    /// one's, with their steps and acknowledgements, so nobody is alerted twice about one call.
    static func carryOver(_ kind: AlertKind, from old: UUID, to new: UUID, on db: any Database) async throws {
        try await (db as! any SQLDatabase).update(Alert.schema).set("subject_id", to: new)
            .where("kind", .equal, kind.rawValue).where("subject_id", .equal, old).run()
    }

    /// A member of staff texted HELP: a call for help of its own, to the manager on call and the national lead at
    /// once (never to the sender). One open at a time per person: a second HELP while the first is unanswered adds
    /// nothing (its messages are already on their way). False when one was already open.
    static func raiseCallForHelp(from person: User, now: Date, on db: any Database) async throws -> Bool {
        let open = try await Alert.query(on: db).filter(\.$kind == .helpByText).filter(\.$subjectID == person.id!)
            .filter(\.$acknowledgedAt == nil).filter(\.$resolvedAt == nil).first()
        guard open == nil else { return false }
        return try await raise(.helpByText, subject: person.id!, episode: Audit.timestamp(now), regionID: person.$region.id,
                               workerID: person.id, now: now, on: db)
    }

    static func cancelMessages(of alertID: UUID, on db: any Database) async throws {
        try await (db as! any SQLDatabase).update(AlertMessageRecord.schema)
            .set("status", to: AlertMessageRecord.Status.cancelled.rawValue).set("claimed_until", to: SQLLiteral.null)
            .where("alert_id", .equal, alertID).where("status", .equal, AlertMessageRecord.Status.pending.rawValue).run()
    }

    static func regionCode(_ id: UUID?, on db: any Database) async throws -> String {
        guard let id else { return "" }
        return try await Region.find(id, on: db)?.code ?? ""
    }
}
