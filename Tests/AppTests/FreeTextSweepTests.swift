@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// A unique, hostile marker written through the pages and the API into every free-text field about a young person
/// that is narrative (names, organisations and places are kept in clear for matching and lists): each is
/// escaped where it is shown, never stored in clear (every text column of every table is searched, on SQLite and
/// on PostgreSQL alike), present in the subject-access export, and gone once retention has anonymised the young
/// person.
@Suite("Free text: escaped, sealed, exported, removed")
struct FreeTextSweepTests {
    /// Every text value of every table, as the database holds it (a dump, read through SQL).
    static func everyStoredText(_ db: any Database) async throws -> [String] {
        let sql = db as! any SQLDatabase
        struct Column: Decodable { let table_name: String; let column_name: String }
        let columns: [Column]
        if sql.dialect.name == "postgresql" {
            columns = try await sql.raw("""
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')
                """).all(decoding: Column.self)
        } else {
            columns = try await sql.raw("""
                SELECT m.name AS table_name, c.name AS column_name FROM sqlite_master m JOIN pragma_table_info(m.name) c
                WHERE m.type = 'table' AND upper(c.type) IN ('TEXT', '')
                """).all(decoding: Column.self)
        }
        var texts: [String] = []
        for column in columns {
            struct Value: Decodable { let value: String? }
            let rows = try await sql.raw("SELECT CAST(\(ident: column.column_name) AS TEXT) AS value FROM \(ident: column.table_name)")
                .all(decoding: Value.self)
            texts += rows.compactMap(\.value)
        }
        return texts
    }

    @Test("Every free-text field about a young person")
    func sweep() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            func marker(_ field: String) -> String { "<i>FTX-\(field)</i>" }
            let fields = ["concerns", "referrerContact", "contactDetails", "decline", "contact", "risk", "goal", "register",
                          "safeContact", "shareWhat", "shareWhy", "requester", "closure", "apiContact", "caller", "foundPlace", "shareAgency"]
            // The referral and its case.
            let saved = try await ReferralTests.record(browser, ReferralTests.form(extra: [
                "concerns": marker("concerns"), "referrerContact": marker("referrerContact"), "contactDetails": marker("contactDetails")]))
            let referralPath = try #require(saved.location).components(separatedBy: "?")[0]
            let referral = try #require(try await Referral.query(on: app.db).first())
            try await browser.get(referralPath)
            let accepted = try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": manager.id.uuidString])
            let caseLocation = try #require(accepted.location)
            let caseID = try #require(UUID(uuidString: String(caseLocation.split(separator: "/")[1].prefix(36))))
            let personID = referral.$person.id
            // A second referral of the same young person, declined with a reason.
            let second = try await ReferralTests.record(browser, ReferralTests.form(received: "2024-01-11"))
            let secondPath = try #require(second.location).components(separatedBy: "?")[0]
            let secondID = try #require(UUID(uuidString: String(secondPath.split(separator: "/")[1].prefix(36))))
            try await browser.get(secondPath)
            try await browser.post(SiteURL.referralDecline(secondID).path, ["reason": marker("decline")])

            // A rescue of the same young person: who called and where they were found.
            try await browser.get(SiteURL.rescueNew.path)
            let rescued = try await browser.post(SiteURL.rescueNew.path, RescueTests.form(dispatched: manager.id).merging([
                "caller": marker("caller"), "foundPlace": marker("foundPlace"), "firstName": "Zoë", "lastName": "O'Neill",
                "dateOfBirth": "2008-03-04"]) { $1 })
            let rescuePath = try #require(rescued.location)

            let casePath = SiteURL.supportCase(caseID).path
            try await browser.get(casePath)
            try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact(marker("contact"), sensitive: false))
            try await browser.post(SiteURL.caseRisk(caseID).path, ["rating": "amber", "reason": marker("risk")])
            let area = try #require(try await Pathway.areas(on: app.db).first).code
            try await browser.post(SiteURL.caseGoals(caseID).path, ["area": area, "description": marker("goal")])
            try await browser.post(SiteURL.caseRegisters(caseID).path, ["kind": "missing_episode",
                                                                        "missing_episode.occurred_on": "2024-01-11",
                                                                        "missing_episode.where_found": marker("register")])
            try await browser.post(SiteURL.personSafeContact(personID).path, ["safeContact": marker("safeContact"), "caseID": caseID.uuidString])
            try await browser.get(SiteURL.person(personID).path)
            try await browser.post(SiteURL.personInformationSharing(personID).path, [
                "sharedOn": "2024-01-12", "agency": marker("shareAgency"), "what": marker("shareWhat"), "why": marker("shareWhy"),
                "lawfulBasis": "safeguarding"])
            let opened = try await browser.post(SiteURL.personSubjectAccess(personID).path,
                                                ["receivedOn": "2024-01-31", "requester": marker("requester")])
            let documentPath = try #require(opened.location)
            // Through the API too: a contact's notes on the case, and a referral's concerns and referrer contact.
            let token = try await APITestSupport.token(app, for: manager)
            let apiContact = try await APITestSupport.send(app, .POST, SiteURL.apiCaseContacts(caseID).path, token: token, json: APITestSupport.json([
                "happenedAt": "2024-01-20T10:00:00Z", "kind": "phone", "durationMinutes": 10, "present": ["young_person"],
                "notes": marker("apiContact")]))
            #expect(apiContact.status == .created)
            var apiReferral = APITestSupport.referral()
            apiReferral["concerns"] = marker("apiConcerns")
            apiReferral["referrerContact"] = marker("apiReferrerContact")
            let apiCreated = try await APITestSupport.send(app, .POST, "/api/v1/referrals", token: token, json: APITestSupport.json(apiReferral))
            #expect(apiCreated.status == .created)
            try await browser.get(casePath)
            try await browser.post(SiteURL.caseClose(caseID).path, ["reason": "moved_away", "note": marker("closure")])

            // Escaped wherever shown: the markup arrives as text, never as markup.
            let pages = [try await browser.get(referralPath).body.string, try await browser.get(casePath).body.string,
                         try await browser.get(SiteURL.person(personID).path).body.string,
                         try await browser.get(secondPath).body.string, try await browser.get(rescuePath).body.string,
                         try await browser.get(SiteURL.informationSharing.path).body.string,
                         try await browser.get(documentPath).body.string].joined()
            for field in fields {
                #expect(pages.contains("&lt;i&gt;FTX-\(field)&lt;/i&gt;"), "\(field) shown, escaped")
                #expect(!pages.contains(marker(field)), "\(field) never as markup")
            }
            // Sealed: no text column of any table holds a marker, whichever door it came in by.
            let stored = try await Self.everyStoredText(app.db)
            for field in ["apiConcerns", "apiReferrerContact"] {
                #expect(!stored.contains { $0.contains("FTX-\(field)") }, "\(field) stored in clear")
            }
            #expect(stored.contains { $0.contains("West Midlands Police") }, "the search reads the tables (an organisation is kept in clear)")
            for field in fields { #expect(!stored.contains { $0.contains("FTX-\(field)") }, "\(field) stored in clear") }
            // Everything held: in the subject-access export.
            let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
            let json = try await browser.get(SiteURL.subjectAccessJSON(request.id).path).body.string
            for field in fields where field != "requester" { #expect(json.contains("FTX-\(field)"), "\(field) exported") }

            // Retention: once anonymised, no sealed value about them opens to a marker.
            try await app.writes.transaction(on: app.db) { db in
                try await Retention.anonymise(personID, actor: AuditEntry(action: .personAnonymised, actor: "test"),
                                              now: app.clock.now(), on: db)
            }
            let sql = app.db as! any SQLDatabase
            var opened_: [String] = []
            for (table, column) in SealedColumns.all {
                struct Value: Decodable { let value: String? }
                for row in try await sql.raw("SELECT \(ident: column) AS value FROM \(ident: table)").all(decoding: Value.self) {
                    guard let value = row.value, !value.isEmpty else { continue }
                    opened_.append((try? app.cipher.open(value)) ?? "")
                }
            }
            for field in fields {
                #expect(!opened_.contains { $0.contains("FTX-\(field)") }, "\(field) still held after retention")
            }
            #expect(try await browser.get(SiteURL.informationSharing.path).status == .ok, "the log still reads once emptied")
        }
    }
}
