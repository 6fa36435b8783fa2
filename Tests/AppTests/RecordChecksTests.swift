@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// Times and values checked against each other and the case (issue: the 2 a.m. jobs, item 6, and its adversary
/// round): nothing before the referral, no count that is a typing slip, no finished rescue without its arrival, no
/// date of birth far from the age the caseworker saw.
@Suite("Records checked against the case and each other")
struct RecordChecksTests {
    @Test("A contact or measures from before the referral, and a count past 500, are refused beside the field")
    func beforeTheReferral() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            let caseID = try await CaseTests.openCase(app, lead: caseworker, browser: browser)   // received 2024-01-10
            try await browser.get(SiteURL.supportCase(caseID).path)
            let early = try await browser.post(SiteURL.caseContacts(caseID).path,
                                               CaseTests.contact("Too early", sensitive: false).merging(["happenedAt": "1999-01-01T00:00"]) { $1 })
            #expect(early.status == .unprocessableEntity && early.body.string.contains("before the referral was received (2024-01-10)"))
            let dayBefore = try await browser.post(SiteURL.caseContacts(caseID).path,
                                                   CaseTests.contact("Day before", sensitive: false).merging(["happenedAt": "2024-01-09T12:00"]) { $1 })
            #expect(dayBefore.status == .unprocessableEntity)
            #expect(try await Contact.query(on: app.db).count() == 0)
            let measures = try await browser.post(SiteURL.caseMeasures(caseID).path, ["stage": "entry", "recordedOn": "2020-01-01", "safety": "5"])
            #expect(measures.status == .unprocessableEntity && measures.body.string.contains("before the referral was received"))
            let slip = try await browser.post(SiteURL.caseMeasures(caseID).path,
                                              ["stage": "entry", "recordedOn": "2024-02-01", "missing_episodes": "99999999999"])
            #expect(slip.status == .unprocessableEntity && slip.body.string.contains("href=\"#missing_episodes\""))
            #expect(slip.body.string.contains("Missing episodes in the last 3 months: ") && !slip.body.string.contains("missing_episodes: "),
                    "named by the field's label, not its code")
            let both = try await browser.post(SiteURL.caseMeasures(caseID).path,
                                              ["stage": "entry", "recordedOn": "2020-01-01", "missing_episodes": "501"])
            #expect(both.body.string.contains("href=\"#recordedOn\"") && both.body.string.contains("href=\"#missing_episodes\""),
                    "every problem, not the first alone")
            #expect(try await OutcomeMeasure.query(on: app.db).count() == 0)
            let fine = try await browser.post(SiteURL.caseMeasures(caseID).path, ["stage": "entry", "recordedOn": "2024-02-01", "missing_episodes": "3"])
            #expect(fine.status == .seeOther)
        }
    }

    @Test("A rescue's outcome needs its arrival, unless the young person declined")
    func outcomeNeedsArrival() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.rescueNew.path)
            try await browser.post(SiteURL.rescueNew.path, RescueTests.form(dispatched: worker.id))
            let rescue = try #require(try await Rescue.query(on: app.db).first())
            try await browser.get(SiteURL.rescue(rescue.id).path)
            let finished = try await browser.post(SiteURL.rescueProgress(rescue.id).path, ["outcome": "home", "homeAt": "2024-01-13T05:00"])
            #expect(finished.status == .unprocessableEntity && finished.body.string.contains("href=\"#arrivedAt\""))
            #expect(try await Rescue.find(rescue.id, on: app.db)?.outcome == nil)
            let declined = try await browser.post(SiteURL.rescueProgress(rescue.id).path, ["outcome": "declined"])
            #expect(declined.status == .seeOther)
        }
    }

    @Test("An unidentified rescue's date of birth far from the age seen is refused beside the field")
    func ageAgainstWhatWasSeen() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.rescueNew.path)
            try await browser.post(SiteURL.rescueNew.path, PendingRescueTests.pending(dispatched: worker.id))
            let pending = try #require(try await PendingRescue.query(on: app.db).first())
            try await browser.get(SiteURL.pendingRescue(pending.id).path)
            let details = ["firstName": "Jay", "lastName": "Okoro", "dateOfBirth": "1900-01-01", "gender": "male",
                           "homeLocalAuthority": "birmingham", "exploitationTypes[0]": "county_lines"]
            let refused = try await browser.post(SiteURL.pendingRescueComplete(pending.id).path, details)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("logged as about 15"))
            #expect(refused.body.string.contains("value=\"Okoro\""))
            #expect(try await Referral.query(on: app.db).count() == 0)
        }
    }
}
