import Domain
import Fluent
import SQLKit
import Vapor

/// Takes the steps that are due: each alert's next step is claimed by one conditional UPDATE (of two instances,
/// one moves the step on and queues its messages in the same transaction), so every step is taken once.
enum AlertEscalation {
    static func takeDueSteps(app: Application, now: Date) async throws -> Int {
        var taken = 0
        // A step with nobody in it is passed at once to the next, so a few rounds may be needed in one tick.
        for _ in 0..<8 {
            let due = try await (app.db as! any SQLDatabase).raw("""
                SELECT id, step FROM alerts
                WHERE next_step_at <= \(bind: now) AND acknowledged_at IS NULL AND resolved_at IS NULL
                ORDER BY next_step_at LIMIT 50
                """).all()
            if due.isEmpty { break }
            for row in due {
                let id = try row.decode(column: "id", as: UUID.self), step = try row.decode(column: "step", as: Int.self)
                if try await take(step: step, of: id, app: app, now: now) { taken += 1 }
            }
        }
        return taken
    }

    private static func take(step: Int, of alertID: UUID, app: Application, now: Date) async throws -> Bool {
        let settings = try app.settings, providers = app.alertProviders, cipher = try app.cipher
        return try await app.writes.transaction(on: app.db) { db in
            guard let alert = try await Alert.find(alertID, on: db), alert.isOpen, alert.step == step else { return false }
            let chain = alert.regionID == nil ? AlertKind.unroutedChain : alert.kind.chain
            guard step < chain.count else {
                try await (db as! any SQLDatabase).update(Alert.schema).set("next_step_at", to: SQLLiteral.null)
                    .where("id", .equal, alertID).run()
                return false
            }
            let people = try await recipients(chain[step], of: alert, now: now, on: db)
            let last = step + 1 >= chain.count
            // Nobody in this step (a gap in the rota): the next step is due now, not after a wait for nobody. The last
            // step is taken again after each wait until someone acknowledges (nobody in it: nothing left to try).
            let wait = now.addingTimeInterval(TimeInterval(settings.alertStepMinutes * 60))
            let next: Date? = people.isEmpty ? (last ? nil : now) : wait
            let claimed = try await (db as! any SQLDatabase).raw("""
                UPDATE alerts SET step = \(bind: last && !people.isEmpty ? step : step + 1), next_step_at = \(bind: next)
                WHERE id = \(bind: alertID) AND step = \(bind: step) AND acknowledged_at IS NULL AND resolved_at IS NULL
                RETURNING id
                """).all()
            guard !claimed.isEmpty else { return false }
            let region = try await AlertBook.regionCode(alert.regionID, on: db)
            let who = chain[step].map(describe).joined(separator: " and ")
            guard !people.isEmpty else {
                try await Audit.append(AuditEntry(action: .alertStepSkipped, actor: "alerts", objectType: .alert,
                                                  objectID: alertID.uuidString, region: region, address: "server",
                                                  detail: "\(alert.reference) step \(step + 1): nobody is \(who)"), on: db, at: now)
                return true
            }
            for person in people {
                try await AlertOutbox.queue(alert: alert, to: person, toTheWorker: chain[step] == [.worker], providers: providers,
                                            settings: settings, cipher: cipher, now: now, on: db)
            }
            try await Audit.append(AuditEntry(action: .alertEscalated, actor: "alerts", objectType: .alert,
                                              objectID: alertID.uuidString, region: region, address: "server",
                                              detail: "\(alert.reference) step \(step + 1) (\(who)): \(people.map(\.displayName).joined(separator: ", "))"),
                                   on: db, at: now)
            return true
        }
    }

    private static func describe(_ recipient: AlertRecipient) -> String {
        switch recipient {
        case .worker: "the lone worker"
        case let .onCall(role): role.label.lowercased()
        case .nationalLead: "a national lead"
        }
    }

    /// Whoever holds the place now and still may: an account disabled, moved to another region, made a caseworker
    /// since, or never set up holds nothing.
    static func onCall(_ role: OnCallRole, region: UUID, now: Date, on db: any Database) async throws -> [User] {
        try await OnCallShiftRecord.query(on: db).filter(\.$regionID == region).filter(\.$role == role)
            .filter(\.$startsAt <= now).filter(\.$endsAt > now).with(\.$user).all()
            .filter(OnCallController.stillHolds).map(\.user)
    }

    /// The people of one step, each once; disabled accounts are nobody.
    static func recipients(_ step: [AlertRecipient], of alert: Alert, now: Date, on db: any Database) async throws -> [User] {
        var people: [User] = []
        for recipient in step {
            switch recipient {
            case .worker:
                if let id = alert.workerID, let worker = try await User.find(id, on: db) { people.append(worker) }
            case let .onCall(role):
                guard let region = alert.regionID else { continue }
                let onCall = try await onCall(role, region: region, now: now, on: db)
                people += onCall
                // The manager on call is the lone worker in trouble: the second on call stands in at once.
                if role == .manager, !step.contains(.worker), !onCall.isEmpty, onCall.allSatisfy({ $0.id == alert.workerID }) {
                    people += try await self.onCall(.second, region: region, now: now, on: db)
                }
            case .nationalLead:
                people += try await User.query(on: db).filter(\.$role == .nationalLead).all()
            }
        }
        // The worker is told only in their own step: a manager on call who checks out under duress must not be
        // sent their own silent alarm (the phone may be in someone else's hand).
        var seen: Set<UUID> = step.contains(.worker) ? [] : Set(alert.workerID.map { [$0] } ?? [])
        return people.filter { !$0.disabled && seen.insert($0.id!).inserted }
    }
}
