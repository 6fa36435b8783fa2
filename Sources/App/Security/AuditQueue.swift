import Fluent
import Vapor

/// Commits the audit entries that requests record on their own (a page viewed, a search, a refusal) in shared
/// transactions: while one transaction commits, the entries that arrive wait and go together in the next. Under
/// load a few transactions carry many entries instead of one each (on SQLite every transaction takes the one
/// writer's turn). Each caller still returns only once its entry has committed, so nothing a response has
/// acknowledged is missing from the log, and a failed transaction fails every request whose entry it carried.
actor AuditQueue {
    private struct Waiting {
        let entry: AuditEntry
        let at: Date
        let done: CheckedContinuation<Void, any Error>
    }

    private var waiting: [Waiting] = []
    private var committing = false

    func append(_ entry: AuditEntry, at date: Date, writes: WriteGate, on db: any Database) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append(Waiting(entry: entry, at: date, done: done))
            if !committing {
                committing = true
                Task { await self.commitWaiting(writes: writes, on: db) }
            }
        }
    }

    /// Commits what is waiting, then what arrived meanwhile, until nothing is left.
    private func commitWaiting(writes: WriteGate, on db: any Database) async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let entries = batch.map { (entry: $0.entry, at: $0.at) }
            do {
                try await writes.transaction(on: db) { db in try await Audit.append(entries, on: db) }
                for item in batch { item.done.resume() }
            } catch {
                for item in batch { item.done.resume(throwing: error) }
            }
        }
        committing = false
    }
}

extension Application {
    private struct AuditQueueKey: StorageKey { typealias Value = AuditQueue }

    var auditQueue: AuditQueue {
        get throws(NotConfigured) { try configured(AuditQueueKey.self, "The audit queue") }
    }

    func use(_ auditQueue: AuditQueue) { storage[AuditQueueKey.self] = auditQueue }
}
