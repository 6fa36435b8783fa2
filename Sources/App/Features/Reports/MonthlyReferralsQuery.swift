import Domain
import Fluent
import Foundation
import SQLKit

/// Support referrals per month of a financial year, for the report's line chart: one grouped query.
enum MonthlyReferralsQuery {
    static let monthLabels = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]

    static func run(region: String, year: FinancialYear, on db: any Database) async throws -> [Double] {
        // Bound to the report's regions like the report itself, so the report's covering index serves it.
        let scope = try await AnnualReportQuery.Scope.of(region: region, year: year, db as! any SQLDatabase)
        return try await counts(scope, on: db).values.reduce(into: Array(repeating: 0.0, count: 12)) { total, region in
            for month in 0..<12 { total[month] += region[month] }
        }
    }

    /// Every region's months and all regions' together ("all"), from one grouped pass.
    static func runEveryRegion(year: FinancialYear, on db: any Database) async throws -> [String: [Double]] {
        let scope = try await AnnualReportQuery.Scope.of(region: "all", year: year, db as! any SQLDatabase)
        let counts = try await counts(scope, on: db)
        var result = ["all": counts.values.reduce(into: Array(repeating: 0.0, count: 12)) { total, region in
            for month in 0..<12 { total[month] += region[month] }
        }]
        for (id, code) in scope.regionCodes { result[code] = counts[id] ?? Array(repeating: 0.0, count: 12) }
        return result
    }

    private static func counts(_ scope: AnnualReportQuery.Scope, on db: any Database) async throws -> [UUID: [Double]] {
        let query: SQLQueryString = "SELECT r.region_id AS region_id, substr(r.received_date, 1, 7) AS month, COUNT(*) AS n"
            + " FROM referrals r WHERE r.service = 'support'" + scope.filter("r", date: "received_date") + " GROUP BY 1, 2"
        var counts: [UUID: [Double]] = [:]
        for row in try await (db as! any SQLDatabase).raw(query).all() {
            let month = try row.decode(column: "month", as: String.self)
            guard let number = Int(month.suffix(2)) else { continue }
            counts[try row.decode(column: "region_id", as: UUID.self), default: Array(repeating: 0.0, count: 12)][(number + 8) % 12]
                = Double(try row.decode(column: "n", as: Int.self))
        }
        return counts
    }
}
