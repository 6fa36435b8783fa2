import Domain
import Fluent
import Foundation
import SQLKit

/// Writes an import's checked rows part by part inside the import's transaction, then marks repeat referrals.
///
/// Known young people are found per part and remembered, so a person a file names in several parts becomes one
/// person. Rows whose ref is known are updated when their fingerprint changed and left alone when it did not.
///
/// A part of new rows is written while the writer prepares the next: the database runs a part's inserts on its own
/// thread, and waiting for them left it idle while the writer matched the next part's young people and bound its
/// values (0.19 s of a 1.23 s import at 400,000 referrals). Parts are still
/// written one after another, in order, on the one connection. Anything else that uses the connection (looking up
/// in the transaction, changed rows, the repeats) first waits for the part being written, and `finish` or `abandon`
/// must be called before the transaction ends.
struct ReferralImportWriter {
    let db: any Database
    let createdAt: Date
    private(set) var summary = ImportSummary()
    /// The inserts of the parts queued, if any: the last part's, and the one before it (each waits for the one
    /// before).
    private var writing: EventLoopFuture<Void>?
    private var writingBefore: EventLoopFuture<Void>?
    private var people = PeopleIndex()
    /// Young people this import created, with the referrals it inserted for them and their cases' closing dates:
    /// all their referrals and cases are in the file, so whether each referral is a repeat is worked out here.
    private var newPeople: [UUID: NewPerson] = [:]
    /// Everyone else the file names: their repeats are worked out by the database, which holds their history.
    private var knownPeople: Set<UUID> = []

    private struct NewPerson {
        var referrals: [(id: UUID, received: CivilDate)] = []
        var closings: [CivilDate] = []
    }

    init(createdAt: Date, db: any Database) {
        self.createdAt = createdAt
        self.db = db
    }

    /// Writes a part's rows. `known` is what the database held for them, looked up beside the checking on another
    /// connection; without it (one event loop, or the demo generator) it is looked up here, in the transaction.
    ///
    /// A row whose ref is another region's referral is not written: it is returned as a problem of its line, and
    /// the caller fails the file (SPEC §1: an import never reads, moves or changes another region's records).
    @discardableResult
    mutating func write(_ rows: [PreparedReferral], known: KnownRecords? = nil) async throws -> [ImportProblem] {
        if known == nil { try await settle() } // the look-up below uses the connection the inserts run on
        let known = if let known { known } else { try await KnownRecords.lookUp(rows, on: db) }
        people.add(known.people)
        let problems = Self.otherRegionsRefs(rows, known: known)
        guard problems.isEmpty else { return problems }
        let toWrite = rows.filter { prepared in known.fingerprints[prepared.row.ref].map { $0 != prepared.fingerprint } ?? true }
        guard !toWrite.isEmpty else { return [] }
        let changing = toWrite.map(\.row.ref).filter { known.fingerprints[$0] != nil }
        if !changing.isEmpty { try await settle() }
        var existing: [String: Referral] = [:]
        for chunk in changing.chunked(into: 500) {
            for referral in try await Referral.query(on: db).filter(\.$ref ~~ Array(chunk)).all() { existing[referral.ref] = referral }
        }

        var peopleRows = Person.bulk()
        var referralRows = Referral.bulk()
        var changedReferrals: [Referral] = []
        var children = ReferralImport.Children(createdAt: createdAt)
        for prepared in toWrite {
            let row = prepared.row
            let personID = people.match(prepared.personKey) ?? {
                people.add(id: prepared.newPersonID, key: prepared.personKey)
                peopleRows.append(prepared.newPerson)
                newPeople[prepared.newPersonID] = NewPerson()
                summary.peopleCreated += 1
                return prepared.newPersonID
            }()
            if let referral = existing[row.ref] {
                // A changed referral may take an earlier case with it: the database works out its person's repeats.
                knownPeople.insert(personID)
                knownPeople.insert(referral.$person.id)
                ReferralImport.ImportedReferral(row: row, personID: personID, regionID: prepared.regionID,
                                                eligibility: prepared.eligibility).apply(to: referral)
                changedReferrals.append(referral)
                let existingCase = try await ReferralImport.replaceImportedChildren(of: referral.id!, keepingCase: row.caseOpened != nil, on: db)
                children.add(row, referralID: referral.id!, personID: personID, regionID: prepared.regionID, existingCase: existingCase)
                summary.updated += 1
            } else {
                let values = prepared.values(personID: personID)
                referralRows.append(values.referral)
                children.add(prepared, supportCase: values.supportCase)
                if newPeople[personID] != nil {
                    newPeople[personID]!.referrals.append((prepared.referralID, row.receivedDate))
                    if row.caseOpened != nil, let closed = row.caseClosed { newPeople[personID]!.closings.append(closed) }
                } else {
                    knownPeople.insert(personID)
                }
                summary.created += 1
                summary.createdRefs.append(row.ref)
            }
        }
        guard changedReferrals.isEmpty else {
            try await peopleRows.run(on: db)
            try await referralRows.run(on: db)
            // Changed rows are saved once any new person they now point to exists.
            for referral in changedReferrals { try await referral.update(on: db) }
            try await children.create(on: db)
            summary.updatedRefs += changedReferrals.map(\.ref)
            return []
        }
        // New rows only: their inserts are written while the caller reads, checks and prepares the next part.
        try await enqueue([peopleRows, referralRows, children.cases, children.measures, children.rescues].map { $0.statements(for: db) })
        return []
    }

    /// The rows whose ref is a referral of a region other than the row's, each a problem of its line.
    static func otherRegionsRefs(_ rows: [PreparedReferral], known: KnownRecords) -> [ImportProblem] {
        rows.compactMap { prepared in
            guard let region = known.regions[prepared.row.ref], region != prepared.regionID else { return nil }
            return ImportProblem(line: prepared.row.line, column: ReferralRow.columns[0],
                                 problem: "\"\(prepared.row.ref)\" is another region's referral: a file may change only its own region's referrals")
        }
    }

    /// Writes the inserts once the part before is written. At most two parts are queued, the one SQLite is writing
    /// and the next: checking and preparing run ahead of SQLite, and an unbounded queue held most of a long file's
    /// values (a 200,000-row import peaked at 421 MB against 326 MB before the queue).
    private mutating func enqueue(_ inserts: [BulkStatements]) async throws {
        if let older = writingBefore { try await older.get() }
        writingBefore = writing
        writing = inserts.reduce(writing ?? db.eventLoop.makeSucceededVoidFuture()) { before, insert in
            insert.run(on: db, after: before)
        }
    }

    /// Waits for the part being written; its error, if it failed, is thrown here.
    private mutating func settle() async throws {
        guard let part = writing else { return }
        writing = nil
        writingBefore = nil // it comes before `part`, which waits for it
        try await part.get()
    }

    /// Waits for the part being written without its error, when the import is failing for another reason: the
    /// transaction must not be rolled back under a statement still running on its connection.
    mutating func abandon() async {
        try? await settle()
    }

    /// Marks repeat referrals (SPEC §4: the young person already had a case closed before the referral was
    /// received) and returns what the import did.
    mutating func finish() async throws -> ImportSummary {
        try await settle()
        var repeats: [UUID] = []
        for (id, person) in newPeople where !knownPeople.contains(id) && !person.closings.isEmpty {
            repeats += person.referrals.filter { RepeatReferral.isRepeat(received: $0.received, caseClosings: person.closings) }
                .map(\.id)
        }
        let sql = db as! any SQLDatabase
        for chunk in repeats.chunked(into: 500) {
            try await sql.update(Referral.schema).set("is_repeat", to: true).where("id", .in, Array(chunk)).run()
        }
        try await ReferralImport.markRepeats(personIDs: knownPeople, on: db)
        return summary
    }
}

/// What the database already holds for a part's rows: each known ref's last imported fingerprint, and the
/// young people the rows name who are already known. Refs are unique within a file and the young people a file
/// creates are remembered by the writer, so what the part before wrote (not yet committed) does not change it:
/// it may be read on a connection other than the import's.
struct KnownRecords: Sendable {
    var fingerprints: [String: String?] = [:]
    /// The region of each known ref's referral: a row may change its own region's referrals only.
    var regions: [String: UUID] = [:]
    var people: [PeopleIndex.Key: UUID] = [:]

    static func lookUp(_ rows: [PreparedReferral], on db: any Database) async throws -> KnownRecords {
        struct Known: Decodable { let ref: String; let import_fingerprint: String?; let region_id: UUID }
        var known = KnownRecords()
        let sql = db as! any SQLDatabase
        for chunk in rows.map(\.row.ref).chunked(into: 500) {
            for row in try await sql.select().columns("ref", "import_fingerprint", "region_id").from(Referral.schema)
                .where("ref", .in, Array(chunk)).all(decoding: Known.self) {
                known.fingerprints[row.ref] = row.import_fingerprint
                known.regions[row.ref] = row.region_id
            }
        }
        known.people = try await PeopleIndex.find(Set(rows.map(\.personKey)), on: db)
        return known
    }
}
