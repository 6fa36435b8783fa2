@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Case registers")
struct RegisterTests {
    @Test("Missing episodes, NRM decisions and onward referrals are recorded on the case, sealed, and checked")
    func registers() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)
            try await browser.post(SiteURL.caseRegisters(caseID).path, [
                "kind": "missing_episode", "missing_episode.occurred_on": "2024-01-14", "missing_episode.found_on": "2024-01-16",
                "missing_episode.where_found": "A flat in Stoke", "missing_episode.rhi_offered": "yes",
                "missing_episode.rhi_within_72_hours": "no", "missing_episode.findings": "Held a phone for older boys"])
            let badNRM = try await browser.post(SiteURL.caseRegisters(caseID).path, [
                "kind": "nrm", "nrm.occurred_on": "2024-01-20", "nrm.first_responder": "", "nrm.route": "child"])
            #expect(badNRM.status == .unprocessableEntity)
            #expect(badNRM.body.string.contains("href=\"#nrm.first_responder\""))
            #expect(badNRM.body.string.contains("id=\"nrm.first_responder-error\""), "the problem beside its field")
            #expect(badNRM.body.string.contains("id=\"nrm.occurred_on\" name=\"nrm.occurred_on\" type=\"date\" value=\"2024-01-20\""),
                    "what was typed is kept")
            #expect(badNRM.body.string.contains("<option value=\"child\" selected>"), "and what was chosen")
            try await browser.post(SiteURL.caseRegisters(caseID).path, [
                "kind": "nrm", "nrm.occurred_on": "2024-01-20", "nrm.first_responder": "West Midlands Police", "nrm.route": "child",
                "nrm.reasonable_grounds": "positive", "nrm.reasonable_grounds_on": "2024-01-25"])
            try await browser.post(SiteURL.caseRegisters(caseID).path, [
                "kind": "onward_referral", "onward_referral.occurred_on": "2024-01-21", "onward_referral.service": "kooth",
                "onward_referral.taken_up": "yes"])
            try await browser.post(SiteURL.caseRisk(caseID).path, ["rating": "amber", "reason": "Still in contact with the line",
                                                                  "indicators[0]": "going_missing", "indicators[1]": "extra_phones"])
            let page = try await browser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(page.contains("Where found: A flat in Stoke"))
            #expect(page.contains("Reasonable-grounds decision: positive"))
            #expect(page.contains("Service: kooth; Taken up: yes"))
            #expect(page.contains("Indicators: Going missing, Has several phones"))
            let registers = try await browser.get(SiteURL.caseRegisters(caseID).path)
            #expect(registers.status == .ok)
            #expect(registers.body.string.contains("Where found: A flat in Stoke"))
            #expect(registers.body.string.contains("action=\"\(SiteURL.caseRegisters(caseID).path)\""), "the lead adds from here")
            #expect(try await CaseRegisterEntry.query(on: app.db).all().allSatisfy { !$0.fields.contains("Stoke") }, "sealed")
        }
    }

    @Test("Nothing on a case is dated before its referral: a register entry and a wheel assessment from before it are refused")
    func nothingBeforeTheReferral() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)  // received 2024-01-10
            let register = try await browser.post(SiteURL.caseRegisters(caseID).path, [
                "kind": "onward_referral", "onward_referral.occurred_on": "1800-01-01", "onward_referral.service": "kooth"])
            #expect(register.status == .unprocessableEntity)
            #expect(register.body.string.contains("cannot be before the referral was received (2024-01-10)"))
            let missing = try await browser.post(SiteURL.caseRegisters(caseID).path, [
                "kind": "missing_episode", "missing_episode.occurred_on": "2024-02-20", "missing_episode.found_on": "2024-02-10"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("href=\"#missing_episode.found_on\""))
            let areas = try await Pathway.areas(on: app.db)
            var wheel = ["stage": "entry", "assessedOn": "1900-01-01"]
            for area in areas { wheel["score_\(area.code)"] = "5" }
            let early = try await browser.post(SiteURL.caseWheel(caseID).path, wheel)
            #expect(early.status == .unprocessableEntity)
            #expect(early.body.string.contains("The assessment cannot be before the referral was received (2024-01-10)"))
            #expect(try await CaseRegisterEntry.query(on: app.db).count() == 0)
            #expect(try await WheelAssessment.query(on: app.db).count() == 0)
        }
    }
}
