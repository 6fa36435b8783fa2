import FluentSQLiteDriver
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

/// Copies SQLite's write-ahead log back into the database file in the background, on a connection and thread
/// of its own, so that no writer waits for it.
///
/// By default SQLite checkpoints inside the commit that takes the log past 1,000 pages: the import that commits
/// then also copies every page it wrote into the database file and flushes it to disk: a 20,000-row import's
/// commit at 100,000 referrals took 0.40 s of its 2.5 s, and 0.12–0.14 s with checkpoints done here
/// Any request's commit could likewise pay for the writes before it. Here each instance's own connections checkpoint only as a
/// safety net (`DatabaseSetup.sqlitePragmas`: when the log passes 256 MB because this task has stopped or fallen
/// behind), and this task checkpoints every half second. A passive checkpoint never blocks readers or writers:
/// it copies what no reader still needs, and the next writer starts the log afresh once all of it is copied.
final class WALCheckpointer: LifecycleHandler, Sendable {
    let interval: TimeAmount
    private let state = NIOLockedValueBox(State())
    private let work = RepeatingWork()

    private struct State {
        var connection: SQLiteConnection?
        var threadPool: NIOThreadPool?
        var latest: (logPages: Int, copiedPages: Int)?
    }

    init(interval: TimeAmount = .milliseconds(500)) { self.interval = interval }

    /// The latest checkpoint's pages: in the log, and copied into the database file.
    var latest: (logPages: Int, copiedPages: Int)? { state.withLockedValue { $0.latest } }

    func didBootAsync(_ app: Application) async throws {
        guard case let .sqlite(path) = try app.settings.database else { return }
        // One thread of its own: on the shared pool a checkpoint's file copy would hold up one of the threads
        // that run every connection's queries.
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let loop = app.eventLoopGroup.next()
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool,
                                                         logger: app.logger, on: loop)
            // The same durability as the writers' connections: the log is flushed before its pages are copied
            // and the database file after, as at any checkpoint.
            try await connection.query("PRAGMA synchronous=NORMAL", []) { _ in }
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
        let logger = app.logger
        state.withLockedValue {
            $0.connection = connection
            $0.threadPool = threadPool
        }
        work.start(on: loop, initialDelay: interval, delay: interval) {
            do {
                let result = try await Self.checkpoint(connection)
                self.state.withLockedValue { $0.latest = result }
            } catch {
                logger.warning("Write-ahead log checkpoint failed: \(String(reflecting: error))")
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        // Waits for a checkpoint under way, so the connection is not closed beneath it.
        await work.stop()
        let stopping = state.withLockedValue { state in
            defer { state = State() }
            return state
        }
        try? await stopping.connection?.close()
        try? await stopping.threadPool?.shutdownGracefully()
    }

    /// One passive checkpoint: how many pages the log holds and how many of them are now in the database file.
    static func checkpoint(_ connection: SQLiteConnection) async throws -> (logPages: Int, copiedPages: Int) {
        let result = NIOLockedValueBox((logPages: 0, copiedPages: 0))
        try await connection.query("PRAGMA wal_checkpoint(PASSIVE)", []) { row in
            let log = row.column("log")?.integer ?? 0
            let copied = row.column("checkpointed")?.integer ?? 0
            result.withLockedValue { $0 = (log, copied) }
        }
        return result.withLockedValue { $0 }
    }
}

extension Application {
    private struct WALCheckpointerKey: StorageKey { typealias Value = WALCheckpointer }

    /// Set by `configure`; runs only on SQLite, once the application has booted.
    var walCheckpointer: WALCheckpointer? {
        get { storage[WALCheckpointerKey.self] }
        set { storage[WALCheckpointerKey.self] = newValue }
    }
}
