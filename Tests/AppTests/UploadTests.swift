@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Managers' upload page")
struct UploadTests {
    @Test("A manager imports a file for their region; another region's rows are refused whole, each named")
    func upload() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await browser.get(SiteURL.imports.path)
            let refused = try await browser.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file",
                                                   filename: "mixed.csv", content: AnnualReportFixture.referrals)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("line 12: region: you can import rows for west-midlands only"))
            #expect(try await Referral.query(on: app.db).count() == 0)

            let ownRegion = AnnualReportFixture.outreach.split(separator: "\n").filter { !$0.contains("london") }
                .joined(separator: "\n") + "\n"
            try await browser.get(SiteURL.imports.path)
            let done = try await browser.upload(SiteURL.imports.path, ["kind": "outreach"], fileField: "file",
                                                filename: "sessions.csv", content: ownRegion)
            #expect(done.status == .ok)
            #expect(done.body.string.contains("3 created"))
            #expect(try await OutreachSession.query(on: app.db).count() == 3)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "import.outreach").first()?.region == "west-midlands")
        }
    }

    @Test("Caseworkers cannot import")
    func caseworkers() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            #expect(try await browser.get(SiteURL.imports.path).status == .forbidden)
        }
    }
}
