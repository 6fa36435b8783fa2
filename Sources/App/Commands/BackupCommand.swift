import Fluent
import Foundation
import SQLKit
import Vapor

/// `reachable backup FILE` and `reachable restore FILE`. SQLite: an online, consistent copy (`VACUUM INTO`);
/// restoring copies every table of the backup into an empty database of the same schema. PostgreSQL: `pg_dump`
/// in its custom format and `pg_restore`. The audit chain travels with the data, so `audit verify` passes after.
enum Backups {
    enum Failure: Error, CustomStringConvertible {
        case notEmpty, schemaDiffers, tool(String)

        var description: String {
            switch self {
            case .notEmpty: "The target database already holds accounts or records: restore only into an empty database"
            case .schemaDiffers: "The backup was made by a different version of Reachable (its migrations differ)"
            case let .tool(message): message
            }
        }
    }

    static func backup(app: Application, to file: String) async throws {
        switch try app.settings.database {
        case .sqlite:
            try? FileManager.default.removeItem(atPath: file)
            try await (app.db as! any SQLDatabase).raw("VACUUM INTO \(bind: file)").run()
        case let .postgres(url):
            try run("pg_dump", ["--format=custom", "--no-owner", "--file", file, "--dbname", url])
        }
    }

    static func restore(app: Application, from file: String) async throws {
        guard FileManager.default.fileExists(atPath: file) else { throw Failure.tool("No backup at \(file)") }
        let users = try await User.query(on: app.db).count()
        let referrals = try await Referral.query(on: app.db).count()
        let entries = try await AuditEvent.query(on: app.db).count()
        let holdsData = users + referrals + entries > 0
        guard !holdsData else { throw Failure.notEmpty }
        switch try app.settings.database {
        case .sqlite:
            try await restoreSQLite(app: app, from: file)
        case let .postgres(url):
            try run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, file])
        }
    }

    private static func restoreSQLite(app: Application, from file: String) async throws {
        try await app.db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("ATTACH DATABASE \(bind: file) AS backup").run()
            do {
                let ours = try await sql.raw("SELECT name FROM main._fluent_migrations ORDER BY name").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                let theirs = try await sql.raw("SELECT name FROM backup._fluent_migrations ORDER BY name").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                guard ours == theirs else { throw Failure.schemaDiffers }
                let tables = try await sql.raw("""
                    SELECT name FROM backup.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_fluent_migrations'
                    """).all().map { try $0.decode(column: "name", as: String.self) }
                try await sql.raw("PRAGMA foreign_keys = OFF").run()
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    for table in tables where table != AuditEvent.schema {
                        try await sql.raw("DELETE FROM main.\(ident: table)").run()
                    }
                    for table in tables {
                        try await sql.raw("INSERT INTO main.\(ident: table) SELECT * FROM backup.\(ident: table)").run()
                    }
                    try await sql.raw("COMMIT").run()
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
                try await sql.raw("PRAGMA foreign_keys = ON").run()
            } catch {
                try? await sql.raw("DETACH DATABASE backup").run()
                throw error
            }
            try await sql.raw("DETACH DATABASE backup").run()
        }
    }

    /// Runs one of PostgreSQL's client tools; its error output becomes the message.
    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure.tool("\(tool) failed: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the backup")
        var file: String
    }

    var help: String { "Write a consistent backup of the database to FILE while Reachable runs" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Backups.backup(app: app, to: signature.file)
        try await app.writes.transaction(on: app.db) { db in
            try await Audit.append(AuditEntry(action: .backupWritten, actor: "reachable backup", objectType: .backup,
                                              address: "command line"), on: db, at: app.clock.now())
        }
        StandardError.print("Backup written to \(signature.file).")
    }
}

struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A backup written by reachable backup")
        var file: String
    }

    var help: String { "Restore a backup into an empty database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            try await Backups.restore(app: context.application, from: signature.file)
        } catch let failure as Backups.Failure {
            throw CommandError(message: failure.description)
        }
        StandardError.print("Restored \(signature.file). Check it with: reachable audit verify")
    }
}
