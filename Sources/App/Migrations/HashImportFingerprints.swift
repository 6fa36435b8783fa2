import Fluent
import Foundation
import SQLKit

/// Replaces every imported referral's fingerprint stored in clear (the whole row, names and date of birth
/// included) by its digest (`ImportFingerprint`), so that a later import of the same rows still finds them
/// unchanged. A thousand referrals at a time in order of their key, each batch in its own transaction: a run
/// stopped part-way leaves the migration unrecorded, and the next run skips what is already a digest.
///
/// It cannot be undone (the digest does not give the row back): reverting leaves the digests, which every later
/// import reads as they are.
struct HashImportFingerprints: AsyncMigration {
    var name: String { "HashImportFingerprints" }
    var batchSize = 1_000

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        struct Stored: Decodable { let id: UUID; let import_fingerprint: String }
        var after: UUID?
        while true {
            var select = sql.select().columns("id", "import_fingerprint").from(Referral.schema)
                .where("import_fingerprint", .isNot, SQLLiteral.null)
                .orderBy("id").limit(batchSize)
            if let after { select = select.where("id", .greaterThan, after) }
            let rows = try await select.all(decoding: Stored.self)
            guard let last = rows.last else { return }
            after = last.id
            let inClear = rows.filter { $0.import_fingerprint.utf8.count != ImportFingerprint.storedLength }
            guard !inClear.isEmpty else { continue }
            try await database.transaction { transaction in
                let sql = transaction as! any SQLDatabase
                for row in inClear {
                    try await sql.update(Referral.schema)
                        .set("import_fingerprint", to: ImportFingerprint.digest(of: row.import_fingerprint))
                        .where("id", .equal, row.id).run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {}
}
