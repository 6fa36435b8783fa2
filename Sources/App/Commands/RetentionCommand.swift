import Domain
import Foundation
import Vapor

/// `reachable retention --dry-run` lists who is due for anonymisation; `--apply` anonymises them.
struct RetentionCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "List who is due, change nothing")
        var dryRun: Bool
        @Flag(name: "apply", help: "Anonymise everyone who is due")
        var apply: Bool
    }

    var help: String { "Anonymise young people past the retention period (REACHABLE_RETENTION_YEARS)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.dryRun != signature.apply else { throw CommandError(message: "Give --dry-run or --apply") }
        let app = context.application
        let now = app.clock.now()
        let years = try app.settings.retentionYears
        let due = try await Retention.due(years: years, today: CivilDate.today(at: now), on: app.db)
        StandardError.print("\(due.count) young people are past the \(years)-year retention period"
            + " (cut-off \(Retention.cutoff(years: years, today: CivilDate.today(at: now))); legal holds excluded).")
        if signature.dryRun {
            for item in due { FileHandle.standardOutput.write(Data("\(item.personID.uuidString)\t\(item.lastActivity)\n".utf8)) }
            return
        }
        let actor = AuditEntry(action: .personAnonymised, actor: "reachable retention", address: "command line",
                               detail: "retention \(years) years")
        for item in due {
            try await app.writes.transaction(on: app.db) { db in
                try await Retention.anonymise(item.personID, actor: actor, now: now, on: db)
            }
        }
        let cutoff = Retention.cutoff(years: years, today: CivilDate.today(at: now))
        let visits = try await app.writes.transaction(on: app.db) { db in
            try await Retention.clearVisits(before: cutoff, on: db)
        }
        StandardError.print("Anonymised \(due.count); cleared the text of \(visits) lone-working visits before \(cutoff).")
    }
}
