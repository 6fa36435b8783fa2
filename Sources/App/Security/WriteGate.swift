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

    func transaction<T: Sendable>(on database: any Database,
                                  _ body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        running += 1
        defer { running -= 1 }
        guard serialises else { return try await database.transaction(body) }
        await enter()
        do {
            let result = try await database.transaction(body)
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
        get throws(NotConfigured) { try configured(WriteGateKey.self, "The write gate") }
    }

    func use(_ writes: WriteGate) { storage[WriteGateKey.self] = writes }
}

extension Request {
    /// Every change a request makes goes through here: one transaction, all or nothing (ASVS v5.0.0-2.3.3).
    func write<T: Sendable>(_ body: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        try await application.writes.transaction(on: db, body)
    }
}
