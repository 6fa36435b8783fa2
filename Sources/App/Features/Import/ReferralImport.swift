import Domain
import Fluent
import Foundation
import SQLKit

/// `reachable import referrals` and the managers' upload page: the whole file or nothing, in one transaction
/// (SPEC §6). Rows become the same people, referrals, cases and outcome measures the screens show. A row
/// whose ref exists is updated if it changed and left alone if not, so importing a file twice changes nothing.
enum ReferralImport {
    static func run(text: String, onlyRegion: String? = nil, actor: AuditEntry, now: Date, db: any Database,
                    writes: WriteGate) async throws -> ImportSummary {
        let reference = try await ImportReferenceData.load(on: db)
        let context = reference.context(today: CivilDate.today(at: now), onlyRegion: onlyRegion)
        let rows = try ImportFile.rows(text, columns: ReferralRow.columns, required: ReferralRow.requiredColumns,
                                       ref: \ReferralRow.ref, line: \ReferralRow.line) {
            ReferralRow.parse($0, line: $1, context: context)
        }
        return try await store(rows, reference: reference, source: ImportFile.sha256(text), onlyRegion: onlyRegion,
                               actor: actor, now: now, db: db, writes: writes)
    }

    /// Writes checked rows in one transaction with one audit entry; also used by the demo data generator.
    static func store(_ rows: [ReferralRow], reference: ImportReferenceData, source: String, onlyRegion: String?,
                      actor: AuditEntry, now: Date, db: any Database, writes: WriteGate) async throws -> ImportSummary {
        try await writes.transaction(on: db) { tx in
            var summary = try await write(rows, reference: reference, on: tx)
            var entry = actor
            entry.action = "import.referrals"
            entry.objectType = "file"
            entry.objectID = source
            entry.region = onlyRegion ?? ""
            summary.unchanged = rows.count - summary.created - summary.updated
            entry.detail = summary.sentence
            try await Audit.append(entry, on: tx, at: now)
            return summary
        }
    }

    private static func write(_ rows: [ReferralRow], reference: ImportReferenceData, on db: any Database) async throws -> ImportSummary {
        var summary = ImportSummary()
        // Each known ref's fingerprint first, as plain rows; whole referrals only for the rows that changed.
        struct Known: Decodable { let ref: String; let import_fingerprint: String? }
        var fingerprints: [String: String?] = [:]
        let sql = db as! any SQLDatabase
        for chunk in rows.map(\.ref).chunked(into: 500) {
            for known in try await sql.select().columns("ref", "import_fingerprint").from(Referral.schema)
                .where("ref", .in, Array(chunk)).all(decoding: Known.self) {
                fingerprints[known.ref] = known.import_fingerprint
            }
        }
        let toWrite = rows.filter { row in fingerprints[row.ref].map { $0 != row.fingerprint } ?? true }
        guard !toWrite.isEmpty else { return summary }
        var existing: [String: Referral] = [:]
        for chunk in toWrite.map(\.ref).filter({ fingerprints[$0] != nil }).chunked(into: 500) {
            for referral in try await Referral.query(on: db).filter(\.$ref ~~ Array(chunk)).all() { existing[referral.ref] = referral }
        }

        var people = try await PeopleIndex.load(naming: toWrite, on: db)
        let createdAt = Date()
        var peopleRows = Person.bulk()
        var referralRows = Referral.bulk()
        var changedReferrals: [Referral] = []
        var children = Children(createdAt: createdAt)
        for row in toWrite {
            let regionID = reference.regionIDs[row.region]!
            let personID = people.match(row) ?? {
                let id = OrderedID.make()
                people.add(id: id, first: row.firstName, last: row.lastName, dateOfBirth: row.dateOfBirth.description)
                peopleRows.append(Person.importValues(row, id: id, regionID: regionID, createdAt: createdAt))
                summary.peopleCreated += 1
                return id
            }()
            let fields = ImportedReferral(row: row, personID: personID, regionID: regionID, eligibility: Eligibility.assess(
                received: row.receivedDate, dateOfBirth: row.dateOfBirth, homeLocalAuthority: row.homeLocalAuthority,
                regionLocalAuthorities: reference.localAuthoritiesByRegion[row.region] ?? [],
                exploitationTypes: row.exploitationTypes))
            if let referral = existing[row.ref] {
                fields.apply(to: referral)
                changedReferrals.append(referral)
                let existingCase = try await replaceImportedChildren(of: referral.id!, keepingCase: row.caseOpened != nil, on: db)
                children.add(row, referralID: referral.id!, personID: personID, regionID: regionID, existingCase: existingCase)
                summary.updated += 1
            } else {
                let id = OrderedID.make()
                referralRows.append(fields.insertValues(id: id, createdAt: createdAt))
                children.add(row, referralID: id, personID: personID, regionID: regionID, existingCase: nil)
                summary.created += 1
            }
        }
        try await peopleRows.run(on: db)
        try await referralRows.run(on: db)
        // Changed rows are saved once any new person they now point to exists.
        for referral in changedReferrals { try await referral.update(on: db) }
        try await children.create(on: db)
        try await markRepeats(personIDs: Set(toWrite.compactMap { people.match($0) }), on: db)
        return summary
    }

    /// What an import row sets on its referral: inserted as column values when new, set on the model when changed.
    private struct ImportedReferral {
        let row: ReferralRow
        let personID: UUID
        let regionID: UUID
        let eligibility: Eligibility

        var status: Referral.Status {
            row.caseOpened != nil ? .accepted : (eligibility.isEligible ? .awaitingScreening : .notAccepted)
        }

        var notAcceptedReason: String? { status == .notAccepted ? "Did not meet the criteria" : nil }
        var age: Int { row.dateOfBirth.age(on: row.receivedDate) }
        var exploitationTypes: String { row.exploitationTypes.joined(separator: ";") }
        var ineligibilityReasons: String { eligibility.reasons.map(\.rawValue).joined(separator: ";") }

        func apply(to referral: Referral) {
            referral.ref = row.ref
            referral.$region.id = regionID
            referral.service = row.service
            referral.receivedDate = row.receivedDate.description
            referral.referralSource = row.referralSource
            referral.referrerOrganisation = row.referrerOrganisation
            referral.$person.id = personID
            referral.firstName = row.firstName
            referral.lastName = row.lastName
            referral.dateOfBirth = row.dateOfBirth.description
            referral.ageAtReferral = age
            referral.gender = row.gender
            referral.ethnicity = row.ethnicity
            referral.homeLocalAuthority = row.homeLocalAuthority
            referral.exploitationTypes = exploitationTypes
            referral.eligible = eligibility.isEligible
            referral.ineligibilityReasons = ineligibilityReasons
            referral.firstIneligibilityReason = eligibility.firstReason?.rawValue
            referral.status = status
            referral.notAcceptedReason = notAcceptedReason
            referral.importFingerprint = row.fingerprint
        }

        /// In the order of `Referral.bulk()`. A new referral has no risk indicators or consent recorded, and is
        /// not a repeat until `markRepeats` has looked at the young person's cases.
        func insertValues(id: UUID, createdAt: Date) -> [BulkValue] {
            [BulkValue(id), BulkValue(row.ref), BulkValue(regionID), BulkValue(row.service), BulkValue(row.receivedDate.description),
             BulkValue(row.referralSource), BulkValue(row.referrerOrganisation), BulkValue(personID), BulkValue(row.firstName),
             BulkValue(row.lastName), BulkValue(row.dateOfBirth.description), BulkValue(age),
             BulkValue(row.gender), BulkValue(row.ethnicity), BulkValue(row.homeLocalAuthority),
             BulkValue(exploitationTypes), BulkValue(""), BulkValue("not_recorded"),
             BulkValue(eligibility.isEligible), BulkValue(ineligibilityReasons),
             BulkValue(eligibility.firstReason?.rawValue), BulkValue(false), BulkValue(status.rawValue),
             BulkValue(notAcceptedReason), BulkValue(row.fingerprint), BulkValue(createdAt)]
        }
    }

    /// Removes what an earlier import of this row created, so the changed row can put it back. A case is kept
    /// (and updated) when the row still has one, because casework may hang off it.
    private static func replaceImportedChildren(of referralID: UUID, keepingCase: Bool, on db: any Database) async throws -> SupportCase? {
        try await Rescue.query(on: db).filter(\.$referral.$id == referralID).delete()
        guard let supportCase = try await SupportCase.query(on: db).filter(\.$referral.$id == referralID).first() else {
            return nil
        }
        try await OutcomeMeasure.query(on: db).filter(\.$supportCase.$id == supportCase.id!).filter(\.$source == "import").delete()
        if keepingCase { return supportCase }
        try await supportCase.delete(on: db)
        return nil
    }

    /// A referral is a repeat when its young person already had a case closed before it was received
    /// (SPEC §4); recomputed for everyone the file touched.
    static func markRepeats(personIDs: Set<UUID>, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        let isRepeat = SQLRaw("""
            EXISTS (SELECT 1 FROM cases c WHERE c.person_id = referrals.person_id \
            AND c.closed_date IS NOT NULL AND c.closed_date < referrals.received_date)
            """)
        for chunk in Array(personIDs).chunked(into: 500) {
            // Only the referrals whose answer changed are written: most are not, and each write rewrites the row
            // and its report index entry.
            try await sql.update(Referral.schema)
                .set("is_repeat", to: isRepeat)
                .where("person_id", .in, Array(chunk))
                .where(SQLBinaryExpression(SQLIdentifier("is_repeat"), .notEqual, isRepeat))
                .run()
        }
    }

    /// The rows that hang off new or changed referrals, created in batches after the referrals themselves.
    private struct Children {
        let createdAt: Date
        var cases = SupportCase.bulk()
        var measures = OutcomeMeasure.bulk()
        var rescues = Rescue.bulk()
        var updatedCases: [SupportCase] = []

        init(createdAt: Date) { self.createdAt = createdAt }

        mutating func add(_ row: ReferralRow, referralID: UUID, personID: UUID, regionID: UUID, existingCase: SupportCase?) {
            if row.service == "rescue" { rescues.append(Rescue.importValues(row, referralID: referralID)) }
            guard let opened = row.caseOpened else { return }
            let caseID: UUID
            if let existingCase {
                caseID = existingCase.id!
                existingCase.$region.id = regionID
                existingCase.$person.id = personID
                existingCase.openedDate = opened.description
                existingCase.closedDate = row.caseClosed?.description
                existingCase.closureReason = row.closureReason
                updatedCases.append(existingCase)
            } else {
                caseID = OrderedID.make()
                cases.append(SupportCase.importValues(row, id: caseID, referralID: referralID, personID: personID,
                                                      regionID: regionID, opened: opened, createdAt: createdAt))
            }
            for (stage, values, date) in [(OutcomeMeasure.Stage.entry, row.entry, opened), (.exit, row.exit, row.caseClosed ?? opened)]
                where !values.isEmpty {
                measures.append(OutcomeMeasure.importValues(caseID: caseID, stage: stage, on: date, values: values, source: "import"))
            }
        }

        func create(on db: any Database) async throws {
            try await cases.run(on: db)
            for supportCase in updatedCases { try await supportCase.update(on: db) }
            try await measures.run(on: db)
            try await rescues.run(on: db)
        }
    }
}

extension OutcomeMeasure {
    static func make(caseID: UUID, stage: Stage, on date: CivilDate, values: ReferralRow.Measures, source: String) -> OutcomeMeasure {
        let measure = OutcomeMeasure()
        measure.$supportCase.id = caseID
        measure.stage = stage
        measure.recordedOn = date.description
        measure.safety = values.safety
        measure.mentalHealth = values.mentalHealth
        measure.criminogenicNeed = values.criminogenicNeed
        measure.missingEpisodes = values.missingEpisodes
        measure.offences = values.offences
        measure.countyLinesActive = values.countyLinesActive
        measure.familyConflict = values.familyConflict
        measure.eet = values.eet
        measure.goalProgress = values.goalProgress
        measure.source = source
        return measure
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
