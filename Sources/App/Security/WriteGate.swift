import Fluent
import SQLKit
import Vapor

/// Runs a write transaction. SQLite allows one writer at a time, and a deferred transaction that read before
/// another connection committed fails instead of waiting; so on SQLite this process's writers queue here, one
/// after another. PostgreSQL needs no queue: its transactions wait on row and advisory locks instead.
actor WriteGate {
    private let serialises: Bool
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var running = 0

    init(serialises: Bool) { self.serialises = serialises }

    /// For the metrics: write transactions running, and writes queued behind the one SQLite writer.
    var counts: (running: Int, waiting: Int) { (running, waiting.count) }

    /// `changesRecords: false` is for transactions that only append to the audit log or touch a session, which no
    /// kept page shows; every other transaction replaces the data revision as its last statement.
    func transaction<T: Sendable>(on database: any Database, changesRecords: Bool = true,
                                  _ body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        running += 1
        defer { running -= 1 }
        let work: @Sendable (any Database) async throws -> T = { db in
            let result = try await body(db)
            if changesRecords { try await DataRevision.advance(on: db) }
            return result
        }
        guard serialises else { return try await database.transaction(work) }
        await enter()
        do {
            let result = try await database.transaction(work)
            leave()
            return result
        } catch {
            leave()
            throw error
        }
    }

    private func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

extension Application {
    private struct WriteGateKey: StorageKey { typealias Value = WriteGate }

    var writes: WriteGate {
        get {
            guard let gate = storage[WriteGateKey.self] else { fatalError("configure has not set the write gate") }
            return gate
        }
        set { storage[WriteGateKey.self] = newValue }
    }
}

extension Request {
    /// Every change a request makes goes through here: one transaction, all or nothing (ASVS v5.0.0-2.3.3).
    func write<T: Sendable>(changesRecords: Bool = true,
                            _ body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        try await application.writes.transaction(on: db, changesRecords: changesRecords, body)
    }
}
