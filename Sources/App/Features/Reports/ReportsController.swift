import Domain
import Fluent
import Vapor

/// The annual report on screen, printable, and as CSV: managers see their region, national leads any region or
/// all, commissioners the same with small numbers suppressed (SPEC §1, §2.7).
struct ReportsController {
    static let readers: Set<Role> = [.manager, .nationalLead, .commissioner]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .annualReport, access: .roles(Self.readers), use: show)
        routes.on(.GET, .annualReportCSV, access: .roles(Self.readers), use: csv)
    }

    func show(req: Request) async throws -> View {
        let (region, year) = try await choice(req)
        let user = try req.requireUser()
        var page = try await build(req, region: region, year: year, layout: req.layout(title: "Annual report"))
        let regions = try await Region.query(on: req.db).sort(\.$name).all()
        var regionOptions = regions.map { SelectOption(value: $0.code, label: $0.name, selected: $0.code == region) }
        if user.role == .manager {
            regionOptions = regionOptions.filter { $0.value == user.regionCode }
        } else {
            regionOptions.insert(SelectOption(value: "all", label: "All regions", selected: region == "all"), at: 0)
        }
        let latest = FinancialYear.containing(CivilDate.today(at: req.now))
        var years = (0..<10).map { FinancialYear(startYear: latest.startYear - $0) }
        // A year asked for by its address outside the latest ten is still the one the picker shows chosen.
        if !years.contains(year) { years = (years + [year]).sorted { $0.startYear > $1.startYear } }
        page.picker = ReportPicker(
            action: SiteURL.annualReport.path, region: FormField("region").select("Region", options: regionOptions),
            year: FormField("year").select("Financial year", options: years.map {
                SelectOption(value: $0.description, label: $0.description, selected: $0 == year)
            }),
            csvPath: SiteURL.annualReportCSV.path + "?region=\(region)&year=\(year)")
        try await req.audit(.reportViewed, objectType: .report, objectID: "annual \(year)", region: region,
                            detail: page.suppressed ? "suppressed" : "")
        return try await req.view.render("reports/annual", page)
    }

    func csv(req: Request) async throws -> Response {
        let (region, year) = try await choice(req)
        let page = try await build(req, region: region, year: year, layout: nil)
        try await req.audit(.exportAnnualReport, objectType: .report, objectID: "annual \(year)", region: region,
                            detail: "format csv" + (page.suppressed ? ", suppressed" : ""))
        var rows: [[String]] = [["table", "item", "value", "previous year", "numerator", "denominator", "percent"]]
        rows += page.figures.map { ["figures", $0.label, $0.value, $0.previous ?? "", "", "", ""] }
        rows += page.outcomes.map { ["outcomes", $0.label, "", "", $0.numerator, $0.denominator, $0.percent] }
        for chart in page.charts {
            rows += chart.rows.map { [chart.title, $0.label, $0.value, "", "", "", ""] }
        }
        let response = Response(status: .ok, body: .init(string: CSVExport.render(rows)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition,
                                      value: "attachment; filename=\"reachable-annual-report-\(region)-\(year).csv\"")
        return response
    }

    /// The region and year asked for, checked against who is asking: a manager sees only their own region, and
    /// asking for another is refused as not found (and audited).
    private func choice(_ req: Request) async throws -> (String, FinancialYear) {
        let user = try req.requireUser()
        let latest = FinancialYear.containing(CivilDate.today(at: req.now))
        let year = req.query[String.self, at: "year"].flatMap(FinancialYear.init) ?? latest.previous
        var region = req.query[String.self, at: "region"] ?? (user.role == .manager ? user.regionCode ?? "" : "all")
        if region.isEmpty { region = "all" }
        if user.role == .manager && region != user.regionCode {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .report, objectID: "annual \(year)",
                                region: region)
            throw Abort(.notFound)
        }
        if region != "all", try await Region.query(on: req.db).filter(\.$code == region).count() == 0 {
            throw Abort(.notFound)
        }
        return (region, year)
    }

    private func build(_ req: Request, region: String, year: FinancialYear, layout: Layout?) async throws -> AnnualReportPage {
        let user = try req.requireUser()
        let report, previous: AnnualReport
        let monthly, previousMonthly: [Double]
        var suppression: AnnualReportPage.Suppressions?
        if user.role == .commissioner {
            // The plan reads every scope's figures for both years; the page shows its own scope's from them.
            // The two years at once: each keeps both readers busy only part of the time.
            async let currentYear = CommissionerSuppression.year(year, reading: req.reportReaders, on: req.db)
            async let yearBefore = CommissionerSuppression.year(year.previous, reading: req.reportReaders, on: req.db)
            let (current, before) = try await (currentYear, yearBefore)
            guard let shown = current.reports[region], let shownBefore = before.reports[region] else { throw Abort(.notFound) }
            (report, previous) = (shown, shownBefore)
            (monthly, previousMonthly) = (current.months[region] ?? [], before.months[region] ?? [])
            suppression = .init(current: current.suppression, previous: before.suppression)
        } else {
            report = try await AnnualReportQuery.run(region: region, year: year, reading: req.reportReaders)
            previous = try await AnnualReportQuery.run(region: region, year: year.previous, reading: req.reportReaders)
            monthly = try await MonthlyReferralsQuery.run(region: region, year: year, on: req.db)
            previousMonthly = try await MonthlyReferralsQuery.run(region: region, year: year.previous, on: req.db)
        }
        return try await AnnualReportPage.make(report: report, previous: previous, monthly: monthly, previousMonthly: previousMonthly,
                                               layout: layout, suppression: suppression, on: req.db)
    }
}
