import Domain
import Vapor

/// The annual report as a standalone printable HTML document, for `--format html`.
enum AnnualReportPrint {
    static func html(_ report: AnnualReport, app: Application) async throws -> String {
        let year = FinancialYear(startYear: Int(report.period.start.prefix(4)) ?? 2000)
        let previous = try await AnnualReportQuery.run(region: report.region, year: year.previous, reading: app.reportReaders)
        let monthly = try await MonthlyReferralsQuery.run(region: report.region, year: year, on: app.db)
        let previousMonthly = try await MonthlyReferralsQuery.run(region: report.region, year: year.previous, on: app.db)
        let model = try await AnnualReportPage.make(report: report, previous: previous, monthly: monthly,
                                                    previousMonthly: previousMonthly, layout: nil, suppression: nil, on: app.db)
        let buffer = try await app.leaf.renderer.render(path: "reports/annual-print", context: model).get()
        return String(buffer: buffer)
    }
}
