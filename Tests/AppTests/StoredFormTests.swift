@testable import App
import Domain
import Fluent
import SQLKit
import Testing
import VaporTesting

/// How keys and import fingerprints sit in the database: both were changed for the import's speed at national
/// scale (docs/performance.md, "Session 11"), and a database made before is converted by a migration.
@Suite("Stored forms")
struct StoredFormTests {
    private struct Stored: Decodable, Equatable { let kind: String; let size: Int }

    private static func keyForms(_ app: Application, _ table: String, _ column: String) async throws -> [Stored] {
        try await (app.db as! any SQLDatabase).raw("""
            SELECT DISTINCT typeof(\(ident: column)) AS kind, length(CAST(\(ident: column) AS BLOB)) AS size
            FROM \(ident: table) WHERE \(ident: column) IS NOT NULL
            """).all(decoding: Stored.self)
    }

    @Test("On SQLite a key is stored as its 16 bytes, whether Fluent or the import's bulk inserts wrote it")
    func keysAsBytes() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let bytes = [Stored(kind: "blob", size: 16)]
            #expect(try await Self.keyForms(app, Referral.schema, "id") == bytes, "bulk insert")
            #expect(try await Self.keyForms(app, Referral.schema, "person_id") == bytes)
            #expect(try await Self.keyForms(app, SupportCase.schema, "referral_id") == bytes)
            #expect(try await Self.keyForms(app, AuditEvent.schema, "id") == bytes, "written by Fluent")
            #expect(try await Self.keyForms(app, Region.schema, "id") == bytes, "written by a migration")
            let referral = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R03").with(\.$person).first())
            #expect(referral.person.firstName == "Tyler", "a key read back finds its row")
        }
    }

    @Test("A SQLite database whose keys are text is converted: the same reports, an intact audit log, no broken link")
    func textKeysConverted() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let year = FinancialYear("2023-24")!
            let before = try AnnualReportJSON.encode(try await AnnualReportQuery.run(region: "all", year: year, on: app.db))

            // A database as it was before: every key as 36 characters of text.
            try await StoreSQLiteKeysAsBytes().revert(on: app.db)
            #expect(try await Self.keyForms(app, Referral.schema, "person_id") == [Stored(kind: "text", size: 36)])
            #expect(try await Self.keyForms(app, AuditEvent.schema, "id") == [Stored(kind: "text", size: 36)])

            try await StoreSQLiteKeysAsBytes().prepare(on: app.db)
            for (table, column) in [(Referral.schema, "id"), (Referral.schema, "person_id"), (Person.schema, "id"),
                                    (SupportCase.schema, "referral_id"), (OutcomeMeasure.schema, "case_id"), (AuditEvent.schema, "id")] {
                #expect(try await Self.keyForms(app, table, column) == [Stored(kind: "blob", size: 16)], "\(table).\(column)")
            }
            let after = try AnnualReportJSON.encode(try await AnnualReportQuery.run(region: "all", year: year, on: app.db))
            #expect(before == after)
            #expect(try await Audit.firstBrokenEntry(on: app.db) == nil, "the chain is over each key's text, unchanged")
            let orphans = try await (app.db as! any SQLDatabase).raw("PRAGMA foreign_key_check").all()
            #expect(orphans.isEmpty)

            try await StoreSQLiteKeysAsBytes().prepare(on: app.db)
            #expect(try await Self.keyForms(app, Referral.schema, "id") == [Stored(kind: "blob", size: 16)], "a second run changes nothing")
        }
    }

    @Test("An imported referral keeps a digest of its row, not the row with the young person's name in it")
    func fingerprintIsADigest() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let stored = try await Referral.query(on: app.db).all().compactMap(\.importFingerprint)
            #expect(stored.count == 12)
            #expect(stored.allSatisfy { $0.utf8.count == ImportFingerprint.storedLength })
            #expect(!stored.contains { $0.contains("Tyler") || $0.contains("1998-06-15") })
            #expect(Set(stored).count == 12)
        }
    }

    @Test("Fingerprints stored in clear become their digests, batch by batch; digests are left alone")
    func clearFingerprintsHashed() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let clear = "R03\u{1F}2023-06-15\u{1F}west-midlands\u{1F}support\u{1F}police\u{1F}\u{1F}Tyler\u{1F}Brown"
            try await Referral.query(on: app.db).filter(\.$ref ~~ ["R03", "R11"]).set(\.$importFingerprint, to: clear).update()
            let untouched = try await Referral.query(on: app.db).filter(\.$ref !~ ["R03", "R11"]).sort(\.$ref).all().map(\.importFingerprint)

            try await HashImportFingerprints(batchSize: 5).prepare(on: app.db)
            for ref in ["R03", "R11"] {
                let referral = try #require(try await Referral.query(on: app.db).filter(\.$ref == ref).first())
                #expect(referral.importFingerprint == ImportFingerprint.digest(of: clear), "\(ref)")
            }
            #expect(try await Referral.query(on: app.db).filter(\.$ref !~ ["R03", "R11"]).sort(\.$ref).all().map(\.importFingerprint) == untouched)
        }
    }
}
