@testable import App
import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Encryption at rest and key rotation")
struct EncryptionTests {
    @Test("The database file holds none of a referral's narrative text")
    func dump() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let secret = "Seen with two older men by the bandstand at Cannon Hill Park"
            let saved = try await ReferralTests.record(browser, ReferralTests.form(extra: [
                "concerns": secret, "referrerContact": "PC Amrit Sandhu 07700 900123", "contactDetails": "14 Alder Road, Moseley"]))
            #expect(saved.location != nil)
            guard case let .sqlite(path) = try app.settings.database else { return }
            // Force everything out of the write-ahead log into the main file, then read both.
            _ = try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes += (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("O'Neill"), "names are stored in clear, for matching")
            #expect(!text.contains("Cannon Hill"))
            #expect(!text.contains("07700 900123"))
            #expect(!text.contains("Alder Road"))
        }
    }

    @Test("Text once stored in clear is sealed by the migrations: a decline reason, a rescue's caller and its copy, a share's agency")
    func sealingMigrations() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.rescueNew.path)
            #expect(try await browser.post(SiteURL.rescueNew.path, RescueTests.form(dispatched: worker.id)).location != nil)
            let rescue = try #require(try await Rescue.query(on: app.db).first())
            let referralID = rescue.$referral.id
            // As an older version wrote them: the caller in clear, copied into the referrer organisation.
            let sql = app.db as! any SQLDatabase
            try await sql.update(Rescue.schema).set("caller", to: "Mum, 07700 900456").run()
            try await sql.update(Referral.schema).set("referrer_organisation", to: "Mum, 07700 900456")
                .set("not_accepted_reason", to: "Lives outside the area, with her aunt").where("id", .equal, referralID).run()

            // An information share recorded with its agency in clear.
            let rescued = try #require(try await Referral.find(referralID, on: app.db))
            let share = InformationShare()
            share.$person.id = rescued.$person.id
            share.$region.id = rescued.$region.id
            share.sharedOn = "2024-01-14"
            share.agency = "Held at 12 Acacia Road"
            share.what = try app.cipher.seal("w")
            share.why = try app.cipher.seal("y")
            share.lawfulBasis = "safeguarding"
            share.consentSought = false
            share.recordedByID = worker.id
            try await share.create(on: app.db)

            try await SealRescueCaller(cipher: app.cipher).prepare(on: app.db)
            try await SealInformationShareAgency(cipher: app.cipher).prepare(on: app.db)
            try await SealFreeTextInClear(cipher: app.cipher).prepare(on: app.db)
            try await SealRescueCaller(cipher: app.cipher).prepare(on: app.db)  // a second run changes nothing

            let stored = try await FreeTextSweepTests.everyStoredText(app.db)
            #expect(!stored.contains { $0.contains("07700 900456") || $0.contains("with her aunt") || $0.contains("Acacia Road") })
            #expect(try app.cipher.open(try #require(try await InformationShare.find(share.id, on: app.db)).agency) == "Held at 12 Acacia Road")
            let sealed = try #require(try await Rescue.find(rescue.id, on: app.db))
            #expect(try sealed.caller.map(app.cipher.open) == "Mum, 07700 900456", "sealed once, still readable")
            let referral = try #require(try await Referral.find(referralID, on: app.db))
            #expect(referral.referrerOrganisation == nil, "the copy of the caller is gone")
            #expect(try referral.notAcceptedReason.map(app.cipher.open) == "Lives outside the area, with her aunt")
        }
    }

    @Test("A server given a data key that does not open the database's sealed fields refuses to start, naming the setting")
    func wrongKeyRefused() async throws {
        let database = try await TestDatabase.make()
        let first = try await Application.make(.testing)
        try await configure(first, settings: TestSettings.make(database: database.location))
        _ = try await Fixtures.account(first, role: .caseworker, region: "london")
        try await first.asyncShutdown()

        let wrong = try await Application.make(.testing)
        var settings = try TestSettings.make(database: database.location)
        settings.dataKey = Data(repeating: 8, count: 32).base64EncodedString()
        do {
            try await configure(wrong, settings: settings)
            Issue.record("started with a key that opens nothing")
        } catch {
            #expect(String(describing: error).contains("REACHABLE_DATA_KEY"), "\(error)")
            #expect(String(describing: error).contains("REACHABLE_OLD_DATA_KEYS"))
        }
        try await wrong.asyncShutdown()

        // With the old key beside it, it starts (and a rotation can re-seal).
        let rotating = try await Application.make(.testing)
        settings.oldDataKeys = [TestSettings.dataKey]
        try await configure(rotating, settings: settings)
        try await rotating.asyncShutdown()
        try await database.remove()
    }

    @Test("keys rotate re-seals everything under the new key; afterwards the old key is not needed")
    func rotation() async throws {
        let database = try await TestDatabase.make()
        let oldKey = TestSettings.dataKey
        let newKey = Data(repeating: 9, count: 32).base64EncodedString()
        var account: Account?

        let first = try await Application.make(.testing)
        try await configure(first, settings: TestSettings.make(database: database.location))
        account = try await Fixtures.account(first, role: .caseworker, region: "london")
        try await first.asyncShutdown()

        let rotating = try await Application.make(.testing)
        var settings = try TestSettings.make(database: database.location)
        settings.dataKey = newKey
        settings.oldDataKeys = [oldKey]
        try await configure(rotating, settings: settings)
        let count = try await SealedColumns.rotate(app: rotating)
        #expect(count == 1)
        let sealed = try #require(try await User.find(account!.id, on: rotating.db)?.totpSecret)
        #expect(try sealed.hasPrefix("v1.\(rotating.cipher.currentKeyID)."))
        #expect(try await SealedColumns.rotate(app: rotating) == 0, "nothing left to do")
        try await rotating.asyncShutdown()

        let after = try await Application.make(.testing)
        settings.oldDataKeys = []
        try await configure(after, settings: settings)
        let browser = Browser(after)
        try await browser.signIn(account!)
        #expect(try await browser.get(SiteURL.home.path).status == .ok)
        try await after.asyncShutdown()
        try await database.remove()
    }
}
