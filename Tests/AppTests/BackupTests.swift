@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Backup and restore")
struct BackupTests {
    @Test("A backup restored into an empty database gives the same annual report and a valid audit chain")
    func roundTrip() async throws {
        let source = try await TestDatabase.make()
        let target = try await TestDatabase.make()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)").path
        let first = try await Application.make(.testing)
        let second = try await Application.make(.testing)
        do {
            try await configure(first, settings: TestSettings.make(database: source.location))
            try await ImportAndReportTests.importFixture(first)
            _ = try await Fixtures.account(first, role: .manager, region: "london")
            let before = try AnnualReportJSON.encode(try await AnnualReportQuery.run(region: "all", year: FinancialYear("2023-24")!, on: first.db))
            let entries = try await AuditEvent.query(on: first.db).count()
            try await Backups.backup(app: first, to: file)

            try await configure(second, settings: TestSettings.make(database: target.location))
            try await Backups.restore(app: second, from: file)
            let after = try AnnualReportJSON.encode(try await AnnualReportQuery.run(region: "all", year: FinancialYear("2023-24")!, on: second.db))
            #expect(before == after)
            #expect(try await AuditEvent.query(on: second.db).count() == entries)
            #expect(try await Audit.firstBrokenEntry(on: second.db) == nil)
            #expect(try await User.query(on: second.db).count() == 1)
            await #expect(throws: Backups.Failure.self, "a database with data is not overwritten") {
                try await Backups.restore(app: second, from: file)
            }
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await first.asyncShutdown()
        try await second.asyncShutdown()
        try await source.remove()
        try await target.remove()
        try? FileManager.default.removeItem(atPath: file)
    }

    @Test("/ready answers when the database is reachable and migrated")
    func ready() async throws {
        try await withApp { app in
            let response = try await Browser(app).get(SiteURL.ready.path)
            #expect(response.status == .ok)
        }
    }
}
