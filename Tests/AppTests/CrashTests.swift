@testable import App
import Domain
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
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(1500))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: TestSettings.make(database: .sqlite(path: path)))
            let sql = app.db as! any SQLDatabase
            let check = try await sql.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
            #expect(check == "ok")
            let count = try await Referral.query(on: app.db).count()
            #expect(count == 0 || count == rows, "found \(count) of \(rows)")
            // Seen here: the kill lands before the transaction commits, and nothing of the file is in the database.
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil)
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("SIGTERM stops the server cleanly")
    func gracefulStop() async throws {
        let database = CommandLineTests.temporarySQLite()
        #expect(try CommandLineTests.run(["migrate"], database: database).status == 0)
        let process = Process()
        process.executableURL = CommandLineTests.binary
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(Int.random(in: 40_001...50_000))]
        process.environment = ["DATABASE_URL": database, "REACHABLE_DATA_KEY": TestSettings.dataKey, "REACHABLE_AUDIT_KEY": TestSettings.auditKey, "LOG_LEVEL": "error"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .seconds(2))
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning, "stopped within 10 seconds")
        #expect(process.terminationStatus == 0)
    }
}
