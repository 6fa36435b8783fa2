@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("The annual report page")
struct ReportPageTests {
    @Test("A manager sees their region's report with charts and tables; another region is not found")
    func manager() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(manager)
            let page = try await browser.get(SiteURL.annualReport.path + "?region=west-midlands&year=2023-24")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("In 2023-24, West Midlands received 6 support referrals; 3 of these did not meet the criteria"))
            #expect(html.contains("<svg"), "charts are drawn")
            #expect(html.contains("id=\"chart-gender\"") && html.contains("id=\"chart-monthly\""))
            #expect(html.contains("<td class=\"numeric\">2</td><td class=\"numeric\">3</td><td class=\"numeric\">66.7%</td>"))
            let other = try await browser.get(SiteURL.annualReport.path + "?region=london&year=2023-24")
            #expect(other.status == .notFound)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "report.viewed").count() == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused").count() == 1)

            let csv = try await browser.get(SiteURL.annualReportCSV.path + "?region=west-midlands&year=2023-24")
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.contains("outcomes,Reported an increased feeling of safety,,,2,3,66.7%"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "export.annual_report").count() == 1)
        }
    }

    @Test("A commissioner sees small numbers as c, and no names")
    func commissioner() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let commissioner = try await Fixtures.account(app, role: .commissioner)
            let browser = Browser(app)
            try await browser.signIn(commissioner)
            let html = try await browser.get(SiteURL.annualReport.path + "?region=west-midlands&year=2023-24").body.string
            #expect(html.contains("support referrals; c of these"))
            #expect(html.contains("<td class=\"numeric\">c</td>"))
            #expect(!html.contains("Zoë") && !html.contains("O&#39;Neill") && !html.contains("Tyler"))
            let csv = try await browser.get(SiteURL.annualReportCSV.path + "?region=all&year=2023-24").body.string
            #expect(csv.contains(",c,"))
        }
    }

    @Test("A national lead reads every region and all together; caseworkers and admins have no report")
    func otherRoles() async throws {
        try await withApp { app in
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let browser = Browser(app)
            try await browser.signIn(lead)
            #expect(try await browser.get(SiteURL.annualReport.path + "?region=all&year=2023-24").status == .ok)
            #expect(try await browser.get(SiteURL.annualReport.path + "?region=merseyside&year=2023-24").status == .ok)
            let old = try await browser.get(SiteURL.annualReport.path + "?region=all&year=2009-10").body.string
            #expect(old.contains("<option value=\"2009-10\" selected>"), "a year before the picker's ten is shown chosen")
            #expect(try await browser.get(SiteURL.annualReport.path + "?region=atlantis&year=2023-24").status == .notFound)
            for role in [Role.caseworker, .admin] {
                let account = try await Fixtures.account(app, role: role, region: role == .caseworker ? "london" : nil)
                let other = Browser(app)
                try await other.signIn(account)
                #expect(try await other.get(SiteURL.annualReport.path).status == .forbidden)
            }
        }
    }

    @Test("The printable report renders as a standalone HTML document")
    func printable() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear("2023-24")!, on: app.db)
            let html = try await AnnualReportPrint.html(report, app: app)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("Annual report 2023-24"))
            #expect(html.contains("66.7%"))
        }
    }

    @Test("A report read on two connections at once equals the report read on one")
    func twoReaders() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let readers = app.reportReaders
            #expect(readers.first.eventLoop !== readers.second.eventLoop, "two event loops, so two SQLite connections")
            for region in ["west-midlands", "all"] {
                let year = FinancialYear("2023-24")!
                let together = try await AnnualReportJSON.encode(AnnualReportQuery.run(region: region, year: year, reading: readers))
                let alone = try await AnnualReportJSON.encode(AnnualReportQuery.run(region: region, year: year, on: app.db))
                #expect(together == alone)
                let report = try await AnnualReportQuery.run(region: region, year: year, reading: readers)
                #expect(report.demographics.gender.values.reduce(0, +) == report.referrals.received,
                        "the demographics, read on the second connection, cover the same referrals")
            }
        }
    }
}

/// The commissioners' exports, read as a determined reader would: every region's and all regions' CSV for a year,
/// each with the year before beside it, and the relations the report's definitions give (SPEC §4). No hidden value
/// may be worked out from the rest.
@Suite("Commissioners cannot work out a suppressed number")
struct SuppressionSolvingTests {
    typealias Cell = SuppressionPlan.Cell

    /// One export's cells: value → year shown, previous → year before (figures only carry one).
    static func read(_ csv: String, scope: String, into values: inout [Cell: Int], hidden: inout Set<Cell>,
                     percents: inout [(Cell, Cell, String)]) {
        var file = CSVStream(text: csv)
        for record in file.next(10_000).records {
            let cells = file.cells(of: record)
            let table = cells["table"] ?? "", item = cells["item"] ?? ""
            func note(_ text: String?, _ cell: Cell) {
                guard let text, !text.isEmpty else { return }
                if text == Suppression.symbol { hidden.insert(cell) } else if let number = Int(text) { values[cell] = number }
            }
            if table == "outcomes" {
                note(cells["numerator"], Cell(scope, "now:" + item, "numerator"))
                note(cells["denominator"], Cell(scope, "now:" + item, "denominator"))
                percents.append((Cell(scope, "now:" + item, "numerator"), Cell(scope, "now:" + item, "denominator"), cells["percent"] ?? ""))
            } else {
                note(cells["value"], Cell(scope, "now:" + table, item))
                if table == "figures" { note(cells["previous year"], Cell(scope, "before:" + table, item)) }
            }
        }
    }

    @Test("Every region's and all regions' exports together: no suppressed cell is determined by the rest")
    func solve() async throws {
        try await withApp { app in
            try await ImportAndReportTests.importFixture(app)
            let commissioner = try await Fixtures.account(app, role: .commissioner)
            let browser = Browser(app)
            try await browser.signIn(commissioner)
            let regions = try await Region.query(on: app.db).all().map(\.code)
            var values: [Cell: Int] = [:]
            var hidden = Set<Cell>()
            var percents: [(Cell, Cell, String)] = []
            var tables: [String: Set<String>] = [:]
            for scope in regions + ["all"] {
                let csv = try await browser.get(SiteURL.annualReportCSV.path + "?region=\(scope)&year=2023-24").body.string
                Self.read(csv, scope: scope, into: &values, hidden: &hidden, percents: &percents)
            }
            #expect(!hidden.isEmpty, "the fixture has small numbers to hide")
            for cell in Array(values.keys) + Array(hidden) { tables[cell.table, default: []].insert(cell.key) }
            // The relations a reader knows from the report's definitions.
            var relations: [SuppressionPlan.Relation] = []
            for scope in regions + ["all"] {
                for period in ["now:", "before:"] {
                    let figures = period + "figures"
                    relations.append(.init(total: Cell(scope, figures, "Support referrals received"),
                                           parts: [Cell(scope, figures, "Met the criteria"), Cell(scope, figures, "Did not meet the criteria")]))
                    relations.append(.init(total: Cell(scope, figures, "Did not meet the criteria"),
                                           parts: ["… outside the area", "… aged 25 or over", "… no exploitation concern"].map { Cell(scope, figures, $0) }))
                }
                for table in ["Age when referred", "Gender", "Referral source", "Home local authority", "Ethnicity", "Support referrals each month"] {
                    relations.append(.init(total: Cell(scope, "now:figures", "Support referrals received"),
                                           parts: (tables["now:" + table] ?? []).map { Cell(scope, "now:" + table, $0) }))
                }
            }
            for (table, keys) in tables {
                for key in keys {
                    relations.append(.init(total: Cell("all", table, key), parts: regions.map { Cell($0, table, key) }))
                }
            }
            let found = SuppressionPlan.determined(values: values, hidden: hidden, relations: relations,
                                                   signed: Set(hidden.filter { $0.key == "numerator" }))
            #expect(found.isEmpty, "worked out: \(found.sorted())")
            // A percentage beside a shown denominator gives the numerator away: never both with the numerator hidden.
            for (numerator, denominator, percent) in percents where hidden.contains(numerator) {
                #expect(percent == Suppression.symbol || hidden.contains(denominator), "\(numerator): \(percent)")
            }
        }
    }
}
