@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The `reachable` process killed with SIGKILL, and stopped with SIGTERM, on SQLite.
@Suite("Crash safety on SQLite")
struct CrashTests {
    static func bigFile(rows: Int) -> String {
        var lines = ["referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,gender,home_local_authority,exploitation_types"]
        for index in 0..<rows {
            lines.append("K\(index),2023-06-01,west-midlands,support,police,Name\(index),Surname\(index % 997),2008-01-\(String(format: "%02d", index % 28 + 1)),male,birmingham,county_lines")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("kill -9 during a large import leaves an intact database with the import wholly absent or wholly present")
    func killDuringImport() async throws {
        guard !TestDatabase.isPostgres else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("big.csv")
        let rows = 20_000
        try Self.bigFile(rows: rows).write(to: csv, atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("crash.sqlite").path
        // Migrate first, so the kill lands in the import itself.
        #expect(try CommandLineTests.run(["migrate"], database: "sqlite:" + path).status == 0)

        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["import", "referrals", csv.path]
        process.environment = ["DATABASE_URL": "sqlite:" + path, "REACHABLE_DATA_KEY": TestSettings.dataKey, "REACHABLE_AUDIT_KEY": TestSettings.auditKey, "LOG_LEVEL": "error"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Kill once the import has handed several parts to its writer (it says so), well before the file's end.
        var said = ""
        let deadline = Date().addingTimeInterval(60)
        while !said.contains("5750 rows read and checked") && Date() < deadline && process.isRunning {
            said += String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(said.contains("5750 rows read and checked"), "\(said)")
        #expect(process.isRunning, "still importing when killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "killed, not finished")

        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: TestSettings.make(database: .sqlite(path: path)))
            let sql = app.db as! any SQLDatabase
            let check = try await sql.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
            #expect(check == "ok")
            let count = try await Referral.query(on: app.db).count()
            // Killed while writing, before the import's one transaction committed: nothing of the file is there.
            #expect(count == 0, "found \(count) of \(rows)")
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil)
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Whether something listens on the port of 127.0.0.1.
    static func accepts(port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    @Test("SIGTERM stops the server cleanly")
    func gracefulStop() async throws {
        let database = CommandLineTests.temporarySQLite()
        #expect(try CommandLineTests.run(["migrate"], database: database).status == 0)
        let process = Process()
        process.executableURL = CommandLineTests.binary
        let port = Int.random(in: 40_001...50_000)
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
        process.environment = ["DATABASE_URL": database, "REACHABLE_DATA_KEY": TestSettings.dataKey, "REACHABLE_AUDIT_KEY": TestSettings.auditKey, "LOG_LEVEL": "error"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Stopped once it serves (a loaded machine may take longer than a fixed wait to start).
        let started = Date().addingTimeInterval(30)
        var serving = false
        while !serving && Date() < started && process.isRunning {
            serving = Self.accepts(port: port)
            if !serving { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(serving, "the server started")
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning, "stopped within 10 seconds")
        #expect(process.terminationStatus == 0)
    }
}

@Suite("A migration killed part-way")
struct MigrationCrashTests {
    @Test("kill -9 inside a migration's transaction, after its work: the next migrate runs it whole and succeeds")
    func killDuringMigration() async throws {
        guard !TestDatabase.isPostgres else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("migration-crash-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["migrate"]
        process.environment = ["DATABASE_URL": "sqlite:" + path, "REACHABLE_DATA_KEY": TestSettings.dataKey,
                               "REACHABLE_AUDIT_KEY": TestSettings.auditKey, "LOG_LEVEL": "error",
                               // CreateCasework makes a dozen tables and their indexes.
                               "REACHABLE_PAUSE_IN_MIGRATION": "CreateCasework"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Wait until the runner says the migration's work is done and not yet committed.
        var said = ""
        let deadline = Date().addingTimeInterval(60)
        while !said.contains("paused in migration CreateCasework") && Date() < deadline && process.isRunning {
            said += String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(said.contains("paused in migration CreateCasework"), "the kill comes mid-migration")
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "killed, not finished")

        let again = try CommandLineTests.run(["migrate"], database: "sqlite:" + path)
        #expect(again.status == 0, "\(again.errors)")
        #expect(try CommandLineTests.run(["migrate"], database: "sqlite:" + path).errors.contains("up to date"))
        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: TestSettings.make(database: .sqlite(path: path)))
            #expect(try await MigrationLog.query(on: app.db).filter(\.$name == "CreateCasework").count() == 1)
            #expect(try await Person.query(on: app.db).count() == 0, "the tables exist")
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await app.asyncShutdown()
    }
}
