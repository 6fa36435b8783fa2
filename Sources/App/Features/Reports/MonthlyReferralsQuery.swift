import Domain
import Fluent
import SQLKit

/// Support referrals per month of a financial year, for the report's line chart: one grouped query.
enum MonthlyReferralsQuery {
    static let monthLabels = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]

    static func run(region: String, year: FinancialYear, on db: any Database) async throws -> [Double] {
        let sql = db as! any SQLDatabase
        // Bound to the report's regions like the report itself, so the report's covering index serves it.
        let scope = try await AnnualReportQuery.Scope.of(region: region, year: year, sql)
        let query: SQLQueryString = "SELECT substr(r.received_date, 1, 7) AS month, COUNT(*) AS n FROM referrals r"
            + " WHERE r.service = 'support'" + scope.filter("r", date: "received_date") + " GROUP BY 1"
        var counts = Array(repeating: 0.0, count: 12)
        for row in try await sql.raw(query).all() {
            let month = try row.decode(column: "month", as: String.self)
            guard let number = Int(month.suffix(2)) else { continue }
            counts[(number + 8) % 12] = Double(try row.decode(column: "n", as: Int.self))
        }
        return counts
    }
}
