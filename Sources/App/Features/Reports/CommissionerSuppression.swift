import Domain
import Fluent
import Vapor

/// What a commissioner may be shown of one financial year: every figure of every region and of all regions
/// together, with the cells to hide planned over all of them at once (`SuppressionPlan`). A commissioner can open
/// each region's report and the all-regions report, each beside the year before, so a hidden cell must not be
/// recoverable from any of them: London's girls are the all-regions figure less the other regions', and a
/// reason for not meeting the criteria is the "did not meet" figure less the other reasons.
///
/// The tables and how they add up, as published:
/// - `figures`: received = met + did not meet; did not meet = the three reasons;
/// - the demographic tables of age, gender, ethnicity, referral source and local authority each add up to the
///   referrals received, exploitation types to their own total;
/// - the twelve months add up to the referrals received;
/// - every cell of the all-regions report is the sum of the regions' same cell.
/// One year's plan is used for that year wherever it appears: as the year shown, and as the year before.
struct CommissionerSuppression: Sendable {
    typealias Cell = SuppressionPlan.Cell

    let plan: SuppressionPlan

    static let demographicTablesOfReceived = ["age", "gender", "ethnicity", "referral_source", "local_authority"]
    /// Outcome numerators that are sums of differences, and may be below zero.
    static let signedOutcomes: Set<String> = ["criminogenic_need_reduction", "missing_episodes_reduction", "offending_reduction"]

    func hides(_ scope: String, _ table: String, _ key: String) -> Bool { plan.isHidden(Cell(scope, table, key)) }

    /// One year's reports and monthly referrals of every region and of all regions together, which the plan is
    /// made from and the commissioner's page then shows (read once, not again for the page).
    struct Year: Sendable {
        let reports: [String: AnnualReport]
        let months: [String: [Double]]
        let suppression: CommissionerSuppression
    }

    static func year(_ year: FinancialYear, reading readers: ReportReaders, on db: any Database) async throws -> Year {
        // Every scope's figures from one grouped pass of each query, not a pass per region.
        let reports = try await AnnualReportQuery.runEveryRegion(year: year, reading: readers)
        let regions = reports.keys.filter { $0 != "all" }.sorted()
        let months = try await MonthlyReferralsQuery.runEveryRegion(year: year, on: db)
        return Year(reports: reports, months: months, suppression: plan(reports: reports, months: months, regions: regions))
    }

    /// The plan from the reports themselves; `reports` and `months` hold every region's and "all".
    static func plan(reports: [String: AnnualReport], months: [String: [Double]], regions: [String]) -> CommissionerSuppression {
        var values: [Cell: Int] = [:]
        var relations: [SuppressionPlan.Relation] = []
        var signed: Set<Cell> = []
        var cellsByScope: [String: Set<Cell>] = [:]
        func set(_ scope: String, _ table: String, _ key: String, _ value: Int) {
            let cell = Cell(scope, table, key)
            values[cell] = value
            cellsByScope[scope, default: []].insert(cell)
        }
        for (scope, report) in reports {
            let r = report.referrals
            for (key, value) in figures(report) { set(scope, "figures", key, value) }
            let received = Cell(scope, "figures", "received")
            relations.append(.init(total: received, parts: [Cell(scope, "figures", "met_criteria"), Cell(scope, "figures", "did_not_meet_criteria")]))
            relations.append(.init(total: Cell(scope, "figures", "did_not_meet_criteria"),
                                   parts: r.didNotMeetReasons.keys.sorted().map { Cell(scope, "figures", $0) }))
            for (key, metric) in report.outcomes.all {
                set(scope, "outcome." + key, "numerator", metric.numerator)
                set(scope, "outcome." + key, "denominator", metric.denominator)
                if signedOutcomes.contains(key) { signed.insert(Cell(scope, "outcome." + key, "numerator")) }
            }
            for (table, counts) in demographics(report) {
                for (key, value) in counts { set(scope, table, key, value) }
                let parts = counts.keys.sorted().map { Cell(scope, table, $0) }
                if demographicTablesOfReceived.contains(table) {
                    relations.append(.init(total: received, parts: parts))
                } else {
                    let total = counts.values.reduce(0, +)
                    set(scope, table, "_total", total)
                    relations.append(.init(total: Cell(scope, table, "_total"), parts: parts))
                }
            }
            let monthly = months[scope] ?? []
            for (index, value) in monthly.enumerated() { set(scope, "month", monthKey(index), Int(value)) }
            if !monthly.isEmpty { relations.append(.init(total: received, parts: monthly.indices.map { Cell(scope, "month", monthKey($0)) })) }
        }
        // Every all-regions cell is the sum of the regions' same cell.
        struct TableKey: Hashable { let table: String; let key: String }
        let everyCell = Set(cellsByScope.values.flatMap { $0 }.map { TableKey(table: $0.table, key: $0.key) })
        for cell in everyCell.sorted(by: { ($0.table, $0.key) < ($1.table, $1.key) }) {
            relations.append(.init(total: Cell("all", cell.table, cell.key), parts: regions.map { Cell($0, cell.table, cell.key) }))
        }
        let signedEverywhere = Set(signed.map { Cell("all", $0.table, $0.key) }).union(signed)
        return CommissionerSuppression(plan: SuppressionPlan.make(values: values, relations: relations, signed: signedEverywhere))
    }

    static func monthKey(_ index: Int) -> String { String(format: "%02d", index + 1) }

    /// The report's figures as the page shows them, by key.
    static func figures(_ report: AnnualReport) -> [(String, Int)] {
        let r = report.referrals
        return [("received", r.received), ("met_criteria", r.metCriteria), ("did_not_meet_criteria", r.didNotMeetCriteria)]
            + r.didNotMeetReasons.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + [("engaged", r.engaged), ("repeat", r.repeat), ("rescue_requests", report.rescue.requests),
               ("rescue_converted", report.rescue.convertedToSupport), ("sessions", report.outreach.sessions),
               ("attendees", report.outreach.attendees), ("cohort", report.outcomes.cohort)]
    }

    static func demographics(_ report: AnnualReport) -> [(String, [String: Int])] {
        let d = report.demographics
        return [("age", d.age), ("gender", d.gender), ("ethnicity", d.ethnicity), ("referral_source", d.referralSource),
                ("exploitation_type", d.exploitationType), ("local_authority", d.localAuthority)]
    }
}
