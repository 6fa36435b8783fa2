import Charts
import Domain
import Fluent
import SQLKit
import Vapor

/// Everything the annual report page (and its printable form) shows, already worded and, for commissioners,
/// already suppressed: the template only lays it out.
struct AnnualReportPage: Encodable {
    struct Figure: Encodable {
        let label: String
        let value: String
        let previous: String?
        let change: String?
    }

    struct Outcome: Encodable {
        let label: String
        let numerator: String
        let denominator: String
        let percent: String
    }

    struct TableRow: Encodable {
        let label: String
        let value: String
    }

    struct Chart: Encodable {
        let id: String
        let title: String
        let kind: String
        let bar: BarChart?
        let donut: DonutChart?
        let line: LineChart?
        let rows: [TableRow]
        let total: String
        let hasData: Bool
    }

    let layout: Layout?
    let title: String
    let regionName: String
    let year: String
    let periodText: String
    let headline: String
    let suppressed: Bool
    let figures: [Figure]
    let outcomes: [Outcome]
    let cohort: String
    let charts: [Chart]
    var picker: ReportPicker?

    /// The suppression a commissioner's view takes: the plan of the year shown and of the year before
    /// (`CommissionerSuppression`). Nil for everyone else.
    struct Suppressions: Sendable {
        let current: CommissionerSuppression
        let previous: CommissionerSuppression
    }

    static func make(report: AnnualReport, previous: AnnualReport?, monthly: [Double] = [], previousMonthly: [Double] = [],
                     layout: Layout?, suppression: Suppressions?, on database: any Database) async throws -> AnnualReportPage {
        let labels = try await CodeLabels.load(on: database)
        let regionName = report.region == "all" ? "All regions"
            : try await Region.query(on: database).filter(\.$code == report.region).first()?.name ?? report.region
        let year = FinancialYear(startYear: Int(report.period.start.prefix(4)) ?? 2000)
        let cells = PublishedCells(scope: report.region, suppression: suppression)
        let r = report.referrals
        func figure(_ label: String, _ key: String, _ now: Int, _ before: Int?) -> Figure {
            // A change would give away whichever of its two figures is hidden.
            let changeShown = !cells.hides("figures", key) && !cells.hides("figures", key, previousYear: true)
            return Figure(label: label, value: cells.show("figures", key, now),
                          previous: before.map { cells.show("figures", key, $0, previousYear: true) },
                          change: before.flatMap { changeShown ? Self.change(from: $0, to: now) : nil })
        }
        let p = previous
        var figures = [
            figure("Support referrals received", "received", r.received, p?.referrals.received),
            figure("Met the criteria", "met_criteria", r.metCriteria, p?.referrals.metCriteria),
            figure("Did not meet the criteria", "did_not_meet_criteria", r.didNotMeetCriteria, p?.referrals.didNotMeetCriteria),
        ]
        for reason in Eligibility.Reason.allCases {
            figures.append(figure("… \(Self.reasonLabel(reason))", reason.rawValue, r.didNotMeetReasons[reason.rawValue] ?? 0,
                                  p?.referrals.didNotMeetReasons[reason.rawValue]))
        }
        figures += [
            figure("Engaged (a case opened)", "engaged", r.engaged, p?.referrals.engaged),
            figure("Repeat referrals", "repeat", r.repeat, p?.referrals.repeat),
            figure("Rescue requests", "rescue_requests", report.rescue.requests, p?.rescue.requests),
            figure("Rescues converted to support", "rescue_converted", report.rescue.convertedToSupport, p?.rescue.convertedToSupport),
            Figure(label: "Median rescue response (minutes)",
                   value: report.rescue.medianResponseMinutes.map { String(format: "%.1f", $0) } ?? "none recorded",
                   previous: p.map { $0.rescue.medianResponseMinutes.map { String(format: "%.1f", $0) } ?? "none recorded" },
                   change: nil),
            figure("Training and awareness sessions", "sessions", report.outreach.sessions, p?.outreach.sessions),
            figure("People trained or made aware", "attendees", report.outreach.attendees, p?.outreach.attendees),
        ]
        let outcomes = report.outcomes.all.map { key, metric in
            let table = "outcome." + key
            // A percentage gives away the numerator once the denominator is known, and the other way round.
            let percentShown = !cells.hides(table, "numerator") && !cells.hides(table, "denominator")
            return Outcome(label: Self.outcomeLabel(key), numerator: cells.show(table, "numerator", metric.numerator),
                           denominator: cells.show(table, "denominator", metric.denominator),
                           percent: percentShown ? metric.percent.map { String(format: "%.1f%%", $0) } ?? "no data" : Suppression.symbol)
        }
        let d = report.demographics
        let received = cells.show("figures", "received", r.received)
        var charts = [
            chart("age", "Age when referred", kind: "bar", d.age, table: "age", total: received, cells: cells, label: { "\($0)" },
                  numericOrder: true),
            chart("gender", "Gender", kind: "donut", d.gender, table: "gender", total: received, cells: cells, label: labels.label(.gender)),
            chart("referral-source", "Referral source", kind: "bar", d.referralSource, table: "referral_source", total: received,
                  cells: cells, label: labels.label(.referralSource)),
            chart("exploitation-type", "Types of exploitation", kind: "donut", d.exploitationType, table: "exploitation_type",
                  total: cells.show("exploitation_type", "_total", d.exploitationType.values.reduce(0, +)), cells: cells,
                  label: labels.label(.exploitationType)),
            chart("local-authority", "Home local authority", kind: "bar", d.localAuthority, table: "local_authority", total: received,
                  cells: cells, label: { $0 == "outside_region" ? "Outside the region" : PlaceName.fromCode($0) }),
            chart("ethnicity", "Ethnicity", kind: "bar", d.ethnicity, table: "ethnicity", total: received, cells: cells,
                  label: labels.label(.ethnicity)),
        ]
        if !monthly.isEmpty {
            charts.append(lineChart(year: year, monthly: monthly, previousMonthly: previousMonthly, total: received, cells: cells))
        }
        return AnnualReportPage(
            layout: layout, title: "Annual report \(year)", regionName: regionName, year: year.description,
            periodText: "1 April \(year.startYear) to 31 March \(year.startYear + 1)",
            headline: headline(report, regionName: regionName, year: year, cells: cells), suppressed: suppression != nil,
            figures: figures, outcomes: outcomes, cohort: cells.show("figures", "cohort", report.outcomes.cohort), charts: charts,
            picker: nil)
    }

    /// The seed report's own sentence: "we received 106 support referrals … 28 of these did not meet the criteria".
    static func headline(_ report: AnnualReport, regionName: String, year: FinancialYear, cells: PublishedCells) -> String {
        let r = report.referrals
        var text = "In \(year), \(regionName) received \(cells.show("figures", "received", r.received)) support referral\(r.received == 1 ? "" : "s")"
        if r.received > 0 {
            text += "; \(cells.show("figures", "did_not_meet_criteria", r.didNotMeetCriteria)) of these did not meet the criteria for the service"
            // The commonest reason; on a tie, the one the screening rules check first.
            let counts = Eligibility.Reason.allCases.map { ($0, r.didNotMeetReasons[$0.rawValue] ?? 0) }
            if let most = counts.map(\.1).max(), most > 0, let top = counts.first(where: { $0.1 == most }) {
                text += ", most often because \(reasonSentence(top.0.rawValue))"
            }
        }
        text += ". \(cells.show("figures", "rescue_requests", report.rescue.requests)) rescue request\(report.rescue.requests == 1 ? " was" : "s were") received"
        text += ", and training and awareness sessions reached \(cells.show("figures", "attendees", report.outreach.attendees)) people."
        return text
    }

    static func reasonLabel(_ reason: Eligibility.Reason) -> String {
        switch reason {
        case .outsideArea: "outside the area"
        case .age25OrOver: "aged 25 or over"
        case .noExploitationConcern: "no exploitation concern"
        }
    }

    static func reasonSentence(_ code: String) -> String {
        switch Eligibility.Reason(rawValue: code) {
        case .outsideArea?: "the young person lived outside the area"
        case .age25OrOver?: "the young person was 25 or over"
        default: "no exploitation was identified"
        }
    }

    static func outcomeLabel(_ key: String) -> String {
        switch key {
        case "increased_safety": "Reported an increased feeling of safety"
        case "improved_mental_health": "Reported an improvement in their mental health"
        case "positive_goal_progress": "Made positive progress against goals at exit"
        case "criminogenic_need_reduction": "Reduction in criminogenic need"
        case "missing_episodes_reduction": "Reduction in missing episodes"
        case "offending_reduction": "Reduction in offending"
        case "reduced_county_lines_activity": "Stopped county lines activity"
        case "family_conflict_reduction": "No family conflict at exit"
        default: "In education, employment or training at closure"
        }
    }

    static func change(from before: Int, to now: Int) -> String {
        let difference = now - before
        if difference == 0 { return "no change" }
        let sign = difference > 0 ? "up" : "down"
        guard before != 0 else { return "\(sign) \(abs(difference))" }
        return "\(sign) \(abs(difference)) (\(String(format: "%.0f", Double(abs(difference)) / Double(before) * 100))%)"
    }

    static func chart(_ id: String, _ title: String, kind: String, _ counts: [String: Int], table: String, total: String,
                      cells: PublishedCells, label: (String) -> String, numericOrder: Bool = false) -> Chart {
        let keys = counts.keys.sorted { a, b in
            if numericOrder, let x = Int(a), let y = Int(b) { return x < y }
            if !numericOrder, counts[a] != counts[b] { return counts[a]! > counts[b]! }
            return a < b
        }
        let rows = keys.map { TableRow(label: label($0), value: cells.show(table, $0, counts[$0]!)) }
        // Hidden cells are left out of the drawing: a bar's length would tell what "c" hides.
        let drawn = keys.filter { !cells.hides(table, $0) }.map { (label: label($0), value: Double(counts[$0]!)) }
        return Chart(id: id, title: title, kind: kind,
                     bar: kind == "bar" ? BarChart(data: drawn) : nil,
                     donut: kind == "donut" ? DonutChart(data: drawn) : nil, line: nil, rows: rows, total: total,
                     hasData: !drawn.isEmpty)
    }

    static func lineChart(year: FinancialYear, monthly: [Double], previousMonthly: [Double], total: String,
                          cells: PublishedCells) -> Chart {
        let keys = monthly.indices.map(CommissionerSuppression.monthKey)
        // A line is drawn only with every month of it shown: a point's height would tell what "c" hides.
        let hide = keys.contains { cells.hides("month", $0) }
        var series = [(name: year.description, values: monthly)]
        if !previousMonthly.isEmpty, !previousMonthly.indices.contains(where: { cells.hides("month", CommissionerSuppression.monthKey($0), previousYear: true) }) {
            series.append((name: year.previous.description, values: previousMonthly))
        }
        let rows = zip(MonthlyReferralsQuery.monthLabels, zip(keys, monthly)).map { month, entry in
            TableRow(label: month, value: cells.show("month", entry.0, Int(entry.1)))
        }
        let sum = Int(monthly.reduce(0, +))
        return Chart(id: "monthly", title: "Support referrals each month", kind: "line", bar: nil, donut: nil,
                     line: hide ? nil : LineChart(labels: MonthlyReferralsQuery.monthLabels, series: series),
                     rows: rows, total: total, hasData: !hide && sum > 0)
    }
}

/// A page's figures as shown: the value, or "c" where the commissioners' plan hides it.
struct PublishedCells {
    let scope: String
    let suppression: AnnualReportPage.Suppressions?

    func hides(_ table: String, _ key: String, previousYear: Bool = false) -> Bool {
        guard let suppression else { return false }
        return (previousYear ? suppression.previous : suppression.current).hides(scope, table, key)
    }

    func show(_ table: String, _ key: String, _ value: Int, previousYear: Bool = false) -> String {
        hides(table, key, previousYear: previousYear) ? Suppression.symbol : String(value)
    }
}

/// The region and year pickers of the report page.
struct ReportPicker: Encodable {
    let action: String
    let region: FormField
    let year: FormField
    let csvPath: String
}
