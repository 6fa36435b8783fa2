import Foundation
import Vapor

/// `reachable audit verify`: walks the hash chain and names the first entry that was changed, removed or
/// inserted (exit status non-zero), so tampering by anyone with database access is detectable.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify")
        var action: String
    }

    var help: String { "Check the audit log's hash chain" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "verify" else { throw CommandError(message: "Unknown action \(signature.action): try verify") }
        let app = context.application
        let count = try await AuditEvent.query(on: app.db).count()
        if let broken = try await Audit.firstBrokenEntry(on: app.db) {
            throw CommandError(message: "The audit log is broken at entry \(broken) of \(count): it was changed, removed or "
                + "inserted outside Reachable. Entries before \(broken) are intact.")
        }
        StandardError.print("The audit log's \(count) entries are intact.")
    }
}
