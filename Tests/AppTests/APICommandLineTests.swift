@testable import App
import Domain
import Foundation
import Testing
import VaporTesting

@Suite("JSON API and the command line")
struct APICommandLineTests {
    @Test("reachable tokens create prints a token that works; the API's annual report equals the command line's JSON")
    func tokensAndReport() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("api-cli-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = "sqlite:" + path
        #expect(try CommandLineTests.run(["demo", "--seed", "5"], database: database).status == 0)
        let year = FinancialYear.containing(CivilDate.today()).previous.description
        let report = try CommandLineTests.run(["report", "annual", "--region", "all", "--year", year], database: database)
        #expect(report.status == 0)
        let bad = try CommandLineTests.run(["tokens", "create", "--email", "national.lead@demo.reachable.example",
                                            "--name", "Funder", "--expires-in-days", "400"], database: database)
        #expect(bad.status != 0 && bad.errors.contains("--expires-in-days"))
        let created = try CommandLineTests.run(["tokens", "create", "--email", "national.lead@demo.reachable.example",
                                                "--name", "Funder", "--expires-in-days", "30", "--read-only"], database: database)
        #expect(created.status == 0, "\(created.errors)")
        let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("rch_") && token.count >= 40)

        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: TestSettings.make(database: .sqlite(path: path)))
            let response = try await APITestSupport.send(app, .GET, SiteURL.apiAnnualReport.path + "?region=all&year=\(year)", token: token)
            #expect(response.status == .ok)
            #expect(response.body.string == report.output)
            #expect(try await APITestSupport.send(app, .POST, SiteURL.apiReferrals.path, token: token, json: "{}").status == .forbidden)
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await app.asyncShutdown()
    }
}
