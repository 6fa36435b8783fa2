import Crypto
import Fluent
import SQLKit
import Vapor

/// What happened, for the audit log. `detail` names fields and codes; it never carries narrative, passwords
/// or tokens.
struct AuditEntry: Sendable {
    enum Outcome: String, Sendable { case success, failure, refused }

    var action: String
    var outcome: Outcome = .success
    var userID: UUID? = nil
    var actor: String = ""
    var objectType: String = ""
    var objectID: String = ""
    var region: String = ""
    var address: String = ""
    var detail: String = ""
}

enum Audit {
    /// Appends an entry inside the caller's transaction, so the entry and the action it records commit together.
    /// On PostgreSQL an advisory lock held to the end of the transaction keeps the chain a single line across
    /// instances; on SQLite the write gate already admits one writer at a time.
    static func append(_ entry: AuditEntry, on db: any Database, at date: Date) async throws {
        try await append([(entry, date)], on: db)
    }

    /// Appends entries in order, chained to the last entry and each to the one before, with one look-up of the
    /// chain's end and one multi-row insert per 200 entries (`AuditQueue` sends many at once).
    static func append(_ entries: [(entry: AuditEntry, at: Date)], on db: any Database) async throws {
        guard !entries.isEmpty else { return }
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: chainLockKey))").run()
        }
        // Plain SQL rather than Fluent models: every page view appends an entry, and Fluent's reflection cost more
        // than the statements themselves.
        struct Link: Decodable { let seq: Int; let hash: String }
        let last = try await sql.select().column("seq").column("hash").from(AuditEvent.schema)
            .orderBy("seq", .descending).limit(1).first(decoding: Link.self)
        var seq = last?.seq ?? 0
        var prevHash = last?.hash ?? genesisHash
        for chunk in entries.chunked(into: 200) {
            var insert = sql.insert(into: AuditEvent.schema)
                .columns("id", "seq", "at", "user_id", "actor", "action", "outcome", "object_type", "object_id", "region",
                         "address", "detail", "prev_hash", "hash")
            for (entry, date) in chunk {
                seq += 1
                let at = timestamp(date)
                let hash = hash(of: [
                    String(seq), at, entry.userID?.uuidString ?? "", entry.actor, entry.action, entry.outcome.rawValue,
                    entry.objectType, entry.objectID, entry.region, entry.address, entry.detail, prevHash,
                ])
                insert = insert.values(
                    SQLBind(OrderedID.make()), SQLBind(seq), SQLBind(at), SQLBind(entry.userID), SQLBind(entry.actor),
                    SQLBind(entry.action), SQLBind(entry.outcome.rawValue), SQLBind(entry.objectType),
                    SQLBind(entry.objectID), SQLBind(entry.region), SQLBind(entry.address), SQLBind(entry.detail),
                    SQLBind(prevHash), SQLBind(hash))
                prevHash = hash
            }
            try await insert.run()
        }
    }

    static let chainLockKey: Int64 = 0x5245_4143_4841_4200 // "REACHAB"
    static let genesisHash = String(repeating: "0", count: 64)

    static func hash(of event: AuditEvent) -> String {
        hash(of: [
            String(event.seq), event.at, event.userID?.uuidString ?? "", event.actor, event.action, event.outcome,
            event.objectType, event.objectID, event.region, event.address, event.detail, event.prevHash,
        ])
    }

    /// The entry's fields in chain order: seq, at, user id, actor, action, outcome, object type, object id,
    /// region, address, detail, previous hash.
    private static func hash(of fields: [String]) -> String {
        // Each field is length-prefixed so that moving text between fields changes the hash.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return Hex.lowercase(SHA256.hash(data: Data(canonical.utf8)))
    }

    static func timestamp(_ date: Date) -> String { DateFormats.auditTimestamp.string(from: date) }

    /// Walks the chain in order; returns the sequence number of the first entry whose hash or link is wrong.
    static func firstBrokenEntry(on db: any Database) async throws -> Int? {
        var previous = genesisHash
        var expectedSeq = 1
        while true {
            let page = try await AuditEvent.query(on: db).filter(\.$seq >= expectedSeq).sort(\.$seq).limit(1000).all()
            if page.isEmpty { return nil }
            for event in page {
                if event.seq != expectedSeq || event.prevHash != previous || hash(of: event) != event.hash {
                    return expectedSeq
                }
                previous = event.hash
                expectedSeq += 1
            }
        }
    }
}

extension Request {
    /// Records an entry about this request's user and address, committed (in a transaction shared with other
    /// requests' entries, `AuditQueue`) before this returns. For changes, call `Audit.append` inside the change's
    /// transaction instead.
    func audit(_ action: String, outcome: AuditEntry.Outcome = .success, objectType: String = "", objectID: String = "",
               region: String = "", detail: String = "", user: CurrentUser? = nil) async throws {
        let entry = auditEntry(action, outcome: outcome, objectType: objectType, objectID: objectID, region: region,
                               detail: detail, user: user)
        try await application.auditQueue.append(entry, at: now, writes: application.writes, on: application.db)
    }

    func auditEntry(_ action: String, outcome: AuditEntry.Outcome = .success, objectType: String = "",
                    objectID: String = "", region: String = "", detail: String = "", user: CurrentUser? = nil) -> AuditEntry {
        let actor = user ?? currentUser
        return AuditEntry(action: action, outcome: outcome, userID: actor?.id,
                          actor: (actor?.email ?? "") + (actor?.tokenName.map { " (API token \"\($0)\")" } ?? ""),
                          objectType: objectType, objectID: objectID, region: region, address: clientAddress,
                          detail: detail)
    }
}
