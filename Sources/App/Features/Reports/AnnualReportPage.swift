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

    static func make(report: AnnualReport, previous: AnnualReport?, monthly: [Double] = [], previousMonthly: [Double] = [],
                     layout: Layout?, suppressed: Bool, app: Application, on db: (any Database)? = nil) async throws -> AnnualReportPage {
        let database = db ?? app.db
        let labels = try await Labels.load(on: database)
        let regionName = report.region == "all" ? "All regions"
            : try await Region.query(on: database).filter(\.$code == report.region).first()?.name ?? report.region
        let year = FinancialYear(startYear: Int(report.period.start.prefix(4)) ?? 2000)
        func show(_ count: Int) -> String { suppressed ? Suppression.single(count) : String(count) }
        let r = report.referrals
        func figure(_ label: String, _ now: Int, _ before: Int?) -> Figure {
            Figure(label: label, value: show(now), previous: before.map(show),
                   change: before.flatMap { suppressed && (Suppression.isSmall(now) || Suppression.isSmall($0)) ? nil : Self.change(from: $0, to: now) })
        }
        let p = previous
        var figures = [
            figure("Support referrals received", r.received, p?.referrals.received),
            figure("Met the criteria", r.metCriteria, p?.referrals.metCriteria),
            figure("Did not meet the criteria", r.didNotMeetCriteria, p?.referrals.didNotMeetCriteria),
        ]
        for reason in Eligibility.Reason.allCases {
            figures.append(figure("… \(Self.reasonLabel(reason))", r.didNotMeetReasons[reason.rawValue] ?? 0,
                                  p?.referrals.didNotMeetReasons[reason.rawValue]))
        }
        figures += [
            figure("Engaged (a case opened)", r.engaged, p?.referrals.engaged),
            figure("Repeat referrals", r.repeat, p?.referrals.repeat),
            figure("Rescue requests", report.rescue.requests, p?.rescue.requests),
            figure("Rescues converted to support", report.rescue.convertedToSupport, p?.rescue.convertedToSupport),
            Figure(label: "Median rescue response (minutes)",
                   value: report.rescue.medianResponseMinutes.map { String(format: "%.1f", $0) } ?? "none recorded",
                   previous: p.map { $0.rescue.medianResponseMinutes.map { String(format: "%.1f", $0) } ?? "none recorded" },
                   change: nil),
            figure("Training and awareness sessions", report.outreach.sessions, p?.outreach.sessions),
            figure("People trained or made aware", report.outreach.attendees, p?.outreach.attendees),
        ]
        let outcomes = report.outcomes.all.map { key, metric in
            let hide = suppressed && (Suppression.isSmall(metric.denominator) || Suppression.isSmall(metric.numerator))
            return Outcome(label: Self.outcomeLabel(key), numerator: hide ? Suppression.symbol : String(metric.numerator),
                           denominator: hide ? Suppression.symbol : String(metric.denominator),
                           percent: hide ? Suppression.symbol : metric.percent.map { String(format: "%.1f%%", $0) } ?? "no data")
        }
        let d = report.demographics
        var charts = [
            chart("age", "Age when referred", kind: "bar", d.age, label: { "\($0)" }, suppressed: suppressed, numericOrder: true),
            chart("gender", "Gender", kind: "donut", d.gender, label: labels.label("gender"), suppressed: suppressed),
            chart("referral-source", "Referral source", kind: "bar", d.referralSource, label: labels.label("referral_source"),
                  suppressed: suppressed),
            chart("exploitation-type", "Types of exploitation", kind: "donut", d.exploitationType,
                  label: labels.label("exploitation_type"), suppressed: suppressed),
            chart("local-authority", "Home local authority", kind: "bar", d.localAuthority,
                  label: { $0 == "outside_region" ? "Outside the region" : PlaceName.fromCode($0) }, suppressed: suppressed),
            chart("ethnicity", "Ethnicity", kind: "bar", d.ethnicity, label: labels.label("ethnicity"), suppressed: suppressed),
        ]
        if !monthly.isEmpty {
            charts.append(lineChart(year: year, monthly: monthly, previousMonthly: previousMonthly, suppressed: suppressed))
        }
        return AnnualReportPage(
            layout: layout, title: "Annual report \(year)", regionName: regionName, year: year.description,
            periodText: "1 April \(year.startYear) to 31 March \(year.startYear + 1)",
            headline: headline(report, regionName: regionName, year: year, suppressed: suppressed), suppressed: suppressed,
            figures: figures, outcomes: outcomes, cohort: show(report.outcomes.cohort), charts: charts, picker: nil)
    }

    /// The seed report's own sentence: "we received 106 support referrals … 28 of these did not meet the criteria".
    static func headline(_ report: AnnualReport, regionName: String, year: FinancialYear, suppressed: Bool) -> String {
        let r = report.referrals
        func show(_ count: Int) -> String { suppressed ? Suppression.single(count) : String(count) }
        var text = "In \(year), \(regionName) received \(show(r.received)) support referral\(r.received == 1 ? "" : "s")"
        if r.received > 0 {
            text += "; \(show(r.didNotMeetCriteria)) of these did not meet the criteria for the service"
            // The commonest reason; on a tie, the one the screening rules check first.
            let counts = Eligibility.Reason.allCases.map { ($0, r.didNotMeetReasons[$0.rawValue] ?? 0) }
            if let most = counts.map(\.1).max(), most > 0, let top = counts.first(where: { $0.1 == most }) {
                text += ", most often because \(reasonSentence(top.0.rawValue))"
            }
        }
        text += ". \(show(report.rescue.requests)) rescue request\(report.rescue.requests == 1 ? " was" : "s were") received"
        text += ", and training and awareness sessions reached \(show(report.outreach.attendees)) people."
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

    static func chart(_ id: String, _ title: String, kind: String, _ counts: [String: Int], label: (String) -> String,
                      suppressed: Bool, numericOrder: Bool = false) -> Chart {
        let keys = counts.keys.sorted { a, b in
            if numericOrder, let x = Int(a), let y = Int(b) { return x < y }
            if !numericOrder, counts[a] != counts[b] { return counts[a]! > counts[b]! }
            return a < b
        }
        let shown: (cells: [String: String], total: String) = suppressed ? Suppression.apply(counts)
            : (counts.mapValues(String.init), String(counts.values.reduce(0, +)))
        let rows = keys.map { TableRow(label: label($0), value: shown.cells[$0] ?? "0") }
        // Hidden cells are left out of the drawing: a bar's length would tell what "c" hides.
        let drawn = keys.filter { shown.cells[$0] != Suppression.symbol }.map { (label: label($0), value: Double(counts[$0]!)) }
        return Chart(id: id, title: title, kind: kind,
                     bar: kind == "bar" ? BarChart(data: drawn) : nil,
                     donut: kind == "donut" ? DonutChart(data: drawn) : nil, line: nil, rows: rows, total: shown.total,
                     hasData: !drawn.isEmpty)
    }

    static func lineChart(year: FinancialYear, monthly: [Double], previousMonthly: [Double], suppressed: Bool) -> Chart {
        var series = [(name: year.description, values: monthly)]
        if !previousMonthly.isEmpty { series.append((name: year.previous.description, values: previousMonthly)) }
        let hide = suppressed && monthly.contains { Suppression.isSmall(Int($0)) }
        let rows = zip(MonthlyReferralsQuery.monthLabels, monthly).map { month, value in
            TableRow(label: month, value: suppressed ? Suppression.single(Int(value)) : String(Int(value)))
        }
        let total = Int(monthly.reduce(0, +))
        return Chart(id: "monthly", title: "Support referrals each month", kind: "line", bar: nil, donut: nil,
                     line: hide ? nil : LineChart(labels: MonthlyReferralsQuery.monthLabels, series: series),
                     rows: rows, total: suppressed ? Suppression.single(total) : String(total), hasData: !hide && total > 0)
    }
}

/// Code labels from the reference data, so charts say "Children's social care" rather than a code.
struct Labels {
    let byList: [String: [String: String]]
    private let items: [CodeListRows.Row]

    static func load(on db: any Database) async throws -> Labels {
        let items = try await CodeListRows.all(on: db)
        var byList: [String: [String: String]] = [:]
        for item in items { byList[item.list, default: [:]][item.code] = item.label }
        return Labels(byList: byList, items: items)
    }

    /// One list's codes and labels in the administrators' order.
    func ordered(_ list: String) -> [(code: String, label: String)] {
        items.filter { $0.list == list }.sorted { ($0.position, $0.code) < ($1.position, $1.code) }.map { ($0.code, $0.label) }
    }

    func label(_ list: String) -> (String) -> String {
        let labels = byList[list] ?? [:]
        return { labels[$0] ?? $0 }
    }
}

/// The region and year pickers of the report page.
struct ReportPicker: Encodable {
    let action: String
    let regions: [SelectOption]
    let years: [SelectOption]
    let csvPath: String
}

/// Every code list item as plain rows: read on most pages, so decoded without Fluent's model machinery
/// (which cost a tenth of a case page's time). Always read afresh, so an administrator's edit shows at once.
enum CodeListRows {
    struct Row: Decodable {
        let list: String
        let code: String
        let label: String
        let position: Int
    }

    static func all(on db: any Database) async throws -> [Row] {
        try await (db as! any SQLDatabase).select().columns("list", "code", "label", "position").from(CodeListItem.schema)
            .all(decoding: Row.self)
    }
}
