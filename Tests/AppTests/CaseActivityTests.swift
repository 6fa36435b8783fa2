@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Each case's last contact and last measures are kept on the case (`CaseActivity`) for the dashboards to count
/// from an index. Every way a contact or a measure is written must keep them equal to the records, and the home
/// page's figures must equal those counted from the records themselves.
@Suite("Case activity kept on the case")
struct CaseActivityTests {
    /// Cases whose kept dates differ from their records' (none, when every writer keeps them).
    static func mismatches(_ app: Application) async throws -> [String] {
        struct Row: Decodable {
            let id: UUID
            let last_contact_at: Date?
            let computed_contact: Date?
            let last_measured_on: String?
            let computed_measured: String?
        }
        let rows = try await (app.db as! any SQLDatabase).raw("""
            SELECT c.id AS id, c.last_contact_at AS last_contact_at, c.last_measured_on AS last_measured_on,
                   (SELECT max(k.happened_at) FROM contacts k WHERE k.case_id = c.id) AS computed_contact,
                   (SELECT max(m.recorded_on) FROM outcome_measures m WHERE m.case_id = c.id) AS computed_measured
            FROM cases c
            """).all(decoding: Row.self)
        return rows.filter { row in
            row.last_measured_on != row.computed_measured
                || abs((row.last_contact_at?.timeIntervalSince1970 ?? -1) - (row.computed_contact?.timeIntervalSince1970 ?? -1)) > 0.001
        }.map { "\($0.id): kept \(String(describing: $0.last_contact_at)) / \($0.last_measured_on ?? "nil"), "
            + "records \(String(describing: $0.computed_contact)) / \($0.computed_measured ?? "nil")" }
    }

    /// A year of national demo data: imported referrals and cases with their measures, then demo casework.
    static func demo(_ app: Application) async throws {
        let now = app.clock.now()
        let today = CivilDate.today(at: now)
        let reference = try await ImportReferenceData.load(on: app.db)
        let plan = DemoGenerator.Plan.standard(years: [FinancialYear.containing(today)], today: today)
        var generator = DemoGenerator(seed: 3, plan: plan, regionAuthorities: reference.localAuthoritiesByRegion.mapValues { $0.sorted() })
        let output = generator.generate()
        _ = try await ReferralImport.store(output.referrals, reference: reference, source: "test", onlyRegion: nil,
                                           actor: ImportAndReportTests.actor, now: now, db: app.db, writes: app.writes)
        _ = try await DemoAccounts.create(app: app, reference: reference, now: now)
        _ = try await DemoCasework.add(app: app, seed: 3, now: now, contactsPerCase: 4)
    }

    /// The home page's figures, by label.
    static func figures(_ page: String) -> [String: Int] {
        let pattern = /<span class="figure__value">(\d+)<\/span> <span class="figure__label">([^<]+)<\/span>/
        return Dictionary(page.matches(of: pattern).map { (String($0.output.2), Int($0.output.1)!) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("Imports, demo casework, the case forms and the API keep them equal to the records")
    func everyWriterKeepsThem() async throws {
        try await withApp { app in
            try await Self.demo(app)
            #expect(try await SupportCase.query(on: app.db).count() > 50, "enough cases to mean something")
            #expect(try await Self.mismatches(app) == [], "after the import and the demo casework")

            let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(lead)
            let caseID = try await CaseTests.openCase(app, lead: lead, browser: browser)
            try await browser.get(SiteURL.supportCase(caseID).path)
            #expect(try await browser.post(SiteURL.caseContacts(caseID).path, CaseTests.contact("Phoned.", sensitive: false)).status == .seeOther)
            let empty = try await browser.post(SiteURL.caseMeasures(caseID).path, [
                "stage": "review", "recordedOn": "2024-01-10", "source": "caseworker"])
            #expect(empty.status == .unprocessableEntity, "a record with no measure in it is refused")
            #expect(empty.body.string.contains("Enter at least one measure"))
            #expect(try await OutcomeMeasure.query(on: app.db).filter(\.$supportCase.$id == caseID).count() == 0)
            #expect(try await browser.post(SiteURL.caseMeasures(caseID).path, [
                "stage": "entry", "recordedOn": "2024-01-12", "source": "caseworker", "safety": "4"]).status == .seeOther)
            let token = try await APITestSupport.token(app, for: lead)
            let sent = try await APITestSupport.send(app, .POST, SiteURL.apiCaseContacts(caseID).path, token: token, json: APITestSupport.json([
                "happenedAt": "2024-02-20T10:00:00Z", "kind": "phone", "durationMinutes": 10, "present": ["young_person"]]))
            #expect(sent.status == .created)
            let kept = try #require(try await (app.db as! any SQLDatabase).raw("""
                SELECT last_contact_at, last_measured_on FROM cases WHERE id = \(bind: caseID)
                """).first())
            #expect(try kept.decode(column: "last_measured_on", as: String?.self) == "2024-01-12")
            #expect(try kept.decode(column: "last_contact_at", as: Date?.self) == ISO8601DateFormatter().date(from: "2024-02-20T10:00:00Z"))
            #expect(try await Self.mismatches(app) == [], "after the forms and the API")
        }
    }

    @Test("The home page's figures are those counted from the records, for a manager and for a caseworker")
    func dashboardFiguresMatchTheRecords() async throws {
        try await withApp { app in
            try await Self.demo(app)
            let region = try #require(try await Region.query(on: app.db).filter(\.$code == "london").first())
            let manager = try await Fixtures.account(app, role: .manager, region: "london")
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "london")
            // The caseworker leads every third open case of the region; some cases are left without a lead.
            let open = try await SupportCase.query(on: app.db).filter(\.$region.$id == region.id!).filter(\.$closedDate == nil)
                .sort(\.$id).all()
            #expect(open.count > 20)
            for (index, item) in open.enumerated() where index % 3 == 0 {
                item.$leadCaseworker.id = caseworker.id
                try await item.save(on: app.db)
            }
            for item in open.suffix(2) {
                item.$leadCaseworker.id = nil
                try await item.save(on: app.db)
            }

            // Counted from the records, as the dashboard once did in memory.
            let settings = try app.settings
            let now = app.clock.now()
            let quietSince = now.addingTimeInterval(-Double(settings.noContactDays) * 86400)
            let cutoff = CivilDate(daysSinceEpoch: CivilDate.today(at: now).daysSinceEpoch - settings.reviewWeeks * 7)
            func expected(_ cases: [SupportCase]) async throws -> (open: Int, quiet: Int, due: Int, unassigned: Int) {
                var quiet = 0, due = 0
                for item in cases {
                    let last = try await Contact.query(on: app.db).filter(\.$supportCase.$id == item.id!).max(\.$happenedAt)
                    if (last ?? .distantPast) < quietSince { quiet += 1 }
                    let measured = try await OutcomeMeasure.query(on: app.db).filter(\.$supportCase.$id == item.id!).all().map(\.recordedOn).max()
                    if CivilDate(measured ?? item.openedDate)! <= cutoff { due += 1 }
                }
                return (cases.count, quiet, due, cases.filter { $0.$leadCaseworker.id == nil }.count)
            }
            let refreshed = try await SupportCase.query(on: app.db).filter(\.$region.$id == region.id!).filter(\.$closedDate == nil).all()
            let regionWide = try await expected(refreshed)
            let theirs = try await expected(refreshed.filter { $0.$leadCaseworker.id == caseworker.id })
            #expect(regionWide.quiet > 0 && regionWide.quiet < regionWide.open, "some cases quiet, some not: \(regionWide)")
            #expect(regionWide.due > 0, "some reviews due: \(regionWide)")

            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            let managerHome = Self.figures(try await managerBrowser.get(SiteURL.home.path).body.string)
            #expect(managerHome["Open cases in the region"] == regionWide.open)
            #expect(managerHome["No contact for \(settings.noContactDays) days"] == regionWide.quiet)
            #expect(managerHome["Reviews due"] == regionWide.due)
            #expect(managerHome["Cases awaiting a lead"] == regionWide.unassigned)

            let caseworkerBrowser = Browser(app)
            try await caseworkerBrowser.signIn(caseworker)
            let page = try await caseworkerBrowser.get(SiteURL.home.path).body.string
            let caseworkerHome = Self.figures(page)
            #expect(caseworkerHome["Open cases you lead"] == theirs.open)
            #expect(caseworkerHome["No contact for \(settings.noContactDays) days"] == theirs.quiet)
            #expect(caseworkerHome["Reviews due"] == theirs.due)
            // The list under the figure holds the first of them, at most `listLength`, and says when it is cut short.
            let section = page.components(separatedBy: "id=\"no-contact\"").dropFirst().first?
                .components(separatedBy: "</ul>").first ?? ""
            #expect(section.components(separatedBy: "<li>").count - 1 == min(theirs.quiet, Dashboard.listLength))
            #expect(page.contains("Showing the first \(Dashboard.listLength) of") == (theirs.quiet > Dashboard.listLength))
            // No other region's young person is listed.
            let elsewhere = try await SupportCase.query(on: app.db).filter(\.$region.$id != region.id!).with(\.$person).all()
            for item in elsewhere.prefix(40) { #expect(!page.contains(SiteURL.supportCase(item.id).path)) }
        }
    }
}
