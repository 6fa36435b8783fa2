@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Intervention pathway")
struct PathwayTests {
    @Test("Outcome wheel at entry and review draws a radar; low areas need goals before the plan is complete")
    func wheelAndGoals() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)
            let areas = try await Pathway.areas(on: app.db)
            #expect(areas.count == 8)
            var entry = ["stage": "entry", "assessedOn": "2024-01-12"]
            for (index, area) in areas.enumerated() { entry["score_\(area.code)"] = index < 2 ? "3" : "7" }
            let missing = try await browser.post(SiteURL.caseWheel(caseID).path, entry.merging(["score_feeling_safe": "12"]) { $1 })
            #expect(missing.status == .unprocessableEntity)
            try await browser.post(SiteURL.caseWheel(caseID).path, entry)
            var page = try await browser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(page.contains("Plan incomplete") && page.contains("Feeling safe, Family and relationships"))
            #expect(page.contains("class=\"chart__area chart__area--0\""))

            for area in areas.prefix(2) {
                try await browser.post(SiteURL.caseGoals(caseID).path, ["area": area.code, "description": "Feel safe walking to college"])
            }
            var review = entry
            review["stage"] = "review"
            review["assessedOn"] = "2024-03-12"
            review["score_feeling_safe"] = "8"
            try await browser.post(SiteURL.caseWheel(caseID).path, review)
            page = try await browser.get(SiteURL.supportCase(caseID).path).body.string
            #expect(page.contains("Plan complete") && page.contains(">Not started</option>"), "statuses in sentence case")
            #expect(page.contains("class=\"chart__area chart__area--1\""), "entry and latest compared")
            let goal = try #require(try await Goal.query(on: app.db).first())
            #expect(!goal.description.contains("college"), "sealed")
            try await browser.post(SiteURL.caseGoalUpdate(caseID).path, ["goal": goal.id!.uuidString, "status": "achieved", "progress": "100"])
            #expect(try await Goal.find(goal.id, on: app.db)?.status == "achieved")
        }
    }
}
