import Domain
import Fluent
import Foundation
import SQLKit

/// Writes an import's checked rows part by part inside the import's transaction, then marks repeat referrals.
///
/// Known young people are found per part and remembered, so a person a file names in several parts becomes one
/// person. Rows whose ref is known are updated when their fingerprint changed and left alone when it did not.
struct ReferralImportWriter {
    let db: any Database
    let createdAt: Date
    private(set) var summary = ImportSummary()
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
    mutating func write(_ rows: [PreparedReferral], known: KnownRecords? = nil) async throws {
        let known = if let known { known } else { try await KnownRecords.lookUp(rows, on: db) }
        people.add(known.people)
        let toWrite = rows.filter { prepared in known.fingerprints[prepared.row.ref].map { $0 != prepared.fingerprint } ?? true }
        guard !toWrite.isEmpty else { return }
        var existing: [String: Referral] = [:]
        for chunk in toWrite.map(\.row.ref).filter({ known.fingerprints[$0] != nil }).chunked(into: 500) {
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
            }
        }
        try await peopleRows.run(on: db)
        try await referralRows.run(on: db)
        // Changed rows are saved once any new person they now point to exists.
        for referral in changedReferrals { try await referral.update(on: db) }
        try await children.create(on: db)
    }

    /// Marks repeat referrals (SPEC §4: the young person already had a case closed before the referral was
    /// received) and returns what the import did.
    func finish() async throws -> ImportSummary {
        var repeats: [UUID] = []
        for (id, person) in newPeople where !knownPeople.contains(id) && !person.closings.isEmpty {
            let firstClosing = person.closings.min()!
            repeats += person.referrals.filter { $0.received > firstClosing }.map(\.id)
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
    var people: [PeopleIndex.Key: UUID] = [:]

    static func lookUp(_ rows: [PreparedReferral], on db: any Database) async throws -> KnownRecords {
        struct Known: Decodable { let ref: String; let import_fingerprint: String? }
        var known = KnownRecords()
        let sql = db as! any SQLDatabase
        for chunk in rows.map(\.row.ref).chunked(into: 500) {
            for row in try await sql.select().columns("ref", "import_fingerprint").from(Referral.schema)
                .where("ref", .in, Array(chunk)).all(decoding: Known.self) {
                known.fingerprints[row.ref] = row.import_fingerprint
            }
        }
        known.people = try await PeopleIndex.find(Set(rows.map(\.personKey)), on: db)
        return known
    }
}
