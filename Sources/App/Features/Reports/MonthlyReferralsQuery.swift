import Domain
import Fluent
import SQLKit

/// Support referrals per month of a financial year, for the report's line chart: one grouped query.
enum MonthlyReferralsQuery {
    static let monthLabels = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]

    static func run(region: String, year: FinancialYear, on db: any Database) async throws -> [Double] {
        var regionFilter: SQLQueryString = ""
        if region != "all" {
            regionFilter = " AND r.region_id IN (SELECT g.id FROM regions g WHERE g.code = \(bind: region))"
        }
        let query: SQLQueryString = """
            SELECT substr(r.received_date, 1, 7) AS month, COUNT(*) AS n FROM referrals r
            WHERE r.service = 'support' AND r.received_date BETWEEN \(bind: year.start.description) AND \(bind: year.end.description)
            """ + regionFilter + " GROUP BY 1"
        var counts = Array(repeating: 0.0, count: 12)
        for row in try await (db as! any SQLDatabase).raw(query).all() {
            let month = try row.decode(column: "month", as: String.self)
            guard let number = Int(month.suffix(2)) else { continue }
            counts[(number + 8) % 12] = Double(try row.decode(column: "n", as: Int.self))
        }
        return counts
    }
}
