import Foundation
import NIOCore
import Vapor

/// `reachable audit verify [--expect-head SEQ:HASH]`: walks the chain and names the first entry that was changed,
/// removed or inserted (exit status non-zero), then prints the chain's head for the operator to keep. Given a head
/// kept earlier, it also finds a chain cut short. What is and is not detected: docs/deploy.md.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify")
        var action: String

        @Option(name: "expect-head", help: "A head printed earlier (SEQ:HASH): the chain must still hold it")
        var expectHead: String?
    }

    var help: String { "Check the audit log's chain, sealed by REACHABLE_AUDIT_KEY" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "verify" else { throw CommandError(message: "Unknown action \(signature.action): try verify") }
        let app = context.application
        var expected: Audit.Head?
        if let text = signature.expectHead {
            guard let head = Audit.Head(text) else {
                throw CommandError(message: "--expect-head must be SEQ:HASH, as `reachable audit verify` printed it")
            }
            expected = head
        }
        let count = try await AuditEvent.query(on: app.db).count()
        if let broken = try await Audit.firstBrokenEntry(on: app.db, expected: expected) {
            if let expected, broken > count {
                throw CommandError(message: "The audit log ends at entry \(count), but entry \(expected.seq) was kept as its head: "
                    + "entries were removed from its end.")
            }
            throw CommandError(message: "The audit log is broken at entry \(broken) of \(count): it was changed, removed or "
                + "inserted outside Reachable, or sealed without the audit key. Entries before \(broken) are intact.")
        }
        let head = try await Audit.head(on: app.db)
        StandardError.print("The audit log's \(count) entries are intact" + (expected.map { ", and hold the head \($0.seq) kept earlier" } ?? "") + ".")
        // The head goes to standard output: an operator keeps it outside the database for the next check.
        if let head { print("head \(head)") }
    }
}

/// Writes the chain's head to the structured log at start-up and every few minutes, so that the log (shipped
/// off the machine) holds heads the database cannot take back.
final class AuditHeadLogger: LifecycleHandler, Sendable {
    let interval: TimeAmount
    private let work = RepeatingWork()

    init(interval: TimeAmount) { self.interval = interval }

    func didBootAsync(_ app: Application) async throws {
        guard CommandLine.isServe(app.environment.arguments), app.environment != .testing else { return }
        // Written whatever LOG_LEVEL says: the head must leave the database even when the log keeps warnings only.
        var headLogger = app.logger
        headLogger.logLevel = min(headLogger.logLevel, .notice)
        let logger = headLogger
        work.start(on: app.eventLoopGroup.next(), initialDelay: .seconds(1), delay: interval) {
            do {
                if let head = try await Audit.head(on: app.db) {
                    logger.notice("audit.head", metadata: ["audit_seq": "\(head.seq)", "audit_hash": "\(head.hash)"])
                }
            } catch {
                logger.error("Reading the audit head failed: \(String(reflecting: error))")
            }
        }
    }

    func shutdownAsync(_ app: Application) async { await work.stop() }
}
