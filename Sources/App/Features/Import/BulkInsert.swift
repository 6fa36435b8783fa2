import Domain
import Fluent
import Foundation
import FluentSQLiteDriver
import FluentPostgresDriver

/// Rows for one table, written with explicit columns: on SQLite as multi-row INSERT statements, on PostgreSQL
/// streamed with COPY (`BulkCopy.swift`).
///
/// The import and the demo generator write hundreds of thousands of rows. Fluent's `[Model].create` reads
/// every property of every model by reflection, which cost more than SQLite's own work (see docs/performance.md);
/// here each model lists its columns once and its values are read directly. On SQLite the statement text is
/// written here and the values bound as they are: SQLKit's statement builder and value encoder (a dynamic cast
/// and, for a UUID, an encoder object per value) cost more than SQLite's inserts themselves.
struct BulkInsert {
    let table: String
    let columns: [String]
    private(set) var rows: [[BulkValue]] = []

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ values: [BulkValue]) {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.append(values)
    }

    func run(on db: any Database) async throws {
        try await statements(for: db).run(on: db)
    }

    /// The statements that write these rows, their values bound: made on the caller's task, so that the import can
    /// make one part's while the database runs the part before (`ReferralImportWriter`).
    ///
    /// The two databases Reachable runs on (SQLite embedded, PostgreSQL in production) are the only ones it
    /// configures (`DatabaseSetup`), so each has its own path and there is no third.
    func statements(for db: any Database) -> BulkStatements {
        guard !rows.isEmpty else { return BulkStatements(work: .none) }
        guard db is any SQLiteDatabase else { return BulkStatements(work: .copy(self)) }
        // SQLite allows 32,766 bound values in a statement: stay well inside it.
        let perStatement = max(1, min(500, 30_000 / columns.count))
        let columnList = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var texts: [Int: String] = [:] // by rows per statement: all but the last are full
        var statements: [(text: String, binds: [SQLiteData])] = []
        for chunk in rows.chunked(into: perStatement) {
            let text = texts[chunk.count] ?? {
                let text = "INSERT INTO \"\(table)\" (\(columnList)) VALUES "
                    + Array(repeating: placeholders, count: chunk.count).joined(separator: ", ")
                texts[chunk.count] = text
                return text
            }()
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * columns.count)
            for row in chunk { for value in row { binds.append(value.sqlite) } }
            statements.append((text, binds))
        }
        return BulkStatements(work: .sqlite(statements))
    }
}

/// A bulk insert ready to run: SQLite's multi-row statements with their values, or rows for PostgreSQL's `COPY`.
struct BulkStatements: Sendable {
    enum Work: Sendable {
        case none
        case sqlite([(text: String, binds: [SQLiteData])])
        case copy(BulkInsert)
    }

    let work: Work

    func run(on db: any Database) async throws {
        try await run(on: db, after: db.eventLoop.makeSucceededVoidFuture()).get()
    }

    /// Runs the statements once `before` has succeeded. On SQLite each statement is handed to SQLite's thread from
    /// the event loop as the one before finishes, never waiting for a thread of the concurrency pool, which the
    /// import keeps busy checking and preparing the next parts (a chain of tasks measured no quicker than writing
    /// each part before preparing the next).
    func run(on db: any Database, after before: EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        switch work {
        case .none:
            return before
        case let .sqlite(statements):
            let sqlite = db as! any SQLiteDatabase
            let logger = db.logger
            return statements.reduce(before) { done, statement in
                done.flatMap { sqlite.query(statement.text, statement.binds, logger: logger) { _ in } }
            }
        case let .copy(insert):
            let postgres = db as! any PostgresDatabase
            let logger = db.logger
            return before.flatMap {
                db.eventLoop.makeFutureWithTask { try await insert.copy(insert.rows, on: postgres, logger: logger) }
            }
        }
    }
}

/// One value of a bulk-inserted row, typed, so that each driver gets it in its own form: SQLite exactly what
/// Fluent stores (a UUID as its 16 bytes, `SQLiteKeyStorage.swift`; a date as seconds since 1970, a boolean as 0
/// or 1, nil as NULL), and PostgreSQL the text COPY reads (`writeCopyText`).
enum BulkValue: Sendable {
    case uuid(UUID?)
    case text(String?)
    case integer(Int?)
    case bool(Bool?)
    case date(Date?)

    init(_ value: String?) { self = .text(value) }
    init(_ value: Int?) { self = .integer(value) }
    init(_ value: Bool?) { self = .bool(value) }
    init(_ value: UUID?) { self = .uuid(value) }
    init(_ value: Date?) { self = .date(value) }

    var sqlite: SQLiteData {
        switch self {
        case let .uuid(value): value?.sqliteData ?? .null
        case let .text(value): value.map { .text($0) } ?? .null
        case let .integer(value): value.map { .integer($0) } ?? .null
        case let .bool(value): value.map { .integer($0 ? 1 : 0) } ?? .null
        case let .date(value): value.map { .float($0.timeIntervalSince1970) } ?? .null
        }
    }

    /// `uuidString` (upper-case hex in 8-4-4-4-12), written directly for `COPY`: Foundation formats it through
    /// `snprintf`, which cost a twentieth of an import's time when SQLite stored keys as text.
    static func text(of uuid: UUID) -> String {
        let hex: StaticString = "0123456789ABCDEF"
        return withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                hex.withUTF8Buffer { digits in
                    var position = 0
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            output[position] = UInt8(ascii: "-")
                            position += 1
                        }
                        output[position] = digits[Int(byte >> 4)]
                        output[position + 1] = digits[Int(byte & 0x0F)]
                        position += 2
                    }
                }
                return 36
            }
        }
    }
}

// The rows an import inserts, as column values built straight from a checked CSV row: a Fluent model allocates
// an object per property, and making a person, a referral, a case and two sets of measures per row that way was
// the larger part of an import's time outside SQLite.

extension Person {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "first_name", "last_name", "folded_first", "folded_last", "surname_key", "date_of_birth", "gender",
            "ethnicity", "home_local_authority", "first_region_id", "legal_hold", "do_not_text",
            "phone_may_be_controlled", "created_at",
        ])
    }

    /// A new young person named by an import row; contact details, safe contact and the rest start empty.
    static func importValues(_ row: ReferralRow, id: UUID, regionID: UUID, createdAt: Date) -> [BulkValue] {
        [BulkValue(id), BulkValue(row.firstName), BulkValue(row.lastName), BulkValue(NameFolding.fold(row.firstName)),
         BulkValue(NameFolding.fold(row.lastName)), BulkValue(Soundex.key(row.lastName)), BulkValue(row.dateOfBirth.description),
         BulkValue(row.gender), BulkValue(row.ethnicity), BulkValue(row.homeLocalAuthority), BulkValue(regionID),
         BulkValue(false), BulkValue(false), BulkValue(false), BulkValue(createdAt)]
    }
}

extension Referral {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "ref", "region_id", "service", "received_date", "referral_source", "referrer_organisation",
            "person_id", "first_name", "last_name", "date_of_birth", "age_at_referral", "gender", "ethnicity",
            "home_local_authority", "exploitation_types", "risk_indicators", "consent", "eligible",
            "ineligibility_reasons", "first_ineligibility_reason", "is_repeat", "status", "not_accepted_reason",
            "import_fingerprint", "created_at",
        ])
    }
}

extension SupportCase {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "region_id", "person_id", "referral_id", "opened_date", "closed_date", "closure_reason", "created_at",
            "last_measured_on",
        ])
    }

    /// A case an import row opened (and perhaps closed): historic, so it has no lead caseworker.
    static func importValues(_ row: ReferralRow, id: UUID, referralID: UUID, personID: UUID, regionID: UUID,
                             opened: CivilDate, createdAt: Date) -> [BulkValue] {
        [BulkValue(id), BulkValue(regionID), BulkValue(personID), BulkValue(referralID), BulkValue(opened.description),
         BulkValue(row.caseClosed?.description), BulkValue(row.closureReason), BulkValue(createdAt),
         BulkValue(lastMeasured(row, opened: opened)?.description)]
    }

    /// The latest day an import row's measures were taken: its exit's (the closing day), else its entry's (the
    /// opening day); as `ReferralImport.measureValues` records them.
    static func lastMeasured(_ row: ReferralRow, opened: CivilDate) -> CivilDate? {
        if !row.exit.isEmpty { return max(row.caseClosed ?? opened, opened) }
        return row.entry.isEmpty ? nil : opened
    }
}

extension OutcomeMeasure {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: [
            "id", "case_id", "stage", "recorded_on", "safety", "mental_health", "criminogenic_need", "missing_episodes",
            "offences", "county_lines_active", "family_conflict", "eet", "goal_progress", "source",
        ])
    }

    static func importValues(caseID: UUID, stage: Stage, on date: CivilDate, values: ReferralRow.Measures,
                             source: String) -> [BulkValue] {
        [BulkValue(OrderedID.make()), BulkValue(caseID), BulkValue(stage.rawValue), BulkValue(date.description), BulkValue(values.safety),
         BulkValue(values.mentalHealth), BulkValue(values.criminogenicNeed), BulkValue(values.missingEpisodes),
         BulkValue(values.offences), BulkValue(values.countyLinesActive), BulkValue(values.familyConflict), BulkValue(values.eet),
         BulkValue(values.goalProgress), BulkValue(source)]
    }
}

extension Rescue {
    static func bulk() -> BulkInsert {
        BulkInsert(table: schema, columns: ["id", "referral_id", "call_at", "arrived_at", "outcome"])
    }

    /// What the import knows of a historic rescue: it is finished, so it does not belong on the live rescue log.
    static func importValues(_ row: ReferralRow, referralID: UUID) -> [BulkValue] {
        [BulkValue(OrderedID.make()), BulkValue(referralID), BulkValue(row.rescueCallAt), BulkValue(row.rescueArrivedAt),
         BulkValue("not_recorded")]
    }
}
