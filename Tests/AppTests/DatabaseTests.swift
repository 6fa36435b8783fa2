@testable import App
import Domain
import Fluent
import SQLKit
import Testing
import VaporTesting

@Suite("Database, migrations and reference data")
struct DatabaseTests {
    @Test("Migrations seed the four regions, their local authorities and every code list")
    func referenceData() async throws {
        try await withApp { app in
            let regions = try await Region.query(on: app.db).with(\.$localAuthorities).all()
            let counts = Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0.localAuthorities.count) })
            #expect(counts == ["london": 33, "west-midlands": 7, "greater-manchester": 10, "merseyside": 5])
            let lists = Set(try await CodeListItem.query(on: app.db).all().map(\.list))
            #expect(lists == Set(CodeList.allCases.map(\.rawValue)))
        }
    }

    @Test("Running the migrations again changes nothing")
    func migrateTwice() async throws {
        try await withApp { app in
            try await app.autoMigrate()
            #expect(try await Region.query(on: app.db).count() == 4)
        }
    }

    @Test("SQLite runs in WAL mode with synchronous=NORMAL on every pooled connection")
    func sqlitePragmas() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withApp { app in
            for loop in app.eventLoopGroup.makeIterator() {
                let db = app.databases.database(logger: app.logger, on: loop) as! any SQLDatabase
                let mode = try await db.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                let sync = try await db.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                #expect(mode == "wal")
                #expect(sync == 1, "1 is NORMAL")
                let checkpointAfter = try await db.raw("PRAGMA wal_autocheckpoint").first()?
                    .decode(column: "wal_autocheckpoint", as: Int.self)
                #expect(checkpointAfter == 65_536, "commits checkpoint only if the background checkpointer falls behind")
            }
        }
    }

    @Test("The write-ahead log is copied into the database file in the background, and the checkpointer stops cleanly")
    func backgroundCheckpoint() async throws {
        guard !TestDatabase.isPostgres else { return }
        try await withApp { app in
            try await app.asyncBoot()
            let checkpointer = try #require(app.walCheckpointer)
            // Enough rows to fill many pages of the log, which no commit checkpoints any more.
            let reference = try await ImportReferenceData.load(on: app.db)
            let file = ImportPartsTests.generatedFile(rows: 1_000, reference: reference, today: CivilDate.today(at: app.clock.now()))
            _ = try await ReferralImport.run(text: file.text, actor: AuditEntry(action: .importFile, actor: "test"),
                                             now: app.clock.now(), db: app.db, writes: app.writes)
            var latest = checkpointer.latest
            for _ in 0..<50 where !(latest.map { $0.logPages > 20 && $0.copiedPages == $0.logPages } ?? false) {
                try await Task.sleep(for: .milliseconds(100))
                latest = checkpointer.latest
            }
            let result = try #require(latest)
            #expect(result.logPages > 20 && result.copiedPages == result.logPages,
                    "every page of the log copied: \(result.copiedPages) of \(result.logPages)")
        }
    }
}
