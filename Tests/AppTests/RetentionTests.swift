@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Retention")
struct RetentionTests {
    @Test("Anonymising those past retention leaves every annual report figure as it was; a legal hold and an open case protect")
    func reportsUnchanged() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let years = ["2022-23", "2023-24", "2024-25"].map { FinancialYear($0)! }
            var before: [String] = []
            for year in years {
                for region in ["all", "west-midlands", "london"] {
                    before.append(try AnnualReportJSON.encode(try await AnnualReportQuery.run(region: region, year: year, on: app.db)))
                }
            }
            let omar = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R10").first()).$person.id
            try await Person.query(on: app.db).filter(\.$id == omar).set(\.$legalHold, to: true).update()

            // Six years after the last activity in the fixture (2024-04-01), everyone is due but Leon (open case) and Omar.
            let later = CivilDate("2030-06-01")!
            let due = try await Retention.due(years: 6, today: later, on: app.db)
            #expect(due.count == 8, "10 people, less Leon's open case and Omar's legal hold")
            #expect(try await Retention.due(years: 6, today: CivilDate("2029-06-01")!, on: app.db).count < due.count)
            for item in due {
                try await app.writes.transaction(on: app.db) { db in
                    try await Retention.anonymise(item.personID, actor: AuditEntry(action: .personAnonymised, actor: "test"), now: app.clock.now(), on: db)
                }
            }
            var after: [String] = []
            for year in years {
                for region in ["all", "west-midlands", "london"] {
                    after.append(try AnnualReportJSON.encode(try await AnnualReportQuery.run(region: region, year: year, on: app.db)))
                }
            }
            #expect(before == after)
            let names = try await Referral.query(on: app.db).all().map(\.firstName)
            #expect(!names.contains("Zoë") && !names.contains("Tyler"))
            #expect(names.contains("Omar") && names.contains("Leon"))
            #expect(try await PersonAlias.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "person.anonymised").count() == 8)
            #expect(try await Retention.due(years: 6, today: later, on: app.db).isEmpty, "nobody twice")
        }
    }

    @Test("The same file imported again after anonymising leaves the anonymised referrals anonymous")
    func reimportAfterAnonymising() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let tyler = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R03").first()).$person.id
            let digest = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R03").first()).importFingerprint
            try await app.writes.transaction(on: app.db) { db in
                try await Retention.anonymise(tyler, actor: AuditEntry(action: .personAnonymised, actor: "test"), now: app.clock.now(), on: db)
            }
            let anonymised = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R03").first())
            #expect(anonymised.importFingerprint == digest, "a digest names nobody, so it stays to recognise the row")

            let again = try await ReferralImport.run(text: AnnualReportFixture.referrals, actor: ImportAndReportTests.actor,
                                                     now: app.clock.now(), db: app.db, writes: app.writes)
            #expect(again.unchanged == 12 && again.updated == 0)
            let names = try await Referral.query(on: app.db).all().map(\.firstName)
            #expect(!names.contains("Tyler"))
            #expect(try await Person.find(tyler, on: app.db)?.firstName != "Tyler")
        }
    }

    @Test("A manager places and lifts a legal hold, audited")
    func legalHold() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let person = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R01").first()).$person.id
            try await browser.get(SiteURL.person(person).path)
            try await browser.post(SiteURL.personLegalHold(person).path, ["hold": "on"])
            #expect(try await Person.find(person, on: app.db)?.legalHold == true)
            #expect(try await browser.get(SiteURL.person(person).path).body.string.contains("retention will not anonymise"))
            try await browser.post(SiteURL.personLegalHold(person).path, ["hold": "off"])
            #expect(try await Person.find(person, on: app.db)?.legalHold == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["person.legal_hold_set", "person.legal_hold_lifted"]).count() == 2)
        }
    }

    @Test("The cut-off is the same day so many years back, 29 February falling back to the 28th")
    func cutoff() {
        #expect(Retention.cutoff(years: 6, today: CivilDate("2030-06-01")!) == CivilDate("2024-06-01"))
        #expect(Retention.cutoff(years: 1, today: CivilDate("2024-02-29")!) == CivilDate("2023-02-28"))
    }
}
