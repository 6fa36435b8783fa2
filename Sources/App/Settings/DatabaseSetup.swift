import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

enum DatabaseSetup {
    static func use(_ location: DatabaseLocation, poolSize: Int, poolTimeout: Int, on app: Application) throws {
        switch location {
        case let .sqlite(path):
            try ownerOnly(sqliteFile: path)
            app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(Int64(poolTimeout)), sqlLogLevel: .trace),
                              as: .sqlite)
        case let .postgres(url):
            var configuration = try SQLPostgresConfiguration(url: url)
            // No just-in-time compilation: PostgreSQL compiles any statement its planner costs above 100,000, which
            // every report's grouped pass over a year's referrals is at national scale, and the compiling (10–60 ms a
            // statement) took longer than it saved. With it off, the commissioner's annual report page at about
            // 10,000 referrals a year went from 0.35–0.53 s to 0.21–0.39 s (docs/performance.md).
            configuration.coreConfiguration.options.additionalStartupParameters.append(("jit", "off"))
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: poolSize,
                                        connectionPoolTimeout: .seconds(Int64(poolTimeout)), sqlLogLevel: .trace), as: .psql)
        }
        app.use(WriteGate(serialises: location.isSQLite))
        app.use(AuditQueue())
    }

    /// The database holds children's data: only its owner may read it. SQLite creates its log files with the
    /// database file's permissions, so a new file is made owner-only before SQLite opens it, and an existing one
    /// (from before this rule) is made so at start-up.
    static func ownerOnly(sqliteFile path: String) throws {
        let files = FileManager.default
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !files.fileExists(atPath: folder) {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !files.fileExists(atPath: path) {
            guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw DatabaseFileError(path: path)
            }
        }
        for file in [path, path + "-wal", path + "-shm"] where files.fileExists(atPath: file) {
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    struct DatabaseFileError: Error, CustomStringConvertible {
        let path: String
        var description: String { "Could not create the database file \(path)" }
    }

    /// Every command migrates a new database itself (SPEC §7).
    static func prepare(_ app: Application, migrations: [any AsyncMigration]) async throws {
        if try app.settings.database.isSQLite { try await applySQLitePragmas(app) }
        try await checkDataKey(app)
        if try app.settings.database.isSQLite {
            try await MigrationRunner.migrate(migrations, on: app)
        } else {
            // Several instances may start together: one migrates while the others wait on the lock.
            try await app.db.withConnection { connection in
                let sql = connection as! any SQLDatabase
                try await sql.raw("SELECT pg_advisory_lock(\(bind: migrationLockKey))").run()
                do {
                    try await MigrationRunner.migrate(migrations, on: app)
                } catch {
                    try? await sql.raw("SELECT pg_advisory_unlock(\(bind: migrationLockKey))").run()
                    throw error
                }
                try await sql.raw("SELECT pg_advisory_unlock(\(bind: migrationLockKey))").run()
            }
        }
    }

    static let migrationLockKey: Int64 = 0x5245_4143_4841_4201

    /// Refuses to start with a data key that does not open the database's sealed fields. Started with the wrong
    /// `REACHABLE_DATA_KEY`, a server answered every sign-in with a server error, and its migrations would seal
    /// older clear text under the wrong key, leaving one database sealed under two keys. The accounts' TOTP seeds
    /// are read: every account that has signed in has one, and there are few.
    static func checkDataKey(_ app: Application) async throws {
        struct Row: Decodable { let totp_secret: String }
        let rows: [Row]
        do {
            rows = try await (app.db as! any SQLDatabase).raw("""
                SELECT totp_secret FROM users WHERE totp_secret LIKE 'v1.%'
                """).all(decoding: Row.self)
        } catch {
            return // a new database: no accounts table yet
        }
        let named = Set(rows.compactMap { FieldCipher.keyID(of: $0.totp_secret) })
        let missing = try named.subtracting(app.cipher.keyIDs)
        guard missing.isEmpty else {
            throw SettingsError.wrongFor("REACHABLE_DATA_KEY", """
                does not open this database's sealed fields (they name key \(missing.sorted().joined(separator: ", ")); \
                this server holds \(try app.cipher.keyIDs.sorted().joined(separator: ", "))). Set the key they were sealed with, \
                or add it to REACHABLE_OLD_DATA_KEYS while `reachable keys rotate` re-seals them
                """)
        }
    }

    /// WAL lets readers carry on while one writer commits, and a killed process loses no committed transaction;
    /// synchronous=NORMAL skips the flush per commit that only a power cut would need. The driver has no
    /// per-connection hook, so each event loop's connection (there is one per loop) is set up here.
    /// SQLite's default page cache is 2 MB per connection: at national scale the indexes an import or a report
    /// walks no longer fit, and every miss is a read system call (a third of the demo generator's time went to
    /// the kernel). 32 MB per connection keeps them in memory within the server's memory budget (SPEC §8).
    /// `WALCheckpointer` copies the log into the database file in the background; a connection checkpoints in its
    /// own commit only if the log has grown past 65,536 pages (256 MB of 4 KB pages), and the log file is cut back
    /// to 64 MB once it starts afresh.
    static let sqlitePragmas = ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000",
                                "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-32000", "PRAGMA temp_store=MEMORY",
                                "PRAGMA wal_autocheckpoint=65536", "PRAGMA journal_size_limit=67108864"]

    /// A bulk command (the demo generator) writing millions of rows with random UUID keys touches index pages
    /// all over a multi-gigabyte file: with the server's 32 MB cache, 400,000 referrals took six times as long as
    /// 100,000. Commands that are not the server may take a larger cache (its benefit is not measured on its own);
    /// nothing happens on PostgreSQL.
    static func enlargeSQLiteCache(_ app: Application, megabytes: Int) async throws {
        try await onEverySQLiteConnection(app, run: ["PRAGMA cache_size=-" + String(megabytes * 1000)])
    }

    static func applySQLitePragmas(_ app: Application) async throws {
        try await onEverySQLiteConnection(app, run: sqlitePragmas)
    }

    /// Pragmas are per connection, and the driver keeps one connection per event loop.
    private static func onEverySQLiteConnection(_ app: Application, run statements: [String]) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let db = app.databases.database(logger: app.logger, on: loop) as? any SQLDatabase,
                  db.dialect.name == "sqlite" else { continue }
            for statement in statements {
                try await db.raw(SQLQueryString(statement)).run()
            }
        }
    }
}
