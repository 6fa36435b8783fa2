@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// A region is a wall for every path in (SPEC §1): each test is an insider of one region trying to read, move or
/// change what another region holds, the way the walls issue found it done.
@Suite("Regions are walls: import, matching, API")
struct RegionWallTests {
    static let header = "referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,"
        + "gender,home_local_authority,exploitation_types,case_opened_date"

    /// Greater Manchester's referral GM-1 with an open case, imported as that region's manager would.
    static func greaterManchesterCase(_ app: Application) async throws -> (referral: Referral, supportCase: SupportCase) {
        let csv = header + "\nGM-1,2024-05-01,greater-manchester,support,police,Mia,Roberts,2008-06-01,female,manchester,county_lines,2024-05-02\n"
        _ = try await ReferralImport.run(text: csv, onlyRegion: "greater-manchester", actor: AuditEntry(action: .importFile, actor: "gm"),
                                         now: app.clock.now(), db: app.db, writes: app.writes)
        let referral = try #require(try await Referral.query(on: app.db).filter(\.$ref == "GM-1").first())
        let supportCase = try #require(try await SupportCase.query(on: app.db).filter(\.$referral.$id == referral.id!).first())
        return (referral, supportCase)
    }

    static func regionID(_ app: Application, _ code: String) async throws -> UUID {
        try #require(try await Region.query(on: app.db).filter(\.$code == code).first()?.id)
    }

    @Test("A manager's upload quoting another region's referral ref is refused whole, naming the line; nothing moves")
    func uploadCannotTakeOverAnotherRegionsReferral() async throws {
        try await withApp { app in
            let (referral, supportCase) = try await Self.greaterManchesterCase(app)
            let manchester = try await Self.regionID(app, "greater-manchester")
            let manager = try await Fixtures.account(app, role: .manager, region: "london")
            let browser = Browser(app)
            try await browser.signIn(manager)
            for row in ["GM-1,2024-05-01,london,support,police,Mia,Roberts,2008-06-01,female,camden,county_lines,2024-05-02",
                        "GM-1,2024-05-01,london,support,police,Mia,Roberts,2008-06-01,female,camden,county_lines,"] {
                try await browser.get(SiteURL.imports.path)
                let refused = try await browser.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file",
                                                       filename: "takeover.csv",
                                                       content: Self.header + "\nL-1,2024-05-01,london,support,police,Sam,Hill,2008-01-01,male,camden,county_lines,\n" + row + "\n")
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("line 3: referral_ref: &quot;GM-1&quot; is another region&#39;s referral"),
                        "\(refused.body.string)")
            }
            let after = try #require(try await Referral.find(referral.id, on: app.db))
            #expect(after.$region.id == manchester)
            let caseAfter = try #require(try await SupportCase.find(supportCase.id, on: app.db))
            #expect(caseAfter.$region.id == manchester && caseAfter.isOpen)
            #expect(try await Referral.query(on: app.db).filter(\.$ref == "L-1").count() == 0, "the file is refused whole")
        }
    }

    @Test("An outreach upload quoting another region's session ref is refused; the session stays where it was")
    func outreachUploadCannotMoveAnotherRegionsSession() async throws {
        try await withApp { app in
            let header = "session_ref,date,region,audience,organisation,topic,attendees"
            _ = try await OutreachImport.run(text: header + "\nGM-S1,2024-05-01,greater-manchester,professionals,GMP,County lines,20\n",
                                             actor: AuditEntry(action: .importFile, actor: "gm"), now: app.clock.now(),
                                             db: app.db, writes: app.writes)
            let manager = try await Fixtures.account(app, role: .manager, region: "london")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await browser.get(SiteURL.imports.path)
            let refused = try await browser.upload(SiteURL.imports.path, ["kind": "outreach"], fileField: "file", filename: "s.csv",
                                                   content: header + "\nGM-S1,2024-05-01,london,professionals,Met,Taken,99\n")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("line 2: session_ref: &quot;GM-S1&quot; is another region&#39;s session"))
            let session = try #require(try await OutreachSession.query(on: app.db).filter(\.$ref == "GM-S1").first())
            #expect(session.$region.id == (try await Self.regionID(app, "greater-manchester")) && session.attendees == 20)
        }
    }

    @Test("Every import's audit entry names the records it created and changed")
    func importAuditNamesRecords() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "london")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await browser.get(SiteURL.imports.path)
            let first = Self.header + "\nL-1,2024-05-01,london,support,police,Sam,Hill,2008-01-01,male,camden,county_lines,\n"
            #expect(try await browser.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file", filename: "a.csv",
                                             content: first).status == .ok)
            try await browser.get(SiteURL.imports.path)
            let second = Self.header + "\nL-1,2024-05-01,london,support,police,Sam,Hill,2008-01-01,male,camden,county_lines,2024-05-03\n"
                + "L-2,2024-05-01,london,support,police,Ada,Hill,2008-01-02,female,camden,county_lines,\n"
            #expect(try await browser.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file", filename: "b.csv",
                                             content: second).status == .ok)
            let entries = try await AuditEvent.query(on: app.db).filter(\.$action == "import.referrals").sort(\.$seq).all()
            #expect(entries.count == 2)
            #expect(entries.first?.detail.contains("created: L-1; updated: none") == true, "\(entries.first?.detail ?? "")")
            #expect(entries.last?.detail.contains("created: L-2; updated: L-1") == true, "\(entries.last?.detail ?? "")")
        }
    }

    @Test("Knowing another region's child's name and date of birth opens nothing: a new person, no details, a notice")
    func nameAndDateOfBirthOpenNothing() async throws {
        try await withApp { app in
            let (gm, _) = try await Self.greaterManchesterCase(app)
            let gmPersonID = gm.$person.id
            try await Person.query(on: app.db).filter(\.$id == gmPersonID)
                .set(\.$contactDetails, to: try app.cipher.seal("07700 900123, placement at 4 Oak Road")).update()
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let saved = try await ReferralTests.record(browser, ReferralTests.form(
                first: "MIA", last: "roberts", born: "2008-06-01", received: "2024-06-01", home: "camden",
                extra: ["contactDetails": "London's number"]))
            let location = try #require(saved.location)
            let londonReferral = try #require(try await Referral.query(on: app.db).filter(\.$region.$id == (try await Self.regionID(app, "london"))).first())
            #expect(londonReferral.$person.id != gmPersonID, "a person of London's own")
            let gmPerson = try #require(try await Person.find(gmPersonID, on: app.db))
            #expect(try app.cipher.open(gmPerson.contactDetails ?? "") == "07700 900123, placement at 4 Oak Road", "not overwritten")
            #expect(try await browser.get(SiteURL.person(gmPersonID).path).status == .notFound)
            let page = try await browser.get(location).body.string
            #expect(page.contains("Another region holds records for this young person"))
            #expect(!page.contains("Oak Road") && !page.contains("07700"))
            #expect(try await browser.post(SiteURL.personSafeContact(gmPersonID).path, ["safeContact": "overwritten"]).status == .notFound)
        }
    }

    @Test("The API's possible duplicates are the caller's region's young people only")
    func apiDuplicatesStayInRegion() async throws {
        try await withApp { app in
            let (gm, _) = try await Self.greaterManchesterCase(app)
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let token = try await APITestSupport.token(app, for: worker)
            // A near match (day and month swapped) and the exact same name: neither is London's.
            for born in ["2008-01-06", "2008-06-01"] {
                let response = try await APITestSupport.send(app, .POST, "/api/v1/referrals", token: token, json: APITestSupport.json(
                    APITestSupport.referral(firstName: "Mia", lastName: "Roberts", dateOfBirth: born, homeLocalAuthority: "camden")))
                #expect(response.status == .created)
                let body = try APITestSupport.object(response)
                // The second finds the first (London's own, a near match), never Greater Manchester's.
                #expect((body["possibleDuplicates"] as? [Any])?.count == (born == "2008-01-06" ? 0 : 1), "\(response.body.string)")
                #expect(!response.body.string.contains(gm.$person.id.uuidString))
                #expect(body["heldByAnotherRegion"] as? Bool == (born == "2008-06-01"))
            }
            let search = try await APITestSupport.send(app, .POST, "/api/v1/people/search", token: token,
                                                       json: APITestSupport.json(["name": "Mia Roberts", "dateOfBirth": "2008-06-01"]))
            #expect(search.status == .ok)
            #expect(!search.body.string.contains(gm.$person.id.uuidString))
        }
    }

    @Test("Names in other scripts are different people; a name with no letters is refused, naming the field")
    func namesOfEveryScript() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            for (first, last) in [("Мария", "Иванова"), ("Анна", "Петрова"), ("محمد", "علي"), ("王", "芳")] {
                #expect(try await ReferralTests.record(browser, ReferralTests.form(first: first, last: last, born: "2008-03-04")).location != nil)
            }
            #expect(try await Person.query(on: app.db).count() == 4)
            let refused = try await ReferralTests.record(browser, ReferralTests.form(first: "-", last: "…", born: "2008-03-04"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Enter the name in letters"))
            #expect(try await Person.query(on: app.db).count() == 4)

            let csv = Self.header + "\nX-1,2024-05-01,west-midlands,support,police,-,Hill,2008-01-01,male,birmingham,county_lines,\n"
            do {
                _ = try await ReferralImport.run(text: csv, actor: AuditEntry(action: .importFile, actor: "t"), now: app.clock.now(),
                                                 db: app.db, writes: app.writes)
                Issue.record("a name of \"-\" was imported")
            } catch let problems as ImportProblems {
                #expect(problems.description.contains("line 2: first_name: has no letters"))
            }
        }
    }

    @Test("Only the lead caseworker or a manager rewrites a young person's safe-contact details")
    func safeContactNeedsLeadOrManager() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let colleague = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            let caseID = try await CaseTests.openCase(app, lead: lead, browser: leadBrowser)
            let personID = try #require(try await SupportCase.find(caseID, on: app.db)).$person.id
            try await leadBrowser.get(SiteURL.supportCase(caseID).path)
            try await leadBrowser.post(SiteURL.personSafeContact(personID).path, ["safeContact": "Aunt's landline after 6pm"])
            let other = Browser(app)
            try await other.signIn(colleague)
            try await other.get(SiteURL.supportCase(caseID).path)
            #expect(try await other.post(SiteURL.personSafeContact(personID).path, ["safeContact": "Call the man at the shop"]).status == .forbidden)
            let person = try #require(try await Person.find(personID, on: app.db))
            #expect(try app.cipher.open(person.safeContact ?? "") == "Aunt's landline after 6pm")
        }
    }
}
