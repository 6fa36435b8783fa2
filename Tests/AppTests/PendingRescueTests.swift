@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// A rescue saved before the young person is identified (issue: the 2 a.m. jobs, item 3): only a description and
/// an approximate age; completed later, when it becomes one referral, screened and counted once.
@Suite("Rescues saved before the young person is identified")
struct PendingRescueTests {
    static func pending(dispatched: UUID) -> [String: String] {
        ["callAt": "2024-01-13T02:10", "caller": "British Transport Police", "referralSource": "police",
         "foundPlace": "Platform 4, Euston", "dispatchedCaseworker": dispatched.uuidString, "identity": "pending",
         "description": "A boy about 15, says his name is J; <b>grey</b> hoodie =1+1", "approximateAge": "15"]
    }

    @Test("Saved with a description alone, sealed, listed among open rescues, in no report; completed into one screened referral")
    func savedThenCompleted() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.rescueNew.path)
            let saved = try await browser.post(SiteURL.rescueNew.path, Self.pending(dispatched: worker.id))
            let path = try #require(saved.location)
            #expect(path.hasPrefix("/rescues/unidentified/"))
            let referralsBefore = try await Referral.query(on: app.db).count()
            let peopleBefore = try await Person.query(on: app.db).count()
            #expect(referralsBefore == 0 && peopleBefore == 0, "no referral and no person until they are identified")
            let pending = try #require(try await PendingRescue.query(on: app.db).first())
            #expect(!pending.description.contains("says his name") && !pending.caller.contains("Transport"), "sealed")
            let page = try await browser.get(path).body.string
            #expect(page.contains("says his name is J; &lt;b&gt;grey&lt;/b&gt; hoodie =1+1") && page.contains("Rescue saved."))
            let log = try await browser.get(SiteURL.rescues.path).body.string
            #expect(log.contains("Not yet identified") && log.contains(SiteURL.pendingRescue(pending.id).path))
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear(startYear: 2023), on: app.db)
            #expect(report.rescue.requests == 0, "not counted before it is a referral")

            // Completing: a problem comes back beside its field; then the details make the referral and rescue.
            let missing = try await browser.post(SiteURL.pendingRescueComplete(pending.id).path, ["firstName": "Jay"])
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("href=\"#lastName\""))
            #expect(missing.body.string.contains("value=\"Jay\""), "what was typed is kept")
            let details = ["firstName": "Jay", "lastName": "Okoro", "dateOfBirth": "2008-11-02", "gender": "male",
                           "homeLocalAuthority": "birmingham", "exploitationTypes[0]": "county_lines"]
            let done = try await browser.post(SiteURL.pendingRescueComplete(pending.id).path, details)
            #expect(done.location?.hasPrefix("/rescues/") == true && done.location?.contains("unidentified") == false)
            let referral = try #require(try await Referral.query(on: app.db).first())
            #expect(referral.service == "rescue" && referral.receivedDate == "2024-01-13" && referral.eligible)
            let rescue = try #require(try await Rescue.query(on: app.db).filter(\.$referral.$id == referral.id!).first())
            #expect(rescue.dispatchedCaseworkerID == worker.id && rescue.callAt != nil)
            #expect(try await PendingRescue.query(on: app.db).count() == 0)
            let recorded = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.rescueRecorded.rawValue).all()
            #expect(recorded.map(\.objectID) == [rescue.id!.uuidString] && recorded.first?.objectType == "rescue",
                    "the rescue record is audited beside its referral")
            // A second completion (another tab, another caseworker) finds it gone: nothing made twice.
            let again = try await browser.post(SiteURL.pendingRescueComplete(pending.id).path, details)
            #expect(again.status == .notFound)
            #expect(try await Referral.query(on: app.db).count() == 1)
            let after = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear(startYear: 2023), on: app.db)
            #expect(after.rescue.requests == 1, "counted once")
        }
    }

    @Test("Without a description or a plausible age it is refused beside the field; another region's caseworker gets 404")
    func checksAndWalls() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.rescueNew.path)
            for (field, value) in [("description", " "), ("approximateAge", "40"), ("approximateAge", "about 15")] {
                let refused = try await browser.post(SiteURL.rescueNew.path, Self.pending(dispatched: worker.id).merging([field: value]) { $1 })
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("href=\"#\(field)\"") && refused.body.string.contains("id=\"\(field)-error\""), "\(field)")
                #expect(refused.body.string.contains("id=\"identity-pending\" name=\"identity\" value=\"pending\" checked"))
            }
            #expect(try await PendingRescue.query(on: app.db).count() == 0)
            try await browser.post(SiteURL.rescueNew.path, Self.pending(dispatched: worker.id))
            let pending = try #require(try await PendingRescue.query(on: app.db).first())

            let london = try await Fixtures.account(app, role: .caseworker, region: "london")
            let other = Browser(app)
            try await other.signIn(london)
            #expect(try await other.get(SiteURL.pendingRescue(pending.id).path).status == .notFound)
            try await other.get(SiteURL.rescues.path)
            #expect(try await other.post(SiteURL.pendingRescueComplete(pending.id).path, ["firstName": "X"]).status == .notFound)
            #expect(!(try await other.get(SiteURL.rescues.path)).body.string.contains("Not yet identified"))
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let reader = Browser(app)
            try await reader.signIn(lead)
            #expect(try await reader.get(SiteURL.pendingRescue(pending.id).path).status == .ok, "the national lead reads it")
        }
    }
}
