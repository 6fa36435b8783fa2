import Domain
import Fluent
import Foundation
import SQLKit

/// Builds the annual report with grouped queries in the database: a handful of aggregate queries whatever the
/// number of referrals (SPEC §4; the speed targets of §8). `region` is a region code or `all`.
enum AnnualReportQuery {
    enum Failure: Error, CustomStringConvertible {
        case unknownRegion(String)

        var description: String {
            switch self {
            case let .unknownRegion(code): "--region: \"\(code)\" is not a region (or all)"
            }
        }
    }

    static func run(region: String, year: FinancialYear, on db: any Database) async throws -> AnnualReport {
        try await run(region: region, year: year, reading: ReportReaders(first: db, second: db))
    }

    /// The demographics' two grouped passes over the period's referrals, about half of a report's work, run on
    /// the second reader while the other queries run on the first: on SQLite, which runs each statement on one
    /// core, a report then uses both cores (docs/performance.md). The queries are independent; as before, each
    /// reads the data as committed when it runs.
    static func run(region: String, year: FinancialYear, reading readers: ReportReaders) async throws -> AnnualReport {
        let scope = try await Scope.of(region: region, year: year, readers.first as! any SQLDatabase)
        let shares = try await shares(scope, readers)
        return RegionShare.report(region, year: year, from: Array(shares.values))
    }

    /// Every region's report and that of all regions together ("all"), from one pass of each query grouped by
    /// region, rather than a pass per region: the commissioners' page needs them all for two years.
    static func runEveryRegion(year: FinancialYear, reading readers: ReportReaders) async throws -> [String: AnnualReport] {
        let scope = try await Scope.of(region: "all", year: year, readers.first as! any SQLDatabase).byRegion()
        let shares = try await shares(scope, readers)
        var reports = ["all": RegionShare.report("all", year: year, from: Array(shares.values))]
        for (id, code) in scope.regionCodes {
            reports[code] = RegionShare.report(code, year: year, from: shares[id].map { [$0] } ?? [])
        }
        return reports
    }

    /// Each region's share of the period's figures; one share, under `Scope.together`, unless the scope is
    /// `byRegion` (grouping costs a report of all regions about a third more when it is not needed).
    private static func shares(_ scope: Scope, _ readers: ReportReaders) async throws -> [UUID: RegionShare] {
        let sql = readers.first as! any SQLDatabase
        // The outcomes' pass over the period's closed cases and their measures is the longest statement (at
        // 400,000 referrals on PostgreSQL 72 ms of a year's 188): it runs on one reader while the other runs the
        // rest (63 ms of referrals, rescues and outreach, then 42 of demographics), where it had followed them.
        async let outcomes = outcomeSums(scope, readers.second as! any SQLDatabase)
        var shares: [UUID: RegionShare] = [:]
        for (region, counts) in try await referrals(scope, sql) {
            shares[region, default: RegionShare()].referrals = counts.referrals
            shares[region, default: RegionShare()].rescue = counts.rescue
        }
        for (region, minutes) in try await rescueResponseMinutes(scope, sql) { shares[region, default: RegionShare()].responseMinutes = minutes }
        for (region, counts) in try await outreach(scope, sql) { shares[region, default: RegionShare()].outreach = counts }
        for (region, counts) in try await demographics(scope, sql) { shares[region, default: RegionShare()].demographics = counts }
        for (region, sums) in try await outcomes { shares[region, default: RegionShare()].outcomes = sums }
        return shares
    }

    /// Which rows a report covers: its regions (every region for "all") and its period, bound as parameters.
    struct Scope {
        let regionCodes: [UUID: String]
        let start: String
        let end: String
        /// Whether the queries return each region's share, or one share of the whole scope.
        private(set) var isByRegion = false
        var regionIDs: [UUID] { regionCodes.keys.sorted { $0.uuidString < $1.uuidString } }

        /// The key of the one share of a scope that is not read by region.
        static let together = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

        func byRegion() -> Scope {
            var scope = self
            scope.isByRegion = true
            return scope
        }

        /// `<alias>.region_id AS region_id, ` when read by region.
        func regionColumn(_ alias: String) -> SQLQueryString {
            isByRegion ? "\(ident: alias).region_id AS region_id, " : ""
        }

        /// ` GROUP BY <alias>.region_id` when read by region.
        func groupByRegion(_ alias: String) -> SQLQueryString {
            isByRegion ? " GROUP BY \(ident: alias).region_id" : ""
        }

        /// Whose share a row is.
        func share(of row: any SQLRow) throws -> UUID {
            isByRegion ? try row.decode(column: "region_id", as: UUID.self) : Self.together
        }

        /// "all" names every region, so the report's indexes, which lead with the region, serve it too.
        static func of(region: String, year: FinancialYear, _ sql: any SQLDatabase) async throws -> Scope {
            struct RegionRow: Decodable { let id: UUID; let code: String }
            var regions = sql.select().column("id").column("code").from(Region.schema)
            if region != "all" { regions = regions.where("code", .equal, region) }
            let rows = try await regions.all(decoding: RegionRow.self)
            if region != "all" && rows.isEmpty { throw Failure.unknownRegion(region) }
            return Scope(regionCodes: Dictionary(rows.map { ($0.id, $0.code) }, uniquingKeysWith: { first, _ in first }),
                         start: year.start.description, end: year.end.description)
        }

        /// `AND <alias>.region_id IN (…) AND <alias>.<dateColumn> BETWEEN … AND …`
        func filter(_ alias: String, date dateColumn: String) -> SQLQueryString {
            // With no regions at all (an empty database), `IN ()` is not valid SQL: match nothing instead.
            guard !regionIDs.isEmpty else { return " AND 1 = 0" }
            return " AND \(ident: alias).region_id IN (\(binds: regionIDs))"
                + " AND \(ident: alias).\(ident: dateColumn) BETWEEN \(bind: start) AND \(bind: end)"
        }
    }

    /// Support referrals and rescue requests in one pass over the period's referrals (each pass reads every
    /// referral of the period, whichever service it is for). A repeat is read from `is_repeat`, which every path
    /// that opens, closes or reopens a case, takes a referral or merges people recomputes (SPEC §4), rather than
    /// looked up per referral among the young person's cases.
    private static func referrals(_ scope: Scope, _ sql: any SQLDatabase) async throws
        -> [UUID: (referrals: AnnualReport.Referrals, rescue: AnnualReport.Rescue)] {
        let query: SQLQueryString = """
            SELECT \(scope.regionColumn("r"))
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' THEN 1 ELSE 0 END), 0) AS BIGINT) AS received,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' AND r.eligible THEN 1 ELSE 0 END), 0) AS BIGINT) AS met,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' AND r.first_ineligibility_reason = 'outside_area' THEN 1 ELSE 0 END), 0) AS BIGINT) AS outside_area,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' AND r.first_ineligibility_reason = 'age_25_or_over' THEN 1 ELSE 0 END), 0) AS BIGINT) AS too_old,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' AND r.first_ineligibility_reason = 'no_exploitation_concern' THEN 1 ELSE 0 END), 0) AS BIGINT) AS no_concern,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' AND r.eligible AND EXISTS (SELECT 1 FROM cases c WHERE c.referral_id = r.id) THEN 1 ELSE 0 END), 0) AS BIGINT) AS engaged,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'support' AND r.is_repeat THEN 1 ELSE 0 END), 0) AS BIGINT) AS repeats,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'rescue' THEN 1 ELSE 0 END), 0) AS BIGINT) AS requests,
              CAST(COALESCE(SUM(CASE WHEN r.service = 'rescue' AND EXISTS (SELECT 1 FROM cases c WHERE c.referral_id = r.id) THEN 1 ELSE 0 END), 0) AS BIGINT) AS converted
            FROM referrals r WHERE r.service IN ('support', 'rescue')
            """ + scope.filter("r", date: "received_date") + scope.groupByRegion("r")
        var shares: [UUID: (referrals: AnnualReport.Referrals, rescue: AnnualReport.Rescue)] = [:]
        for row in try await sql.raw(query).all() {
            var result = AnnualReport.Referrals()
            var rescue = AnnualReport.Rescue()
            result.received = try row.decode(column: "received", as: Int.self)
            result.metCriteria = try row.decode(column: "met", as: Int.self)
            result.didNotMeetCriteria = result.received - result.metCriteria
            result.didNotMeetReasons = [
                Eligibility.Reason.outsideArea.rawValue: try row.decode(column: "outside_area", as: Int.self),
                Eligibility.Reason.age25OrOver.rawValue: try row.decode(column: "too_old", as: Int.self),
                Eligibility.Reason.noExploitationConcern.rawValue: try row.decode(column: "no_concern", as: Int.self),
            ]
            result.engaged = try row.decode(column: "engaged", as: Int.self)
            result.repeat = try row.decode(column: "repeats", as: Int.self)
            rescue.requests = try row.decode(column: "requests", as: Int.self)
            rescue.convertedToSupport = try row.decode(column: "converted", as: Int.self)
            shares[try scope.share(of: row)] = (result, rescue)
        }
        return shares
    }

    /// Rescues are few (hundreds a year), so their times are read and the median taken from them
    /// (`RegionShare.report`): a median cannot be added up across regions.
    private static func rescueResponseMinutes(_ scope: Scope, _ sql: any SQLDatabase) async throws -> [UUID: [Double]] {
        let times: SQLQueryString = """
            SELECT \(scope.regionColumn("r")) s.call_at AS call_at, s.arrived_at AS arrived_at
            FROM rescues s JOIN referrals r ON r.id = s.referral_id
            WHERE r.service = 'rescue' AND s.call_at IS NOT NULL AND s.arrived_at IS NOT NULL
            """ + scope.filter("r", date: "received_date")
        var minutes: [UUID: [Double]] = [:]
        for row in try await sql.raw(times).all() {
            minutes[try scope.share(of: row), default: []].append(
                try row.decode(column: "arrived_at", as: Date.self).timeIntervalSince(try row.decode(column: "call_at", as: Date.self)) / 60)
        }
        return minutes
    }

    private static func outreach(_ scope: Scope, _ sql: any SQLDatabase) async throws -> [UUID: AnnualReport.Outreach] {
        let query: SQLQueryString = """
            SELECT \(scope.regionColumn("o")) COUNT(*) AS sessions, CAST(COALESCE(SUM(o.attendees), 0) AS BIGINT) AS attendees
            FROM outreach_sessions o WHERE 1 = 1
            """ + scope.filter("o", date: "date") + scope.groupByRegion("o")
        var shares: [UUID: AnnualReport.Outreach] = [:]
        for row in try await sql.raw(query).all() {
            var result = AnnualReport.Outreach()
            result.sessions = try row.decode(column: "sessions", as: Int.self)
            result.attendees = try row.decode(column: "attendees", as: Int.self)
            shares[try scope.share(of: row)] = result
        }
        return shares
    }

    /// `OutcomeSums.count` (the Domain's definitions, case by case) summed over the period's closed cases in one
    /// pass; `OutcomeDefinitionTests` checks the two agree.
    private static func outcomeSums(_ scope: Scope, _ sql: any SQLDatabase) async throws -> [UUID: OutcomeSums] {
        let yes: SQLQueryString = "\(bind: true)", no: SQLQueryString = "\(bind: false)"
        let query: SQLQueryString = """
            SELECT \(scope.regionColumn("c")) COUNT(*) AS cohort,
              CAST(COALESCE(SUM(CASE WHEN en.safety IS NOT NULL AND ex.safety IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS safety_pairs,
              CAST(COALESCE(SUM(CASE WHEN ex.safety > en.safety THEN 1 ELSE 0 END), 0) AS BIGINT) AS safety_improved,
              CAST(COALESCE(SUM(CASE WHEN en.mental_health IS NOT NULL AND ex.mental_health IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS mh_pairs,
              CAST(COALESCE(SUM(CASE WHEN ex.mental_health > en.mental_health THEN 1 ELSE 0 END), 0) AS BIGINT) AS mh_improved,
              CAST(COALESCE(SUM(CASE WHEN ex.goal_progress IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS goal_recorded,
              CAST(COALESCE(SUM(CASE WHEN ex.goal_progress = 'positive' THEN 1 ELSE 0 END), 0) AS BIGINT) AS goal_positive,
              CAST(COALESCE(SUM(CASE WHEN ex.criminogenic_need IS NOT NULL THEN en.criminogenic_need ELSE 0 END), 0) AS BIGINT) AS crim_entry,
              CAST(COALESCE(SUM(CASE WHEN en.criminogenic_need IS NOT NULL THEN ex.criminogenic_need ELSE 0 END), 0) AS BIGINT) AS crim_exit,
              CAST(COALESCE(SUM(CASE WHEN ex.missing_episodes IS NOT NULL THEN en.missing_episodes ELSE 0 END), 0) AS BIGINT) AS missing_entry,
              CAST(COALESCE(SUM(CASE WHEN en.missing_episodes IS NOT NULL THEN ex.missing_episodes ELSE 0 END), 0) AS BIGINT) AS missing_exit,
              CAST(COALESCE(SUM(CASE WHEN ex.offences IS NOT NULL THEN en.offences ELSE 0 END), 0) AS BIGINT) AS offences_entry,
              CAST(COALESCE(SUM(CASE WHEN en.offences IS NOT NULL THEN ex.offences ELSE 0 END), 0) AS BIGINT) AS offences_exit,
              CAST(COALESCE(SUM(CASE WHEN en.county_lines_active = \(yes) AND ex.county_lines_active IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS cl_active,
              CAST(COALESCE(SUM(CASE WHEN en.county_lines_active = \(yes) AND ex.county_lines_active = \(no) THEN 1 ELSE 0 END), 0) AS BIGINT) AS cl_stopped,
              CAST(COALESCE(SUM(CASE WHEN en.family_conflict = \(yes) AND ex.family_conflict IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS conflict_entry,
              CAST(COALESCE(SUM(CASE WHEN en.family_conflict = \(yes) AND ex.family_conflict = \(no) THEN 1 ELSE 0 END), 0) AS BIGINT) AS conflict_ended,
              CAST(COALESCE(SUM(CASE WHEN ex.eet IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS eet_recorded,
              CAST(COALESCE(SUM(CASE WHEN ex.eet = \(yes) THEN 1 ELSE 0 END), 0) AS BIGINT) AS eet_yes
            FROM cases c
            LEFT JOIN outcome_measures en ON en.case_id = c.id AND en.stage = 'entry'
            LEFT JOIN outcome_measures ex ON ex.case_id = c.id AND ex.stage = 'exit'
            WHERE c.closed_date IS NOT NULL
            """ + scope.filter("c", date: "closed_date") + scope.groupByRegion("c")
        var shares: [UUID: OutcomeSums] = [:]
        for row in try await sql.raw(query).all() {
            var sums = OutcomeSums()
            func value(_ column: String) throws -> Int { try row.decode(column: column, as: Int.self) }
            sums.cohort = try value("cohort")
            sums.safetyPairs = try value("safety_pairs")
            sums.safetyImproved = try value("safety_improved")
            sums.mentalHealthPairs = try value("mh_pairs")
            sums.mentalHealthImproved = try value("mh_improved")
            sums.goalRecorded = try value("goal_recorded")
            sums.goalPositive = try value("goal_positive")
            sums.criminogenicEntry = try value("crim_entry")
            sums.criminogenicExit = try value("crim_exit")
            sums.missingEntry = try value("missing_entry")
            sums.missingExit = try value("missing_exit")
            sums.offencesEntry = try value("offences_entry")
            sums.offencesExit = try value("offences_exit")
            sums.countyLinesActiveAtEntry = try value("cl_active")
            sums.countyLinesStopped = try value("cl_stopped")
            sums.conflictAtEntry = try value("conflict_entry")
            sums.conflictEnded = try value("conflict_ended")
            sums.eetRecorded = try value("eet_recorded")
            sums.eetAtExit = try value("eet_yes")
            shares[try scope.share(of: row)] = sums
        }
        return shares
    }

    private static func demographics(_ scope: Scope, _ sql: any SQLDatabase) async throws -> [UUID: AnnualReport.Demographics] {
        let support: SQLQueryString = " WHERE r.service = 'support'" + scope.filter("r", date: "received_date")
        var shares: [UUID: AnnualReport.Demographics] = [:]
        // Age, gender, ethnicity and source in one pass over the period's referrals, grouped by all four and
        // summed here (a few hundred groups), rather than four passes: at national scale each pass reads every
        // referral of the year. Keys are text on both databases (JSON object keys are strings).
        let combined: SQLQueryString = """
            SELECT CAST(r.age_at_referral AS TEXT) AS age, r.gender AS gender, COALESCE(r.ethnicity, 'not_known') AS ethnicity,
              r.referral_source AS source, \(scope.regionColumn("r")) COUNT(*) AS n FROM referrals r
            """ + support + " GROUP BY 1, 2, 3, 4" + (scope.isByRegion ? ", 5" : "")
        for row in try await sql.raw(combined).all() {
            let n = try row.decode(column: "n", as: Int.self)
            guard n > 0 else { continue }
            let region = try scope.share(of: row)
            shares[region, default: .init()].age[try row.decode(column: "age", as: String.self), default: 0] += n
            shares[region, default: .init()].gender[try row.decode(column: "gender", as: String.self), default: 0] += n
            shares[region, default: .init()].ethnicity[try row.decode(column: "ethnicity", as: String.self), default: 0] += n
            shares[region, default: .init()].referralSource[try row.decode(column: "source", as: String.self), default: 0] += n
        }
        // Exploitation types and home areas from the referral's own columns, grouped in the database and split
        // or named here: a join per referral (to its exploitation type rows, or to the local authorities) cost
        // more than the rest of the report together. A home area outside the referral's own region is counted
        // as "outside_region".
        let areasQuery: SQLQueryString = """
            SELECT r.region_id AS region_id, r.home_local_authority AS area, r.exploitation_types AS types, COUNT(*) AS n
            FROM referrals r
            """ + support + " GROUP BY 1, 2, 3"
        let areasOfRegion = try await localAuthorities(of: scope.regionIDs, sql)
        for row in try await sql.raw(areasQuery).all() {
            let n = try row.decode(column: "n", as: Int.self)
            guard n > 0 else { continue }
            let area = try row.decode(column: "area", as: String.self)
            // Judged against the referral's own region whatever the share.
            let inRegion = areasOfRegion[try row.decode(column: "region_id", as: UUID.self)]?.contains(area) ?? false
            let share = try scope.share(of: row)
            shares[share, default: .init()].localAuthority[inRegion ? area : "outside_region", default: 0] += n
            for code in StoredCodes.split(try row.decode(column: "types", as: String.self)) {
                shares[share, default: .init()].exploitationType[String(code), default: 0] += n
            }
        }
        return shares
    }

    private static func localAuthorities(of regionIDs: [UUID], _ sql: any SQLDatabase) async throws -> [UUID: Set<String>] {
        guard !regionIDs.isEmpty else { return [:] }
        struct Row: Decodable { let code: String; let region_id: UUID }
        let rows = try await sql.select().columns("code", "region_id").from(LocalAuthority.schema)
            .where("region_id", .in, regionIDs).all(decoding: Row.self)
        return rows.reduce(into: [:]) { result, row in result[row.region_id, default: []].insert(row.code) }
    }
}
