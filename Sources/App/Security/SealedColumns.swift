import Fluent
import SQLKit
import Vapor

/// Every column holding a value sealed by `FieldCipher`. A new narrative field is added here, so that key
/// rotation and retention reach it.
enum SealedColumns {
    static let all: [(table: String, column: String)] = [
        (User.schema, "totp_secret"),
        (User.schema, "alert_phone"),
        (User.schema, "alert_email"),
        (User.schema, "alert_phone_pending"),
        (AlertMessageRecord.schema, "address"),
        (AlertMessageRecord.schema, "body"),
        (Person.schema, "contact_details"),
        (Referral.schema, "concerns"),
        (Referral.schema, "referrer_contact"),
        (SubjectAccessRequest.schema, "requester"),
        (InformationShare.schema, "agency"),
        (InformationShare.schema, "what"),
        (InformationShare.schema, "why"),
        (Contact.schema, "notes"),
        (RiskRating.schema, "reason"),
        (Person.schema, "safe_contact"),
        (Rescue.schema, "found_place"),
        (Rescue.schema, "caller"),
        (PendingRescue.schema, "caller"),
        (PendingRescue.schema, "found_place"),
        (PendingRescue.schema, "description"),
        (KeptSubmission.schema, "body"),
        (Goal.schema, "description"),
        (CaseRegisterEntry.schema, "fields"),
        (LoneWorkingVisit.schema, "place"),
        (LoneWorkingVisit.schema, "with_whom"),
        (LoneWorkingVisit.schema, "check_in_note"),
        (LoneWorkingVisit.schema, "acknowledgement"),
        (LoneWorkingVisit.schema, "check_out_note"),
        (VisitEscalation.schema, "step"),
        (PartnershipMeeting.schema, "notes"),
        (MeetingAction.schema, "description"),
        (ContextNote.schema, "note"),
        (Referral.schema, "not_accepted_reason"),
        (SupportCase.schema, "closure_requested_reason"),
        (SupportCase.schema, "closure_note"),
        (IdempotencyRecord.schema, "body"),
        (ShareRequest.schema, "reason"),
        (PartnerReferral.schema, "content"),
        (PartnerReferral.schema, "email_domain"),
        (Attachment.schema, "file_name"),
        (Attachment.schema, "delete_reason"),
    ]

    /// Re-seals every value not sealed under the current key, a batch at a time, each batch in its own
    /// transaction: the server keeps running, since it opens values under the old key until they are re-sealed.
    static func rotate(app: Application, batchSize: Int = 500) async throws -> Int {
        let cipher = try app.cipher
        let prefix = "v1.\(cipher.currentKeyID).%"
        var total = 0
        for (table, column) in all {
            while true {
                let rows = try await (app.db as! any SQLDatabase).raw("""
                    SELECT id, \(ident: column) AS sealed FROM \(ident: table)
                    WHERE \(ident: column) IS NOT NULL AND \(ident: column) <> '' AND \(ident: column) NOT LIKE \(bind: prefix)
                    LIMIT \(literal: batchSize)
                    """).all()
                if rows.isEmpty { break }
                let updates = try rows.map { row -> (UUID, String) in
                    let id = try row.decode(column: "id", as: UUID.self)
                    return (id, try cipher.seal(try cipher.open(try row.decode(column: "sealed", as: String.self))))
                }
                try await app.writes.transaction(on: app.db) { db in
                    let sql = db as! any SQLDatabase
                    for (id, sealed) in updates {
                        try await sql.update(table).set(SQLIdentifier(column), to: sealed).where("id", .equal, id).run()
                    }
                }
                total += updates.count
            }
        }
        return total
    }
}

/// `reachable keys rotate`: after setting a new `REACHABLE_DATA_KEY` and moving the old one to
/// `REACHABLE_OLD_DATA_KEYS`, re-seals everything under the new key. Then the old key can be retired.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate")
        var action: String
    }

    var help: String { "Re-seal every encrypted field under the current data key" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "rotate" else { throw CommandError(message: "Unknown action \(signature.action): try rotate") }
        let app = context.application
        let count = try await SealedColumns.rotate(app: app)
        let chunks = try await AttachmentStore.rotate(app: app)
        try await app.writes.transaction(on: app.db) { db in
            try await Audit.append(AuditEntry(action: .keysRotated, actor: "reachable keys rotate", objectType: .dataKey,
                                              objectID: app.cipher.currentKeyID, address: "command line",
                                              detail: "\(count) values and \(chunks) attachment chunks re-sealed"), on: db, at: app.clock.now())
        }
        StandardError.print("Re-sealed \(count) values and \(chunks) attachment chunks under key \(try app.cipher.currentKeyID). Older keys can now be retired.")
    }
}
