import Domain
import Fluent
import Foundation
import SQLKit
import Vapor

/// `reachable bench`: the in-process figures of SPEC §8 on the database named by `DATABASE_URL` (filled by
/// `reachable demo --referrals N --years 10`), each printed beside its target, and one JSON line for scripts:
/// the annual report (one region-year; all regions over ten years; the plain SQL count of referrals by region and
/// year as the floor), person search (p50, p95), and a CSV import of fresh rows. `reachable bench --http`
/// prepares the HTTP measures instead (`BenchSessions`). Run it on a release build: debug builds are several
/// times slower.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "http", help: "Prepare the HTTP measures: print a signed-in session and cases to view for each demo account")
        var http: Bool
        @Option(name: "searches", help: "Person searches to time (default 1000)")
        var searches: Int?
        @Option(name: "import-rows", help: "Rows in the timed CSV import (default 20000)")
        var importRows: Int?
        @Option(name: "cases", help: "For http: cases per session to view in random order (default 400)")
        var cases: Int?
        @Flag(name: "import-only", help: "Time the CSV import alone (to compare builds of the import on copies of one database)")
        var importOnly: Bool
        @Option(name: "import-runs", help: "With --import-only: imports to time one after another, each of a fresh file (default 1)")
        var importRuns: Int?
    }

    var help: String { "Measure the report, search and import on this database (see docs/performance.md)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.http {
            try await BenchSessions.print(app: app, casesPerSession: signature.cases ?? 400)
        } else {
            if let runs = signature.importRuns {
                guard signature.importOnly else { throw CommandError(message: "--import-runs: only with --import-only") }
                guard runs >= 1 else { throw CommandError(message: "--import-runs: a whole number of 1 or more") }
            }
            try await Self.figures(app: app, searches: signature.searches ?? 1000, importRows: signature.importRows ?? 20_000,
                                   importRuns: signature.importOnly ? signature.importRuns ?? 1 : nil)
        }
    }

    // MARK: - Figures

    /// With `importRuns`, only the import is timed, that many times one after another.
    static func figures(app: Application, searches: Int, importRows: Int, importRuns: Int? = nil) async throws {
        let db = app.db
        var result: [String: Double] = [:]
        result["referrals"] = Double(try await Referral.query(on: db).count())
        result["people"] = Double(try await Person.query(on: db).count())
        result["cases"] = Double(try await SupportCase.query(on: db).count())
        result["contacts"] = Double(try await Contact.query(on: db).count())
        StandardError.print("Data: \(Int(result["referrals"]!)) referrals, \(Int(result["people"]!)) people, "
            + "\(Int(result["cases"]!)) cases, \(Int(result["contacts"]!)) contacts")

        if importRuns == nil { try await reportAndSearchFigures(app: app, searches: searches, into: &result) }
        for run in 1...(importRuns ?? 1) {
            let rates = try await importRate(app: app, rows: importRows)
            // The JSON keeps the first import's figures, into a process just started, as every earlier run's JSON did.
            if run == 1 {
                result["import_rows_per_second"] = rates.rows
                result["import_parse_rows_per_second"] = rates.parsedRows
                result["import_processor_seconds"] = rates.processorSeconds
            }
            print(app, "CSV import of \(importRows) new rows", rates.rows, unit: "rows/s", target: ">= 20000 rows/s")
            print(app, "  of which reading and checking the file alone", rates.parsedRows, unit: "rows/s", target: "")
            print(app, "  processor time of the import, both cores", rates.processorSeconds, unit: "s", target: "")
        }

        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(json + Data("\n".utf8))
    }

    private static func reportAndSearchFigures(app: Application, searches: Int, into result: inout [String: Double]) async throws {
        let db = app.db
        let sql = db as! any SQLDatabase
        let latest = FinancialYear.containing(CivilDate.today(at: app.clock.now())).previous
        let years = (0..<10).map { FinancialYear(startYear: latest.startYear - $0) }
        let readers = app.reportReaders
        // The floor: one plain query counting referrals by region and financial year.
        result["sql_floor_ms"] = try await median(5) {
            _ = try await sql.raw("""
                SELECT region_id, CASE WHEN substr(received_date, 6, 2) >= '04' THEN CAST(substr(received_date, 1, 4) AS INTEGER)
                  ELSE CAST(substr(received_date, 1, 4) AS INTEGER) - 1 END AS financial_year, count(*) AS referrals
                FROM referrals GROUP BY 1, 2
                """).all()
        }
        result["report_region_year_ms"] = try await median(5) {
            _ = try await AnnualReportQuery.run(region: "london", year: latest, reading: readers)
        }
        result["report_all_ten_years_ms"] = try await median(3) {
            for region in ["london", "west-midlands", "greater-manchester", "merseyside"] {
                for year in years { _ = try await AnnualReportQuery.run(region: region, year: year, reading: readers) }
            }
        }
        result["report_all_regions_together_ten_years_ms"] = try await median(3) {
            for year in years { _ = try await AnnualReportQuery.run(region: "all", year: year, reading: readers) }
        }
        print(app, "Annual report, one region-year (london \(latest))", result["report_region_year_ms"]!, unit: "ms", target: "< 100 ms")
        print(app, "Annual report, every region and every one of ten years", result["report_all_ten_years_ms"]!, unit: "ms", target: "< 2000 ms")
        print(app, "Annual report, all regions together, ten years", result["report_all_regions_together_ten_years_ms"]!, unit: "ms", target: "< 2000 ms")
        print(app, "Plain SQL count of referrals by region and year (the floor)", result["sql_floor_ms"]!, unit: "ms", target: "")

        let timings = try await searchTimings(db: db, count: searches)
        result["search_p50_ms"] = percentile(timings, 0.50)
        result["search_p95_ms"] = percentile(timings, 0.95)
        result["search_max_ms"] = timings.max() ?? 0
        print(app, "Person search by name and date of birth, p50", result["search_p50_ms"]!, unit: "ms", target: "")
        print(app, "Person search by name and date of birth, p95 (\(timings.count) searches)", result["search_p95_ms"]!, unit: "ms", target: "< 20 ms")
    }

    private static func print(_ app: Application, _ label: String, _ value: Double, unit: String, target: String) {
        let shown = unit == "rows/s" ? String(format: "%.0f %@", value, unit)
            : String(format: unit == "s" ? "%.2f %@" : "%.1f %@", value, unit)
        StandardError.print("  \(label.padding(toLength: 66, withPad: " ", startingAt: 0)) \(shown.padding(toLength: 16, withPad: " ", startingAt: 0)) \(target.isEmpty ? "" : "target \(target)")")
    }

    /// The median wall time of `runs` runs, in milliseconds, after one warm-up run.
    static func median(_ runs: Int, _ body: () async throws -> Void) async throws -> Double {
        try await body()
        var times: [Double] = []
        for _ in 0..<runs {
            let started = ContinuousClock.now
            try await body()
            times.append(milliseconds(ContinuousClock.now - started))
        }
        return times.sorted()[times.count / 2]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// People of the database, searched for as a caseworker would type them: half exactly, half with a near
    /// miss (day and month swapped, or a nickname's first name), so the near-match paths are timed too.
    private static func searchTimings(db: any Database, count: Int) async throws -> [Double] {
        struct Row: Decodable { let first_name: String; let last_name: String; let date_of_birth: String }
        let sql = db as! any SQLDatabase
        let total = try await Person.query(on: db).count()
        guard total > 0 else { return [] }
        var random = SeededRandom(seed: 2026)
        var timings: [Double] = []
        for index in 0..<count {
            let offset = Int.random(in: 0..<total, using: &random)
            guard let row = try await sql.select().columns("first_name", "last_name", "date_of_birth").from(Person.schema)
                .orderBy("id").limit(1).offset(offset).first(decoding: Row.self), var born = CivilDate(row.date_of_birth) else { continue }
            var first = row.first_name
            if index % 2 == 1 {
                if born.day <= 12 { born = CivilDate(year: born.year, month: born.day, day: born.month) }
                else { first = String(first.prefix(3)) }
            }
            let key = PersonKey(firstName: first, lastName: row.last_name, dateOfBirth: born, aliases: [])
            let started = ContinuousClock.now
            _ = try await PersonMatchQuery.candidates(for: key, on: db)
            timings.append(milliseconds(ContinuousClock.now - started))
        }
        return timings
    }

    /// Times `reachable import referrals` on a file of fresh rows (new refs, new and known people), from text
    /// to committed transaction.
    /// Returns the import's rate and, for comparison, the rate of reading and checking the file alone.
    /// Also returns the import's processor time (user and system, every thread): against its wall time it shows how
    /// much of the two cores the import kept busy, and so how much of it was waiting.
    private static func importRate(app: Application, rows: Int) async throws
        -> (rows: Double, parsedRows: Double, processorSeconds: Double) {
        let reference = try await ImportReferenceData.load(on: app.db)
        let today = CivilDate.today(at: app.clock.now())
        var plan = DemoGenerator.Plan.standard(years: [FinancialYear.containing(today).previous], today: today)
        plan.scale = Double(rows) / Double(plan.referralsPerYear.values.reduce(0, +)) * 7 / 8
        // A file of its own for each import, even for imports less than a second apart (`--import-runs`): the same
        // seed and refs again would find every row already imported and write nothing.
        let microseconds = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        var generator = DemoGenerator(seed: microseconds, plan: plan,
                                      regionAuthorities: reference.localAuthoritiesByRegion.mapValues { $0.sorted() })
        let generated = generator.generate().referrals
        let stamp = String(microseconds)
        var lines = [ReferralRow.columns]
        for row in generated { lines.append(row.csvCells(ref: "BENCH-\(stamp)-" + row.ref)) }
        let text = CSVExport.render(lines)
        // Reading and checking the file alone (no database), to show how the import's time divides.
        let context = reference.context(today: today, onlyRegion: nil)
        let parseStarted = ContinuousClock.now
        let parsed = try ImportFile.rows(text, columns: ReferralRow.columns, required: ReferralRow.requiredColumns,
                                         ref: \ReferralRow.ref, line: \ReferralRow.line) { ReferralRow.parse($0, line: $1, context: context) }
        let parseSeconds = milliseconds(ContinuousClock.now - parseStarted) / 1000
        let actor = AuditEntry(action: .importFile, actor: "reachable bench", address: "command line")
        let started = ContinuousClock.now
        let processorStarted = processorSeconds()
        let (db, reader) = app.databaseAndReader
        let summary = try await ReferralImport.run(text: text, actor: actor, now: app.clock.now(), db: db, reader: reader,
                                                   writes: app.writes)
        let seconds = milliseconds(ContinuousClock.now - started) / 1000
        return (Double(summary.created) / seconds, Double(parsed.count) / parseSeconds, processorSeconds() - processorStarted)
    }

    /// User and system time of every thread of this process so far.
    private static func processorSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage) // Glibc imports the constant as an enum case
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

extension ReferralRow {
    /// The row as the import's CSV columns (SPEC §6), for a file to import.
    func csvCells(ref: String) -> [String] {
        func time(_ date: Date?) -> String { date.map { ISO8601DateFormatter().string(from: $0) } ?? "" }
        func number(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func flag(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "" }
        return [ref, receivedDate.description, region, service, referralSource, referrerOrganisation ?? "", firstName, lastName,
                dateOfBirth.description, gender, ethnicity ?? "", homeLocalAuthority, exploitationTypes.joined(separator: ";"),
                time(rescueCallAt), time(rescueArrivedAt), caseOpened?.description ?? "", caseClosed?.description ?? "",
                closureReason ?? "", number(entry.safety), number(exit.safety), number(entry.mentalHealth), number(exit.mentalHealth),
                exit.goalProgress ?? "", number(entry.criminogenicNeed), number(exit.criminogenicNeed), number(entry.missingEpisodes),
                number(exit.missingEpisodes), number(entry.offences), number(exit.offences), flag(entry.countyLinesActive),
                flag(exit.countyLinesActive), flag(entry.familyConflict), flag(exit.familyConflict), flag(entry.eet), flag(exit.eet)]
    }
}
