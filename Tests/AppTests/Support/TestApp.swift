@testable import App
import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import NIOConcurrencyHelpers
import Logging
import Testing
import VaporTesting

/// A migrated application on a database of its own, shut down and removed afterwards whatever happens.
/// With `TEST_DATABASE_URL` set (a PostgreSQL server on this machine) each test gets a fresh PostgreSQL
/// database; otherwise a temporary SQLite file.
func withApp(env: [String: String] = [:], _ body: (Application) async throws -> Void) async throws {
    if TestDatabase.isPostgres { await TestDatabase.slots.acquire() }
    do {
        try await runApp(env: env, body)
    } catch {
        // PostgreSQL's errors hide their detail unless reflected.
        Issue.record("\(String(reflecting: error))")
    }
    if TestDatabase.isPostgres { await TestDatabase.slots.release() }
}

private func runApp(env: [String: String], _ body: (Application) async throws -> Void) async throws {
    let database = try await TestDatabase.make()
    let app = try await Application.make(.testing)
    do {
        try await configure(app, settings: TestSettings.make(database: database.location, env: env))
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        try? await database.remove()
        throw error
    }
    try await app.asyncShutdown()
    try await database.remove()
}

/// Two migrated instances of the application on one database, as behind a load balancer; shut down and
/// removed afterwards whatever happens.
func withTwoInstances(env: [String: String] = [:], _ body: (Application, Application) async throws -> Void) async throws {
    if TestDatabase.isPostgres { await TestDatabase.slots.acquire() }
    let database = try await TestDatabase.make()
    let first = try await Application.make(.testing)
    let second = try await Application.make(.testing)
    do {
        try await configure(first, settings: TestSettings.make(database: database.location, env: env))
        try await configure(second, settings: TestSettings.make(database: database.location, env: env))
        try await body(first, second)
    } catch {
        Issue.record("\(String(reflecting: error))")
    }
    try await first.asyncShutdown()
    try await second.asyncShutdown()
    try await database.remove()
    if TestDatabase.isPostgres { await TestDatabase.slots.release() }
}

/// Two instances on one PostgreSQL, as production runs; on SQLite, which serves one instance (its writers are
/// serialised inside the process), the same instance twice.
func withInstances(env: [String: String] = [:], _ body: (Application, Application) async throws -> Void) async throws {
    if TestDatabase.isPostgres {
        try await withTwoInstances(env: env, body)
    } else {
        try await withApp(env: env) { app in try await body(app, app) }
    }
}

enum TestSettings {
    /// A fixed test key: tests never touch a real key or the data folder.
    static let dataKey = Data(repeating: 7, count: 32).base64EncodedString()
    static let auditKey = Data(repeating: 11, count: 32).base64EncodedString()

    static func make(database: DatabaseLocation, env: [String: String] = [:]) throws -> Settings {
        _ = TestLogging.bootstrapped
        var settings = try Settings.load(from: env)
        settings.database = database
        settings.dataKey = dataKey
        settings.auditKey = auditKey
        settings.bcryptCost = 4
        // Tests run in parallel, each with its own database: keep every pool small.
        settings.databasePoolSize = 2
        settings.dataDirectory = FileManager.default.temporaryDirectory.path
        // A template reading a name its model lacks fails the test that renders it.
        settings.strictTemplates = true
        return settings
    }
}

struct TestDatabase {
    let location: DatabaseLocation
    let remove: @Sendable () async throws -> Void

    /// Read once: the environment is process-wide state, and tests run in parallel.
    static let postgresURL: String? = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]
    static var isPostgres: Bool { postgresURL != nil }

    /// PostgreSQL allows 100 connections: at most this many test applications hold pools at once.
    static let slots = Semaphore(count: 6)

    static func make() async throws -> TestDatabase {
        _ = TestLogging.bootstrapped
        if let url = postgresURL {
            return try await postgres(adminURL: url)
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("reachable-test-\(UUID().uuidString).sqlite").path
        return TestDatabase(location: .sqlite(path: path)) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    /// Creates `reachable_test_<random>` next to the database named by the URL, and drops it afterwards.
    private static func postgres(adminURL: String) async throws -> TestDatabase {
        guard let components = URLComponents(string: adminURL), let host = components.host,
              ["127.0.0.1", "localhost", "::1"].contains(host) else {
            // Tests drop databases: never point them anywhere but this machine.
            throw TestDatabaseError.notLocal(adminURL.split(separator: "@").last.map(String.init) ?? "")
        }
        let name = "reachable_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await runAdminSQL(adminURL, "CREATE DATABASE \(name)")
        var own = components
        own.path = "/" + name
        return TestDatabase(location: .postgres(url: own.string!)) {
            try await runAdminSQL(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// Creating and dropping databases can meet a passing "too many clients" while other tests close their
    /// pools: try a few times before failing.
    private static func runAdminSQL(_ url: String, _ statement: String) async throws {
        for attempt in 1...3 {
            do {
                return try await runAdminSQLOnce(url, statement)
            } catch where attempt < 3 {
                try await Task.sleep(for: .milliseconds(500 * attempt))
            }
        }
    }

    private static func runAdminSQLOnce(_ url: String, _ statement: String) async throws {
        let admin = try await Application.make(.testing)
        do {
            admin.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .psql)
            try await (admin.db as! any SQLDatabase).raw(SQLQueryString(statement)).run()
        } catch {
            try? await admin.asyncShutdown()
            throw error
        }
        try await admin.asyncShutdown()
    }
}

enum TestDatabaseError: Error, CustomStringConvertible {
    case notLocal(String)

    var description: String {
        switch self {
        case .notLocal(let where_): "TEST_DATABASE_URL must name a PostgreSQL server on 127.0.0.1, not \(where_.debugDescription)"
        }
    }
}

/// A counting semaphore for async code.
actor Semaphore {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { available = count }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}

/// Warnings and errors only: a passing run should not print every migration of every test's database. Every
/// database query is also counted by the request it served (`QueryCounter`), so tests can prove a page's query
/// count does not grow with its data.
enum TestLogging {
    static let printed = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning

    static let bootstrapped: Bool = {
        LoggingSystem.bootstrap { label in
            MultiplexLogHandler([QueryCountingLogHandler(), PrintingLogHandler(label: label, threshold: printed)])
        }
        return true
    }()
}

/// Prints at its threshold whatever level the logger is set to (a test may turn a logger up to trace to count
/// queries without printing them).
struct PrintingLogHandler: LogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata {
        get { stream.metadata }
        set { stream.metadata = newValue }
    }
    private var stream: StreamLogHandler
    private let threshold: Logger.Level

    init(label: String, threshold: Logger.Level) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = .trace
        self.threshold = threshold
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { stream[metadataKey: key] }
        set { stream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level >= threshold else { return }
        stream.log(event: event)
    }
}

/// Counts the SQL statements each request ran, by its request id (the drivers log every statement, Fluent's and
/// raw ones alike, at trace level).
struct QueryCountingLogHandler: LogHandler {
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // The drivers (SQLiteKit, PostgresKit) log each statement with its text under "sql".
        guard event.metadata?["sql"] != nil || metadata["sql"] != nil,
              case let .string(id)? = event.metadata?["request-id"] ?? metadata["request-id"] else { return }
        QueryCounter.counts.withLockedValue { $0[id, default: 0] += 1 }
    }
}

enum QueryCounter {
    static let counts = NIOLockedValueBox<[String: Int]>([:])

    static func count(for requestID: String) -> Int { counts.withLockedValue { $0[requestID] ?? 0 } }
}
