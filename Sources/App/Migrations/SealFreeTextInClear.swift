import Fluent
import Foundation
import SQLKit

/// Seals the free text that was once stored in clear: a referral's decline reason, the note of a planned closure
/// and the API's stored answers (which repeat what was written: a contact's notes, a young person's name). The
/// import's fixed "Did not meet the criteria" is not a note: it becomes empty, and the page says it.
///
/// It needs the data key, so it is added after `Migrations.all` with the application's cipher. Values already
/// sealed (`v1.` and a key id) are left alone, so a run stopped part-way can run again.
struct SealFreeTextInClear: AsyncMigration {
    var name: String { "SealFreeTextInClear" }
    let cipher: FieldCipher

    static let importedDecline = "Did not meet the criteria"

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.update(Referral.schema).set("not_accepted_reason", to: SQLLiteral.null)
            .where("not_accepted_reason", .equal, Self.importedDecline).run()
        for (table, column) in [(Referral.schema, "not_accepted_reason"), (SupportCase.schema, "closure_requested_reason"),
                                (IdempotencyRecord.schema, "body")] {
            try await Self.seal(table: table, column: column, cipher: cipher, on: database)
        }
    }

    /// Seals every value of one column not sealed yet, 500 rows to a transaction.
    static func seal(table: String, column: String, cipher: FieldCipher, on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        struct Row: Decodable { let id: UUID; let value: String }
        let rows = try await sql.select().column("id").column(SQLIdentifier(column), as: "value").from(table)
            .where(SQLIdentifier(column), .isNot, SQLLiteral.null)
            .where(SQLIdentifier(column), .notLike, "v1.%").all(decoding: Row.self)
        for batch in rows.chunked(into: 500) {
            try await database.transaction { transaction in
                let sql = transaction as! any SQLDatabase
                for row in batch {
                    try await sql.update(table).set(SQLIdentifier(column), to: try cipher.seal(row.value))
                        .where("id", .equal, row.id).run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {}
}

/// Seals who called for a rescue: a parent's or a friend's name and number says who the young person is. The
/// rescue form once copied the caller into the referral's referrer organisation (kept in clear); that copy goes.
struct SealRescueCaller: AsyncMigration {
    var name: String { "SealRescueCaller" }
    let cipher: FieldCipher

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).raw("""
            UPDATE referrals SET referrer_organisation = NULL
            WHERE EXISTS (SELECT 1 FROM rescues WHERE rescues.referral_id = referrals.id
                          AND rescues.caller = referrals.referrer_organisation)
            """).run()
        try await SealFreeTextInClear.seal(table: Rescue.schema, column: "caller", cipher: cipher, on: database)
    }

    func revert(on database: any Database) async throws {}
}

/// Seals the agency of each information share: typed as an organisation's name, it has carried narrative about a
/// young person (where they were being held, by whom).
struct SealInformationShareAgency: AsyncMigration {
    var name: String { "SealInformationShareAgency" }
    let cipher: FieldCipher

    func prepare(on database: any Database) async throws {
        try await SealFreeTextInClear.seal(table: InformationShare.schema, column: "agency", cipher: cipher, on: database)
    }

    func revert(on database: any Database) async throws {}
}
