@testable import App
import Domain
import Foundation
import Testing

/// The `reachable` binary itself, run as an operator would, from a folder that is not the project's.
@Suite("The reachable command")
struct CommandLineTests {
    static var binary: URL {
        // Tests run from .build/<configuration>/, where the executable is built beside them.
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [testBundle, testBundle.deletingLastPathComponent(),
                          testBundle.deletingLastPathComponent().deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("reachable") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? URL(fileURLWithPath: ".build/debug/reachable")
    }

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    static func run(_ arguments: [String], database: String, timeout: TimeInterval = 60) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        process.environment = ["DATABASE_URL": database, "REACHABLE_DATA_KEY": TestSettings.dataKey,
                               "REACHABLE_AUDIT_KEY": TestSettings.auditKey,
                               "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin", "LOG_LEVEL": "warning"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      output: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                      errors: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    static func temporarySQLite() -> String {
        "sqlite:" + FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
    }

    @Test("migrate prepares a new database by itself and says so on standard error")
    func migrate() throws {
        let result = try Self.run(["migrate"], database: Self.temporarySQLite())
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("up to date"))
        #expect(result.output.isEmpty)
    }

    @Test("users create prints a one-time set-up link, and names the option that is wrong")
    func usersCreate() throws {
        let database = Self.temporarySQLite()
        let created = try Self.run(["users", "create", "--email", "wm.manager@example.org", "--role", "manager",
                                    "--region", "west-midlands"], database: database)
        #expect(created.status == 0, "\(created.errors)")
        #expect(created.output.contains("/set-up/"))
        let bad = try Self.run(["users", "create", "--email", "x@example.org", "--role", "caseworker"], database: database)
        #expect(bad.status != 0)
        #expect(bad.errors.contains("--region"))
        let duplicate = try Self.run(["users", "create", "--email", "WM.Manager@example.org", "--role", "admin"], database: database)
        #expect(duplicate.errors.contains("already exists"))
    }

    @Test("A bad DATABASE_URL stops the command with a message naming it")
    func badDatabase() throws {
        let result = try Self.run(["migrate"], database: "mysql://nowhere")
        #expect(result.status != 0)
        #expect(result.errors.contains("DATABASE_URL"))
    }

    @Test("serve on an empty database prints a one-time link for the first admin, and no password anywhere")
    func serveFirstAdmin() throws {
        let port = Int.random(in: 20_000...40_000)
        let result = try Self.run(["serve", "--hostname", "127.0.0.1", "--port", String(port)],
                                  database: Self.temporarySQLite(), timeout: 4)
        #expect(result.errors.contains("Create the first administrator"), "\(result.errors)")
        #expect(result.errors.contains("/set-up/"))
        #expect(!result.errors.lowercased().contains("password:"))
    }
}

@Suite("Demo data")
struct DemoCommandTests {
    @Test("demo fills an empty database once, with accounts for every role, and refuses a second time")
    func demo() throws {
        let database = CommandLineTests.temporarySQLite()
        let first = try CommandLineTests.run(["demo", "--seed", "3"], database: database)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.errors.contains("Demo accounts"))
        #expect(first.errors.contains(" contacts, "), "case pages have a timeline")
        for email in ["admin@", "national.lead@", "commissioner@", "manager.west-midlands@", "caseworker.london@"] {
            #expect(first.errors.contains(email))
        }
        // No contact after the moment the demo was made (one at 18:00 on the day it was made, in the evening's future,
        // had stayed at the top of its case's timeline above everything recorded after it).
        let future = Process()
        future.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        future.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1])
            print(db.execute("SELECT count(*), sum(happened_at > ?) FROM contacts", (time.time(),)).fetchone())
            """, String(database.dropFirst("sqlite:".count))]
        let futureOut = Pipe()
        future.standardOutput = futureOut
        try future.run()
        future.waitUntilExit()
        let counts = String(decoding: futureOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(counts.hasSuffix(", 0)\n") && !counts.hasPrefix("(0,"), "contacts, none in the future: \(counts)")
        let second = try CommandLineTests.run(["demo"], database: database)
        #expect(second.status == 0)
        #expect(second.errors.contains("already holds referrals"))
        let year = FinancialYear.containing(CivilDate.today()).previous.description
        let report = try CommandLineTests.run(["report", "annual", "--region", "west-midlands", "--year", year], database: database)
        let decoded = try JSONDecoder().decode(AnnualReport.self, from: Data(report.output.utf8))
        #expect(decoded.referrals.received > 50)
        #expect(decoded.outcomes.cohort > 0)
        let code = try CommandLineTests.run(["totp", "JBSWY3DPEHPK3PXP"], database: database)
        #expect(code.output.trimmingCharacters(in: .whitespacesAndNewlines).count == 6)
    }
}

@Suite("reachable bench --import-only")
struct BenchImportOnlyTests {
    @Test("times that many imports of fresh rows and nothing else, and names a wrong --import-runs")
    func importOnly() throws {
        let database = CommandLineTests.temporarySQLite()
        let result = try CommandLineTests.run(["bench", "--import-only", "--import-runs", "2", "--import-rows", "200"],
                                              database: database)
        #expect(result.status == 0, "\(result.errors)")
        let figures = try JSONDecoder().decode([String: Double].self, from: Data(result.output.utf8))
        #expect((figures["import_rows_per_second"] ?? 0) > 0)
        #expect((figures["import_processor_seconds"] ?? 0) > 0)
        #expect(figures["report_region_year_ms"] == nil && figures["search_p95_ms"] == nil, "no report or search timed")
        #expect(result.errors.components(separatedBy: "CSV import of 200 new rows").count == 3, "two imports printed")
        // Each import wrote a file of its own: the second found none of the first's refs and created its rows too.
        let path = String(database.dropFirst("sqlite:".count))
        let count = Process()
        count.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        count.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(db.execute("SELECT count(DISTINCT substr(ref, 1, 6 + instr(substr(ref, 7), '-'))) FROM referrals "
                             "WHERE ref LIKE 'BENCH-%'").fetchone()[0])
            """, path]
        let out = Pipe()
        count.standardOutput = out
        try count.run()
        count.waitUntilExit()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "2\n")

        let alone = try CommandLineTests.run(["bench", "--import-runs", "2"], database: database)
        #expect(alone.status != 0)
        #expect(alone.errors.contains("--import-runs: only with --import-only"))
        let none = try CommandLineTests.run(["bench", "--import-only", "--import-runs", "0"], database: database)
        #expect(none.status != 0)
        #expect(none.errors.contains("--import-runs: a whole number of 1 or more"))
    }
}

@Suite("reachable audit verify")
struct AuditVerifyCommandTests {
    @Test("verify passes on an untouched log and names the entry a tamperer changed")
    func verify() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).sqlite").path
        let database = "sqlite:" + path
        #expect(try CommandLineTests.run(["users", "create", "--email", "a@example.org", "--role", "admin"], database: database).status == 0)
        #expect(try CommandLineTests.run(["users", "create", "--email", "b@example.org", "--role", "admin"], database: database).status == 0)
        let good = try CommandLineTests.run(["audit", "verify"], database: database)
        #expect(good.status == 0)
        #expect(good.errors.contains("entries are intact"))
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("DROP TRIGGER audit_events_no_update")
            db.execute("UPDATE audit_events SET actor = 'someone else' WHERE seq = 2")
            db.commit()
            """, path]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let bad = try CommandLineTests.run(["audit", "verify"], database: database)
        #expect(bad.status != 0)
        #expect(bad.errors.contains("broken at entry 2"))
    }

    /// Runs Python's sqlite3 on the database, as someone with the file but not the audit key would.
    static func tamper(_ path: String, _ script: String) throws {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, path]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
    }

    /// Recomputes every hash from entry 2 on, as the chain's canonical form defines it, with plain SHA-256.
    static let rehash = """
        import hashlib, sqlite3, sys, uuid
        db = sqlite3.connect(sys.argv[1])
        db.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        db.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        rows = db.execute("SELECT seq, at, user_id, actor, action, outcome, object_type, object_id, region, address, detail, prev_hash, hash FROM audit_events ORDER BY seq").fetchall()
        prev = None
        for row in rows:
            seq = row[0]
            if seq == 1:
                prev = row[12]
                continue
            user = str(uuid.UUID(bytes=row[2])).upper() if isinstance(row[2], bytes) else (row[2] or "")
            actor = "someone else" if seq == 2 else row[3]
            fields = [str(seq), row[1], user, actor, row[4], row[5], row[6], row[7], row[8], row[9], row[10], prev]
            canonical = "|".join(f"{len(f.encode())}:{f}" for f in fields)
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            db.execute("UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", (actor, prev, digest, seq))
            prev = digest
        db.commit()
        """

    @Test("verify finds a rewritten chain whose hashes were all recomputed without the key, and a chain cut short given its kept head")
    func rehashedAndTruncated() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).sqlite").path
        let database = "sqlite:" + path
        for name in ["a", "b", "c", "d"] {
            #expect(try CommandLineTests.run(["users", "create", "--email", "\(name)@example.org", "--role", "admin"], database: database).status == 0)
        }
        let good = try CommandLineTests.run(["audit", "verify"], database: database)
        #expect(good.status == 0)
        let head = try #require(good.output.split(separator: "\n").first { $0.hasPrefix("head ") }).dropFirst(5)
        #expect(try CommandLineTests.run(["audit", "verify", "--expect-head", String(head)], database: database).status == 0)

        // Cut short: the newest entry removed. Without the kept head the shorter chain looks whole; with it, not.
        try Self.tamper(path, """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("DROP TRIGGER audit_events_no_delete")
            db.execute("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
            db.commit()
            """)
        #expect(try CommandLineTests.run(["audit", "verify"], database: database).status == 0, "a chain simply ends")
        let cut = try CommandLineTests.run(["audit", "verify", "--expect-head", String(head)], database: database)
        #expect(cut.status != 0)
        #expect(cut.errors.contains("entries were removed from its end"), "\(cut.errors)")

        // Rewritten and rehashed from entry 2 on: the hashes are right, but they are not sealed by the key.
        try Self.tamper(path, Self.rehash)
        let rehashed = try CommandLineTests.run(["audit", "verify"], database: database)
        #expect(rehashed.status != 0)
        #expect(rehashed.errors.contains("broken at entry 2"), "\(rehashed.errors)")
    }
}
