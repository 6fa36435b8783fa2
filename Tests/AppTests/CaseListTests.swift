@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// The caseload filtered and sorted (issue: the 2 a.m. jobs, item 4): quiet cases, red cases, closures waiting,
/// by lead, in the order asked; the scope holds whatever the address says.
@Suite("Case lists: filters and order")
struct CaseListTests {
    static func names(in page: String) -> [String] {
        guard let table = page.range(of: "id=\"open-cases\"") else { return [] }
        let body = page[table.upperBound...]
        let end = body.range(of: "</table>")?.lowerBound ?? body.endIndex
        return body[..<end].components(separatedBy: "<tr><td><a href=\"/cases/").dropFirst().compactMap {
            $0.split(separator: ">", maxSplits: 1).last?.split(separator: "<").first.map(String.init)
        }
    }

    @Test("Quiet, red and closing cases; oldest, newest, quietest and by name; a manager's lead filter; the wall holds")
    func filtersAndOrder() async throws {
        try await withApp { app in
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(caseworker)
            var ids: [UUID] = []
            for (first, last, received) in [("Ava", "Young", "2024-01-10"), ("Ben", "Adams", "2024-02-10"), ("Cy", "Moss", "2024-03-10")] {
                try await ReferralTests.record(browser, ReferralTests.form(first: first, last: last, received: received))
                let referral = try #require(try await Referral.query(on: app.db).sort(\.$createdAt, .descending).first())
                try await browser.get(SiteURL.referral(referral.id).path)
                let accepted = try await browser.post(SiteURL.referralAccept(referral.id).path, ["caseworker": caseworker.id.uuidString])
                let location = try #require(accepted.location)
                ids.append(try #require(UUID(uuidString: String(location.split(separator: "/")[1].prefix(36)))))
                app.clock.advance(by: 60)
            }
            try await browser.get(SiteURL.supportCase(ids[1]).path)
            try await browser.post(SiteURL.caseContacts(ids[1]).path, CaseTests.contact("Met at school", sensitive: false)
                .merging(["happenedAt": CasePage.localInput(app.clock.now())]) { $1 })
            try await browser.post(SiteURL.caseRisk(ids[2]).path, ["rating": "red", "reason": "Missing overnight"])

            let all = Self.names(in: try await browser.get(SiteURL.cases.path).body.string)
            #expect(all.count == 3)
            let quiet = try await browser.get(SiteURL.cases.path + "?show=quiet").body.string
            #expect(Set(Self.names(in: quiet)) == ["Ava Young", "Cy Moss"], "\(Self.names(in: quiet))")
            #expect(quiet.contains("with no contact for 14 days"))
            #expect(Self.names(in: try await browser.get(SiteURL.cases.path + "?show=red").body.string) == ["Cy Moss"])
            #expect(Self.names(in: try await browser.get(SiteURL.cases.path + "?show=closing").body.string).isEmpty, "none asked to close")
            let byName = Self.names(in: try await browser.get(SiteURL.cases.path + "?sort=name").body.string)
            #expect(byName == ["Ben Adams", "Cy Moss", "Ava Young"])
            let newest = Self.names(in: try await browser.get(SiteURL.cases.path + "?sort=newest").body.string)
            #expect(newest.count == 3 && newest.last == all.first)
            let quietest = Self.names(in: try await browser.get(SiteURL.cases.path + "?sort=quietest").body.string)
            #expect(quietest.last == "Ben Adams", "the one contacted comes last")
            let nonsense = try await browser.get(SiteURL.cases.path + "?show=%3Cscript%3E&sort=drop+table")
            #expect(nonsense.status == .ok && Self.names(in: nonsense.body.string).count == 3)
            #expect(!nonsense.body.string.contains("<script>"))

            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let managing = Browser(app)
            try await managing.signIn(manager)
            let byLead = try await managing.get(SiteURL.cases.path + "?lead=\(caseworker.id.uuidString)").body.string
            #expect(Self.names(in: byLead).count == 3 && byLead.contains("<option value=\"\(caseworker.id.uuidString)\" selected>"))
            #expect(Self.names(in: try await managing.get(SiteURL.cases.path + "?lead=\(manager.id.uuidString)").body.string).isEmpty)

            // Another region's manager naming this caseworker sees none of their cases.
            let london = try await Fixtures.account(app, role: .manager, region: "london")
            let outsider = Browser(app)
            try await outsider.signIn(london)
            #expect(Self.names(in: try await outsider.get(SiteURL.cases.path + "?lead=\(caseworker.id.uuidString)").body.string).isEmpty)
        }
    }
}
