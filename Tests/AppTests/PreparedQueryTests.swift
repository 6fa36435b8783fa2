@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Statements kept prepared on PostgreSQL (`SQLDatabase.prepared`) answer as the same statement run afresh, on
/// every connection of the pool and with any values, and keep working when the table grows a column.
@Suite("Prepared statements")
struct PreparedQueryTests {
    @Test("A prepared statement answers as the plain one, with values of every kind and none, again and again")
    func sameAnswers() async throws {
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            let regions = try await Region.query(on: app.db).sort(\.$code).all()
            #expect(regions.count >= 2)
            for region in regions + regions + regions { // more times than the pool has connections
                let id = try region.requireID()
                let query: SQLQueryString = """
                    SELECT code, name FROM regions WHERE id = \(bind: id) AND code <> \(bind: "")
                      AND \(bind: 1) = \(bind: 1) AND \(bind: true) AND (\(bind: Optional<UUID>.none) IS NULL)
                    """
                struct Row: Decodable, Equatable { let code: String; let name: String }
                let plain = try await sql.raw(query).all(decoding: Row.self)
                let prepared = try await sql.prepared(query).all(decoding: Row.self)
                #expect(prepared == plain)
                #expect(prepared == [Row(code: region.code, name: region.name)])
            }
            // Nothing found is nothing, not an error.
            let nobody = try await sql.prepared("SELECT code FROM regions WHERE id = \(bind: UUID())").first()
            #expect(nobody == nil)
        }
    }

    /// The reports' grouped passes over a year cost more than PostgreSQL's threshold for compiling a statement, and
    /// compiling took longer than it saved: every connection of the pool is opened with it off.
    @Test("On PostgreSQL every pooled connection runs without just-in-time compilation")
    func noJustInTimeCompilation() async throws {
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "postgresql" else { return }
            for _ in 0..<12 { // more times than the pool has connections
                let row = try #require(try await sql.raw("SHOW jit").first())
                #expect(try row.decode(column: "jit", as: String.self) == "off")
            }
        }
    }

    /// An instance keeps its statements prepared while a newer one migrates the database beside it: a statement
    /// that selected `*` would then fail ("cached plan must not change result type") until its connection closed.
    @Test("A table that gains a column does not break the statements already prepared on it")
    func survivesAColumnAdded() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)
            let sql = app.db as! any SQLDatabase
            for table in [Attachment.schema, Goal.schema, WheelAssessment.schema, CaseRegisterEntry.schema, SupportCase.schema,
                          PartnerReferral.schema] {
                try await sql.raw("ALTER TABLE \(unsafeRaw: table) ADD COLUMN added_by_a_newer_version TEXT").run()
            }
            for _ in 0..<4 { // every connection that served the page before
                let page = try await browser.get(SiteURL.supportCase(caseID).path)
                #expect(page.status == .ok)
                #expect(page.body.string.contains("Record a contact"))
            }
        }
    }
}
