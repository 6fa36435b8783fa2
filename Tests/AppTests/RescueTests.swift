@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Rescue")
struct RescueTests {
    static func form(dispatched: UUID, callAt: String = "2024-01-13T02:10") -> [String: String] {
        ["callAt": callAt, "caller": "British Transport Police", "referralSource": "police", "foundPlace": "Platform 4, Euston",
         "policeForceArea": "British Transport Police", "dispatchedCaseworker": dispatched.uuidString, "firstName": "Kai",
         "lastName": "Mensah", "dateOfBirth": "2007-03-02", "gender": "male", "homeLocalAuthority": "birmingham",
         "exploitationTypes[0]": "county_lines"]
    }

    @Test("A rescue is logged, timed on the log, finished, and converted into a case with the same caseworker")
    func rescue() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.rescueNew.path)
            let missing = try await browser.post(SiteURL.rescueNew.path, Self.form(dispatched: worker.id).merging(["caller": ""]) { $1 })
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("href=\"#caller\""))
            let logged = try await browser.post(SiteURL.rescueNew.path, Self.form(dispatched: worker.id))
            let path = try #require(logged.location)
            let rescue = try #require(try await Rescue.query(on: app.db).first())
            #expect(rescue.outOfHours == true, "02:10 is out of hours")
            #expect(rescue.foundPlace?.contains("Euston") == false, "sealed")
            let referral = try #require(try await Referral.find(rescue.$referral.id, on: app.db))
            #expect(referral.service == "rescue")

            let log = try await browser.get(SiteURL.rescues.path).body.string
            #expect(log.contains("Kai Mensah"))
            #expect(log.contains(" h ") && log.contains(" min"), "the clock runs")

            try await browser.get(path)
            // Times are checked against the call, each other and the clock, each problem beside its field.
            let future = CasePage.localInput(app.clock.now().addingTimeInterval(4 * 3600))
            let refused = try await browser.post(SiteURL.rescueProgress(rescue.id).path, ["departedAt": "2024-01-13T02:20", "arrivedAt": future])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"arrivedAt-error\""))
            #expect(refused.body.string.contains("Arrived: cannot be in the future"))
            #expect(refused.body.string.contains("href=\"#arrivedAt\""))
            #expect(refused.body.string.contains("value=\"\(future)\""), "what was typed is kept")
            let backwards = try await browser.post(SiteURL.rescueProgress(rescue.id).path, [
                "departedAt": "2024-01-13T03:00", "arrivedAt": "2024-01-13T02:40", "homeAt": "2024-01-13T02:30"])
            #expect(backwards.body.string.contains("Arrived: cannot be before departing"))
            #expect(backwards.body.string.contains("Home: cannot be before arriving"))
            let beforeCall = try await browser.post(SiteURL.rescueProgress(rescue.id).path, ["departedAt": "2024-01-13T01:00"])
            #expect(beforeCall.body.string.contains("Departed: cannot be before the call"))
            let untouched = try #require(try await Rescue.find(rescue.id, on: app.db))
            #expect(untouched.departedAt == nil && untouched.arrivedAt == nil, "nothing of a refused form is stored")
            try await browser.post(SiteURL.rescueProgress(rescue.id).path, ["departedAt": "2024-01-13T02:20", "arrivedAt": "2024-01-13T03:40",
                                                                          "journeyMode": "train", "homeAt": "2024-01-13T07:00",
                                                                          "outcome": "home"])
            let page = try await browser.get(path).body.string
            #expect(page.contains("response time 1 h 30 min"))
            let finishedLog = try await browser.get(SiteURL.rescues.path).body.string
            let openTable = try #require(finishedLog.components(separatedBy: "id=\"finished-rescues\"").first)
            #expect(!openTable.contains("Kai Mensah"), "a finished rescue leaves the open rescues")
            #expect(finishedLog.components(separatedBy: "id=\"finished-rescues\"").last?.contains("Kai Mensah") == true,
                    "and is listed among the finished, with its response time")
            #expect(finishedLog.contains("1 h 30 min"))

            let converted = try await browser.post(SiteURL.rescueConvert(rescue.id).path)
            let caseLocation = try #require(converted.location)
            #expect(caseLocation.hasPrefix("/cases/"))
            let supportCase = try #require(try await SupportCase.query(on: app.db).first())
            #expect(supportCase.$leadCaseworker.id == worker.id, "the same caseworker leads the case")

            let year = FinancialYear.containing(CivilDate("2024-01-13")!)
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: year, on: app.db)
            #expect(report.rescue.requests == 1)
            #expect(report.rescue.convertedToSupport == 1)
            #expect(report.rescue.medianResponseMinutes == 90)
        }
    }
}
