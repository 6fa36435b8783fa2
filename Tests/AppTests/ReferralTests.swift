@testable import App
import Domain
import Fluent
import Testing
import SQLKit
import VaporTesting

@Suite("Referral intake, screening, matching and merging")
struct ReferralTests {
    static func form(first: String = "Zoë", last: String = "O'Neill", born: String = "2008-03-04",
                     received: String = "2024-01-10", home: String = "birmingham", types: [String] = ["county_lines"],
                     extra: [String: String] = [:]) -> [String: String] {
        var fields = ["receivedDate": received, "service": "support", "referralSource": "police",
                      "referrerOrganisation": "West Midlands Police", "firstName": first, "lastName": last,
                      "dateOfBirth": born, "gender": "female", "ethnicity": "black", "homeLocalAuthority": home,
                      "consent": "given", "concerns": "Seen at the station with older men; phone taken by them.",
                      "aliases": "Zee"]
        for (index, type) in types.enumerated() { fields["exploitationTypes[\(index)]"] = type }
        return fields.merging(extra) { $1 }
    }

    static func record(_ browser: Browser, _ fields: [String: String]) async throws -> TestingHTTPResponse {
        try await browser.get(SiteURL.referralNew.path)
        return try await browser.post(SiteURL.referralNew.path, fields)
    }

    @Test("A caseworker records a referral and sees the screening result with its reasons")
    func recordAndScreen() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let saved = try await Self.record(browser, Self.form())
            let location = try #require(saved.location)
            #expect(location.hasPrefix("/referrals/"))
            let page = try await browser.get(location)
            #expect(page.body.string.contains("Meets the criteria"))
            let referral = try #require(try await Referral.query(on: app.db).first())
            #expect(referral.eligible && referral.status == .awaitingScreening && referral.ageAtReferral == 15)
            #expect(referral.concerns?.contains("station") == false, "concerns are sealed at rest")
            #expect(page.body.string.contains("Seen at the station"), "and readable by those who may see them")

            let outside = try await Self.record(browser, Self.form(first: "Ann", last: "Lee", born: "1990-01-01", home: "other",
                                                                   types: [], extra: ["otherLocalAuthority": "Leeds"]))
            let declinedPage = try await browser.get(try #require(outside.location)).body.string
            #expect(declinedPage.contains("Does not meet the criteria"))
            #expect(declinedPage.contains(Eligibility.Reason.outsideArea.explanation.replacingOccurrences(of: "'", with: "&#39;")))
            #expect(declinedPage.contains(Eligibility.Reason.age25OrOver.explanation.replacingOccurrences(of: "'", with: "&#39;")))
            #expect(declinedPage.contains(Eligibility.Reason.noExploitationConcern.explanation.replacingOccurrences(of: "'", with: "&#39;")))
            let stored = try #require(try await Referral.query(on: app.db).filter(\.$firstName == "Ann").first())
            #expect(stored.firstIneligibilityReason == "outside_area" && stored.homeLocalAuthority == "leeds")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "referral.created").count() == 2)
        }
    }

    @Test("Bad input names each field, keeps what was typed and saves nothing")
    func badInput() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            var fields = Self.form(first: "", born: "2099-01-01", home: "other", extra: ["otherLocalAuthority": "<b>Nowhere!</b>"])
            fields["referralSource"] = "pigeon"
            let response = try await Self.record(browser, fields)
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            for id in ["firstName", "dateOfBirth", "referralSource", "otherLocalAuthority"] {
                #expect(html.contains("href=\"#\(id)\""), "the summary links to \(id)")
            }
            #expect(html.contains("value=\"O&#39;Neill\""), "typed values stay, escaped")
            #expect(html.contains("&lt;b&gt;Nowhere!&lt;/b&gt;"))
            #expect(try await Referral.query(on: app.db).count() == 0)
            #expect(try await Person.query(on: app.db).count() == 0)
        }
    }

    @Test("A second referral typed with other case and accents is the same person, and a repeat once a case has closed")
    func sameAndRepeat() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let first = try await Self.record(browser, Self.form(received: "2023-05-01"))
            let firstLocation = try #require(first.location)
            let firstID = try #require(UUID(uuidString: String(firstLocation.split(separator: "/")[1].prefix(36))))
            try await browser.get(SiteURL.referral(firstID).path)
            #expect(try await browser.post(SiteURL.referralAccept(firstID).path, ["caseworker": manager.id.uuidString]).location?
                .hasPrefix("/cases/") == true, "accepting opens the new case")
            let supportCase = try #require(try await SupportCase.query(on: app.db).first())
            #expect(supportCase.$leadCaseworker.id == manager.id)
            supportCase.closedDate = "2023-11-01"
            supportCase.closureReason = "planned"
            try await supportCase.save(on: app.db)

            try await Self.record(browser, Self.form(first: "ZOE", last: "o neill", received: "2024-01-10"))
            let referrals = try await Referral.query(on: app.db).sort(\.$receivedDate).all()
            #expect(referrals.count == 2)
            #expect(referrals[0].$person.id == referrals[1].$person.id)
            #expect(referrals[1].isRepeat && !referrals[0].isRepeat)
            let person = try await browser.get(SiteURL.person(referrals[0].$person.id).path)
            #expect(person.body.string.contains("Zee"), "aliases shown")
            #expect(person.body.string.contains("Repeat"))
        }
    }

    @Test("A near match is offered, never merged by itself; a manager merges and every record moves")
    func nearMatchAndMerge() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            try await Self.record(browser, Self.form(first: "Thomas", last: "Hughes", born: "2007-11-20"))
            let second = try await Self.record(browser, Self.form(first: "Tom", last: "Hughes", born: "2007-11-20"))
            #expect(try await Person.query(on: app.db).count() == 2, "not merged silently")
            let page = try await browser.get(try #require(second.location)).body.string
            #expect(page.contains("Possible duplicates"))
            #expect(page.contains(NearMatch.nickname.explanation.replacingOccurrences(of: "'", with: "&#39;")))
            let mergePath = try #require(Browser.firstMatch(in: page, after: "· <a href=\""))
                .replacingOccurrences(of: "&amp;", with: "&")
            let compare = try await browser.get(mergePath)
            #expect(compare.status == .ok)
            let keepID = try #require(UUID(uuidString: String(mergePath.split(separator: "/")[1].prefix(36))))
            let otherText = String(mergePath.split(separator: "=").last ?? "")
            let otherID = try #require(UUID(uuidString: otherText))
            // Nothing chosen: the older record (Thomas, the candidate) stays, as the page offers; the newer joins it.
            let merged = try await browser.post(SiteURL.personMerge(keepID).path, ["other": otherID.uuidString])
            #expect(merged.location?.hasPrefix(SiteURL.person(otherID).path + "?saved=person.merged.") == true)
            #expect(try await Referral.query(on: app.db).filter(\.$person.$id == otherID).count() == 2)
            #expect(try await Person.find(keepID, on: app.db)?.mergedIntoID == otherID)
            #expect(try await PersonAlias.query(on: app.db).filter(\.$person.$id == otherID).all().map(\.name).contains { $0.contains("Hughes") })
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "person.merged").count() == 1)
        }
    }

    @Test("Caseworkers cannot merge; another region's referral or person is not found, and the attempt audited")
    func access() async throws {
        try await withApp { app in
            let westMidlands = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let london = try await Fixtures.account(app, role: .caseworker, region: "london")
            let wm = Browser(app), ldn = Browser(app)
            try await wm.signIn(westMidlands)
            try await ldn.signIn(london)
            let saved = try await Self.record(wm, Self.form())
            let path = try #require(saved.location).components(separatedBy: "?")[0]
            let referral = try #require(try await Referral.query(on: app.db).first())
            #expect(try await ldn.get(path).status == .notFound)
            #expect(try await ldn.get(SiteURL.person(referral.$person.id).path).status == .notFound)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused").filter(\.$userID == london.id).count() == 2)
            try await ldn.get(SiteURL.referrals.path)
            #expect(try await ldn.post(SiteURL.referralAccept(referral.id).path, ["caseworker": london.id.uuidString]).status == .notFound)
            let list = try await ldn.get(SiteURL.referrals.path)
            #expect(!list.body.string.contains("O&#39;Neill"))
            #expect(try await wm.get(SiteURL.personMerge(referral.$person.id).path + "?with=\(referral.$person.id)").status == .forbidden)

            let lead = try await Fixtures.account(app, role: .nationalLead)
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            let read = try await leadBrowser.get(path)
            #expect(read.status == .ok)
            #expect(!read.body.string.contains("Accept and open a case"), "national leads read but do not screen")
        }
    }

    @Test("Not accepted: the reason and the signposting are recorded")
    func decline() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let saved = try await Self.record(browser, Self.form(home: "other", extra: ["otherLocalAuthority": "Leeds"]))
            let path = try #require(saved.location).components(separatedBy: "?")[0]
            let id = try #require(UUID(uuidString: String(path.split(separator: "/")[1].prefix(36))))
            try await browser.get(path)
            #expect(try await browser.post(SiteURL.referralAccept(id).path, ["caseworker": worker.id.uuidString]).status
                == .unprocessableEntity, "an ineligible referral opens no case")
            let empty = try await browser.post(SiteURL.referralDecline(id).path, ["reason": "", "signpostedTo": "kooth"])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("href=\"#reason\""))
            try await browser.post(SiteURL.referralDecline(id).path,
                                   ["reason": "Lives in Leeds", "signpostedTo": "safecall", "signpostedOn": "2024-01-11"])
            let referral = try #require(try await Referral.find(id, on: app.db))
            #expect(referral.status == .notAccepted && referral.signpostedTo == "safecall" && referral.signpostedOn == "2024-01-11")
            #expect(try await browser.get(path).body.string.contains("Signposted to SafeCall on 2024-01-11"))
        }
    }

    @Test("The list shows the oldest unscreened first (or the newest, when asked), filters, and pages")
    func list() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await Self.record(browser, Self.form(first: "Newer", received: "2024-02-01"))
            try await Self.record(browser, Self.form(first: "Older", received: "2023-06-01", extra: ["referralSource": "education"]))
            let html = try await browser.get(SiteURL.referrals.path).body.string
            let older = try #require(html.range(of: "Older")), newer = try #require(html.range(of: "Newer"))
            #expect(older.lowerBound < newer.lowerBound)
            let filtered = try await browser.get(SiteURL.referrals.path + "?status=awaiting_screening&source=education").body.string
            #expect(filtered.contains("Older") && !filtered.contains("Newer"))
            #expect(filtered.contains("Page 1 of 1, 1 referral"))
            let newest = try await browser.get(SiteURL.referrals.path + "?order=newest").body.string
            let newerFirst = try #require(newest.range(of: "Newer")), olderAfter = try #require(newest.range(of: "Older"))
            #expect(newerFirst.lowerBound < olderAfter.lowerBound)
            #expect(newest.contains("<option value=\"newest\" selected>"))
        }
    }
}

@Suite("Matching uses indexes")
struct MatchingPlanTests {
    static func equalityOnAllThree(_ plan: String) -> Bool {
        plan.contains("people_match (date_of_birth=? AND folded_last=? AND folded_first=?)")
            || plan.contains("people_name (folded_last=? AND folded_first=? AND date_of_birth=?)")
    }

    @Test("Candidates come through the date-of-birth, name and alias indexes, never a scan of every person")
    func plan() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            let people = try await sql.raw("EXPLAIN QUERY PLAN SELECT * FROM people WHERE date_of_birth IN ('2008-03-04', '2008-04-03') AND merged_into_id IS NULL").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(people.contains("USING INDEX people_match"), "\(people)")
            let named = try await sql.raw("EXPLAIN QUERY PLAN SELECT * FROM people WHERE folded_last = 'oneill' AND folded_first = 'zoe' AND date_of_birth IN ('2008-04-03', '2008-03-05') AND merged_into_id IS NULL").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            // The same folded name on the other dates a near match may have: one look-up of all three columns per
            // date, through either index that holds them (`people_match`, or the search box's `people_name`).
            #expect(Self.equalityOnAllThree(named), "\(named)")
            // The import's exact match: one look-up of all three columns per row.
            let imported = try await sql.raw("EXPLAIN QUERY PLAN SELECT p.id FROM (VALUES ('oneill', 'zoe', '2008-03-04')) AS wanted JOIN people p ON p.folded_last = wanted.column1 AND p.folded_first = wanted.column2 AND p.date_of_birth = wanted.column3 WHERE p.merged_into_id IS NULL").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(Self.equalityOnAllThree(imported), "\(imported)")
            let aliases = try await sql.raw("EXPLAIN QUERY PLAN SELECT * FROM person_aliases WHERE folded IN ('zoeoneill')").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(aliases.contains("USING INDEX person_aliases_folded"), "\(aliases)")
        }
    }
}
