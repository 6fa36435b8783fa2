import Crypto
import Domain
import Fluent
import SQLKit
import Vapor

/// What happened, for the audit log. `detail` names fields and codes; it never carries narrative, passwords
/// or tokens.
struct AuditEntry: Sendable {
    enum Outcome: String, Sendable { case success, failure, refused }

    var action: AuditAction
    var outcome: Outcome = .success
    var userID: UUID? = nil
    var actor: String = ""
    var objectType: AuditedObject? = nil
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
            try await sql.prepared("SELECT pg_advisory_xact_lock(\(bind: chainLockKey))").run()
        }
        // Plain SQL strings rather than Fluent models or SQLKit's builders: every page view appends an entry, and
        // Fluent's reflection, then the builders' quoting of each identifier, cost more than the statements themselves.
        struct Link: Decodable { let seq: Int; let hash: String }
        let last = try await sql.prepared("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first(decoding: Link.self)
        var seq = last?.seq ?? 0
        var prevHash = last?.hash ?? genesisHash
        for chunk in entries.chunked(into: 200) {
            var rows: [SQLQueryString] = []
            for (entry, date) in chunk {
                seq += 1
                let at = timestamp(date)
                let hash = try seal([
                    String(seq), at, entry.userID?.uuidString ?? "", entry.actor, entry.action.rawValue, entry.outcome.rawValue,
                    entry.objectType?.rawValue ?? "", entry.objectID, entry.region, entry.address, entry.detail, prevHash,
                ])
                rows.append("""
                    (\(bind: OrderedID.make()), \(bind: seq), \(bind: at), \(bind: entry.userID), \(bind: entry.actor), \
                    \(bind: entry.action.rawValue), \(bind: entry.outcome.rawValue), \(bind: entry.objectType?.rawValue ?? ""), \
                    \(bind: entry.objectID), \(bind: entry.region), \(bind: entry.address), \(bind: entry.detail), \
                    \(bind: prevHash), \(bind: hash))
                    """)
                prevHash = hash
            }
            try await sql.raw("""
                INSERT INTO audit_events (id, seq, at, user_id, actor, action, outcome, object_type, object_id, region, address,
                                          detail, prev_hash, hash)
                VALUES \(rows.joined(separator: ", "))
                """).run()
        }
    }

    static let chainLockKey: Int64 = 0x5245_4143_4841_4200 // "REACHAB"
    static let genesisHash = String(repeating: "0", count: 64)

    /// The entry's fields in chain order: seq, at, user id, actor, action, outcome, object type, object id,
    /// region, address, detail, previous hash.
    static func fields(of event: AuditEvent) -> [String] {
        [String(event.seq), event.at, event.userID?.uuidString ?? "", event.actor, event.action, event.outcome,
         event.objectType, event.objectID, event.region, event.address, event.detail, event.prevHash]
    }

    /// Each field is length-prefixed so that moving text between fields changes the hash.
    private static func canonical(_ fields: [String]) -> Data {
        Data(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|").utf8)
    }

    /// What an entry is sealed with now: an HMAC under the audit key, which the database does not hold.
    static func seal(_ fields: [String]) throws -> String {
        guard let key = AuditChainKey.key else { throw Abort(.internalServerError, reason: "The audit key is not loaded") }
        return Hex.lowercase(HMAC<SHA256>.authenticationCode(for: canonical(fields), using: key))
    }

    /// What entries written before the audit key existed were sealed with: a plain SHA-256, which anyone can
    /// recompute. Accepted only before the first keyed entry (`firstBrokenEntry`).
    static func plainHash(_ fields: [String]) -> String {
        Hex.lowercase(SHA256.hash(data: canonical(fields)))
    }

    static func timestamp(_ date: Date) -> String { DateFormats.auditTimestamp.string(from: date) }

    /// The newest entry: its sequence number and hash, which an operator keeps outside the database so that a
    /// chain cut short can be told from a chain that simply ends (`reachable audit verify --expect-head`).
    struct Head: Equatable, CustomStringConvertible {
        let seq: Int
        let hash: String

        var description: String { "\(seq):\(hash)" }

        init(seq: Int, hash: String) {
            self.seq = seq
            self.hash = hash
        }

        /// `SEQ:HASH`, as `description` writes it.
        init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let seq = Int(parts[0]), parts[1].count == 64 else { return nil }
            self.init(seq: seq, hash: String(parts[1]))
        }
    }

    static func head(on db: any Database) async throws -> Head? {
        try await AuditEvent.query(on: db).sort(\.$seq, .descending).first().map { Head(seq: $0.seq, hash: $0.hash) }
    }

    /// Walks the chain in order; returns the sequence number of the first entry whose seal or link is wrong.
    ///
    /// Entries from before the audit key may carry plain hashes; from the first keyed entry on, every entry must be
    /// sealed by the key, and so must the newest: rewriting keyed entries (or cutting them off and rehashing what
    /// is left in plain) without the key is found. `expected`, a head kept earlier, must still be in the chain, so
    /// that removing the newest entries is found too.
    static func firstBrokenEntry(on db: any Database, expected: Head? = nil) async throws -> Int? {
        var previous = genesisHash
        var expectedSeq = 1
        var keyed = false
        var last: AuditEvent?
        while true {
            let page = try await AuditEvent.query(on: db).filter(\.$seq >= expectedSeq).sort(\.$seq).limit(1000).all()
            if page.isEmpty { break }
            for event in page {
                let fields = fields(of: event)
                let sealedByKey = try seal(fields) == event.hash
                guard event.seq == expectedSeq, event.prevHash == previous,
                      sealedByKey || (!keyed && plainHash(fields) == event.hash) else { return expectedSeq }
                if let expected, expected.seq == event.seq, expected.hash != event.hash { return expectedSeq }
                keyed = keyed || sealedByKey
                previous = event.hash
                expectedSeq += 1
                last = event
            }
        }
        if let last, !keyed { return last.seq }
        if let expected, expected.seq >= expectedSeq { return expectedSeq }
        return nil
    }
}

extension Request {
    /// Records an entry about this request's user and address, committed (in a transaction shared with other
    /// requests' entries, `AuditQueue`) before this returns. For changes, call `Audit.append` inside the change's
    /// transaction instead.
    func audit(_ action: AuditAction, outcome: AuditEntry.Outcome = .success, objectType: AuditedObject? = nil, objectID: String = "",
               region: String = "", detail: String = "", user: CurrentUser? = nil) async throws {
        let entry = auditEntry(action, outcome: outcome, objectType: objectType, objectID: objectID, region: region,
                               detail: detail, user: user)
        try await application.auditQueue.append(entry, at: now, writes: application.writes, on: application.db)
    }

    func auditEntry(_ action: AuditAction, outcome: AuditEntry.Outcome = .success, objectType: AuditedObject? = nil,
                    objectID: String = "", region: String = "", detail: String = "", user: CurrentUser? = nil) -> AuditEntry {
        let actor = user ?? currentUser
        return AuditEntry(action: action, outcome: outcome, userID: actor?.id,
                          actor: (actor?.email ?? "") + (actor?.tokenName.map { " (API token \"\($0)\")" } ?? ""),
                          objectType: objectType, objectID: objectID, region: region, address: clientAddress,
                          detail: detail)
    }
}
