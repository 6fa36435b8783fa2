import Domain
import Foundation
import Vapor

/// `reachable import referrals FILE` and `reachable import outreach FILE` (SPEC §6, §7). Problems go to standard
/// error as `line N: column: problem`, every one of them, and the exit status is non-zero with nothing written.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "referrals or outreach")
        var kind: String
        @Argument(name: "file", help: "The CSV file to import")
        var file: String
    }

    var help: String { "Import referrals or outreach sessions from a CSV file, whole or not at all" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            throw CommandError(message: "Cannot read \(signature.file)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandError(message: "line 1: (file): the file is not UTF-8 text")
        }
        let actor = AuditEntry(action: .importFile, actor: "reachable import", address: "command line")
        let now = app.clock.now()
        do {
            let summary: ImportSummary
            switch signature.kind {
            case "referrals":
                let (db, reader) = app.databaseAndReader
                summary = try await ReferralImport.run(text: text, actor: actor, now: now, db: db, reader: reader, writes: app.writes) { rows in
                    StandardError.print("\(rows) rows read and checked; nothing is saved until the whole file is")
                }
            case "outreach":
                summary = try await OutreachImport.run(text: text, actor: actor, now: now, db: app.db, writes: app.writes)
            default:
                throw CommandError(message: "Unknown kind \(signature.kind): import referrals or outreach")
            }
            StandardError.print("Imported \(signature.file): \(summary.sentence).")
        } catch let problems as ImportProblems {
            StandardError.print(problems.description)
            throw CommandError(message: "\(signature.file) was not imported (\(problems.problems.count) problems); nothing was written")
        }
    }
}
