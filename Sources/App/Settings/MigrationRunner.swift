import Fluent
import Vapor

/// Runs the pending migrations one by one, each with the record of having run in the same transaction, so that a
/// migration killed part-way (kill -9, a power cut) leaves the database as it was before it and the next command
/// runs it again from the start. Fluent's own migrator records a migration after it, outside any transaction: a
/// kill in between left SQLite with "table people already exists" on every later command. SQLite and PostgreSQL
/// both roll back schema changes with the transaction.
///
/// Migrations that rewrite large tables (`ResumableMigration`) commit batch by batch instead, each written so that
/// running it again converts only what is left; they are recorded after their last batch.
enum MigrationRunner {
    static func migrate(_ migrations: [any AsyncMigration], on app: Application) async throws {
        try await app.migrator.setupIfNeeded().get()
        let db = app.db
        let done = Set(try await MigrationLog.query(on: db).all().map(\.name))
        let batch = (try await MigrationLog.query(on: db).max(\.$batch) ?? 0) + 1
        for migration in migrations where !done.contains(migration.name) {
            if migration is any ResumableMigration {
                try await migration.prepare(on: db)
                try await MigrationLog(name: migration.name, batch: batch).save(on: db)
                continue
            }
            try await db.transaction { tx in
                try await migration.prepare(on: tx)
                try await pauseForCrashTest(after: migration.name)
                try await MigrationLog(name: migration.name, batch: batch).save(on: tx)
            }
        }
    }
}

extension MigrationRunner {
    /// The crash test (`MigrationCrashTests`) kills the process while a migration's work is done but not committed:
    /// with `REACHABLE_PAUSE_IN_MIGRATION` naming a migration, the runner says so on standard error and waits there.
    /// Nothing else sets it.
    static func pauseForCrashTest(after name: String) async throws {
        guard ProcessInfo.processInfo.environment["REACHABLE_PAUSE_IN_MIGRATION"] == name else { return }
        FileHandle.standardError.write(Data("paused in migration \(name)\n".utf8))
        try await Task.sleep(for: .seconds(120))
    }
}

/// A migration that manages its own transactions, batch by batch, and may be run again after being stopped
/// part-way (it finds what is left to do).
protocol ResumableMigration: AsyncMigration {}

extension StoreSQLiteKeysAsBytes: ResumableMigration {}
extension HashImportFingerprints: ResumableMigration {}
extension RefoldNamesOfEveryScript: ResumableMigration {}
extension SealFreeTextInClear: ResumableMigration {}
extension SealRescueCaller: ResumableMigration {}
extension SealInformationShareAgency: ResumableMigration {}
