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

        var people = try await PeopleIndex.load(dates: Set(toWrite.map(\.dateOfBirth.description)), on: db)
        var newPeople: [Person] = []
        var newReferrals: [Referral] = []
        var changedReferrals: [Referral] = []
        var children = Children()
        for row in toWrite {
            let personID = people.match(row) ?? {
                let person = PeopleIndex.makePerson(row, regionID: reference.regionIDs[row.region]!)
                people.add(person)
                newPeople.append(person)
                return person.id!
            }()
            let eligibility = Eligibility.assess(
                received: row.receivedDate, dateOfBirth: row.dateOfBirth, homeLocalAuthority: row.homeLocalAuthority,
                regionLocalAuthorities: reference.localAuthoritiesByRegion[row.region] ?? [],
                exploitationTypes: row.exploitationTypes)
            if let referral = existing[row.ref] {
                fill(referral, from: row, personID: personID, regionID: reference.regionIDs[row.region]!, eligibility: eligibility)
                changedReferrals.append(referral)
                let existingCase = try await replaceImportedChildren(of: referral.id!, keepingCase: row.caseOpened != nil, on: db)
                children.add(row, referralID: referral.id!, personID: personID, regionID: referral.$region.id,
                             existingCase: existingCase)
                summary.updated += 1
            } else {
                let referral = Referral()
                referral.id = UUID()
                referral.riskIndicators = ""
                referral.consent = "not_recorded"
                referral.isRepeat = false
                fill(referral, from: row, personID: personID, regionID: reference.regionIDs[row.region]!, eligibility: eligibility)
                newReferrals.append(referral)
                children.add(row, referralID: referral.id!, personID: personID, regionID: referral.$region.id,
                             existingCase: nil)
                summary.created += 1
            }
        }
        var peopleRows = Person.bulk()
        for person in newPeople { peopleRows.append(person.bulkValues) }
        try await peopleRows.run(on: db)
        var referralRows = Referral.bulk()
        for referral in newReferrals { referralRows.append(referral.bulkValues) }
        try await referralRows.run(on: db)
        // Changed rows are saved once any new person they now point to exists.
        for referral in changedReferrals { try await referral.update(on: db) }
        try await children.create(on: db)
        try await markRepeats(personIDs: Set(toWrite.compactMap { people.match($0) }), on: db)
        summary.peopleCreated = newPeople.count
        return summary
    }

    private static func fill(_ referral: Referral, from row: ReferralRow, personID: UUID, regionID: UUID, eligibility: Eligibility) {
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
        referral.ageAtReferral = row.dateOfBirth.age(on: row.receivedDate)
        referral.gender = row.gender
        referral.ethnicity = row.ethnicity
        referral.homeLocalAuthority = row.homeLocalAuthority
        referral.exploitationTypes = row.exploitationTypes.joined(separator: ";")
        referral.eligible = eligibility.isEligible
        referral.ineligibilityReasons = eligibility.reasons.map(\.rawValue).joined(separator: ";")
        referral.firstIneligibilityReason = eligibility.firstReason?.rawValue
        referral.status = row.caseOpened != nil ? .accepted : (eligibility.isEligible ? .awaitingScreening : .notAccepted)
        referral.notAcceptedReason = referral.status == .notAccepted ? "Did not meet the criteria" : nil
        referral.importFingerprint = row.fingerprint
    }

    /// Removes what an earlier import of this row created, so the changed row can put it back. A case is kept
    /// (and updated) when the row still has one, because casework may hang off it.
    private static func replaceImportedChildren(of referralID: UUID, keepingCase: Bool, on db: any Database) async throws -> SupportCase? {
        try await ReferralExploitationType.query(on: db).filter(\.$referral.$id == referralID).delete()
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
        for chunk in Array(personIDs).chunked(into: 500) {
            try await sql.update(Referral.schema)
                .set("is_repeat", to: SQLRaw("""
                    EXISTS (SELECT 1 FROM cases c WHERE c.person_id = referrals.person_id \
                    AND c.closed_date IS NOT NULL AND c.closed_date < referrals.received_date)
                    """))
                .where("person_id", .in, Array(chunk))
                .run()
        }
    }

    /// The rows that hang off new or changed referrals, created in batches after the referrals themselves.
    private struct Children {
        var types: [ReferralExploitationType] = []
        var cases: [SupportCase] = []
        var measures: [OutcomeMeasure] = []
        var rescues: [Rescue] = []

        var updatedCases: [SupportCase] = []

        mutating func add(_ row: ReferralRow, referralID: UUID, personID: UUID, regionID: UUID, existingCase: SupportCase?) {
            types += row.exploitationTypes.map { ReferralExploitationType(referralID: referralID, code: $0) }
            if row.service == "rescue" {
                let rescue = Rescue()
                rescue.$referral.id = referralID
                rescue.callAt = row.rescueCallAt
                rescue.arrivedAt = row.rescueArrivedAt
                // Historic rescues are finished: they do not belong on the live rescue log.
                rescue.outcome = "not_recorded"
                rescues.append(rescue)
            }
            guard let opened = row.caseOpened else { return }
            let supportCase = existingCase ?? SupportCase()
            if existingCase == nil { supportCase.id = UUID() }
            supportCase.$region.id = regionID
            supportCase.$person.id = personID
            supportCase.$referral.id = referralID
            supportCase.openedDate = opened.description
            supportCase.closedDate = row.caseClosed?.description
            supportCase.closureReason = row.closureReason
            if existingCase == nil { cases.append(supportCase) } else { updatedCases.append(supportCase) }
            for (stage, values, date) in [(OutcomeMeasure.Stage.entry, row.entry, opened), (.exit, row.exit, row.caseClosed ?? opened)]
                where !values.isEmpty {
                measures.append(OutcomeMeasure.make(caseID: supportCase.id!, stage: stage, on: date, values: values, source: "import"))
            }
        }

        func create(on db: any Database) async throws {
            var rows = ReferralExploitationType.bulk()
            for type in types { rows.append(type.bulkValues) }
            try await rows.run(on: db)
            rows = SupportCase.bulk()
            for supportCase in cases { rows.append(supportCase.bulkValues) }
            try await rows.run(on: db)
            for supportCase in updatedCases { try await supportCase.update(on: db) }
            rows = OutcomeMeasure.bulk()
            for measure in measures { rows.append(measure.bulkValues) }
            try await rows.run(on: db)
            rows = Rescue.bulk()
            for rescue in rescues { rows.append(rescue.bulkValues) }
            try await rows.run(on: db)
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
