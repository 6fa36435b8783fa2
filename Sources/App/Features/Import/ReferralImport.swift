import Domain
import Fluent
import Foundation
import SQLKit

/// `reachable import referrals` and the managers' upload page: the whole file or nothing, in one transaction
/// (SPEC §6). Rows become the same people, referrals, cases and outcome measures the screens show. A row
/// whose ref exists is updated if it changed and left alone if not, so importing a file twice changes nothing.
enum ReferralImport {
    /// Rows read and checked per part, at most. Each part is read and checked on another core while the part
    /// before is written, so a file costs about the larger of its checking and its writing rather than their sum
    /// (docs/performance.md).
    static let largestPartSize = 2_000
    /// Rows of the first part: nothing can be written until it is read and checked, so it is small, and each
    /// part after it twice the one before (checking a row takes less time than writing it) up to `largestPartSize`.
    static let firstPartSize = 250

    /// The rows of the part at `index` (0 for the first).
    static func partSize(_ index: Int) -> Int {
        min(largestPartSize, firstPartSize << min(index, 8))
    }

    /// `reader`, a connection other than `db`'s (on SQLite another event loop's), looks up what the database
    /// already holds for each part beside the checking; without one the writer looks it up in its transaction.
    /// `progress`, when given, hears the rows read and checked so far after each part is handed to the writer
    /// (the command line prints it: a long import is seen to move, and nothing is committed until the end).
    static func run(text: String, onlyRegion: String? = nil, actor: AuditEntry, now: Date, db: any Database,
                    reader: (any Database)? = nil, writes: WriteGate,
                    progress: (@Sendable (Int) -> Void)? = nil) async throws -> ImportSummary {
        let reference = try await ImportReferenceData.load(on: db)
        let context = reference.context(today: CivilDate.today(at: now), onlyRegion: onlyRegion)
        let file = try ImportFile.open(text, columns: ReferralRow.columns, required: ReferralRow.requiredColumns)
        let createdAt = Date()
        let source = ImportFile.sha256(text)
        struct Checked: Sendable {
            let results: [Result<PreparedReferral, ImportProblems>]
            let known: KnownRecords?
            let layoutProblems: [ImportProblem]
            /// The file, read up to the end of this part.
            let rest: CSVStream
        }
        @Sendable func check(_ part: Int, of file: CSVStream) -> Task<Checked, any Error> {
            Task.detached {
                var file = file
                let read = file.next(Self.partSize(part))
                let results = read.records.map { record in
                    ReferralRow.parse(file.cells(of: record), line: record.line, context: context)
                        .map { PreparedReferral($0, reference: reference, createdAt: createdAt) }
                }
                var known: KnownRecords?
                if let reader { known = try await KnownRecords.lookUp(results.compactMap { try? $0.get() }, on: reader) }
                return Checked(results: results, known: known, layoutProblems: read.problems, rest: file)
            }
        }
        return try await writes.transaction(on: db) { tx in
            // The whole file or nothing: once a row has a problem nothing more is written, every later row is
            // still checked so that all problems are reported together, and throwing rolls back what was written.
            var checker = ImportChecker(refColumn: ReferralRow.columns[0], ref: \PreparedReferral.row.ref,
                                        line: \PreparedReferral.row.line)
            var writer = ReferralImportWriter(createdAt: createdAt, db: tx)
            do {
                // The first part is read even from a file with no rows, to name a quoted cell its header left open.
                var checking: Task<Checked, any Error>? = check(0, of: file)
                var part = 0
                while let current = checking {
                    let checked = try await current.value
                    part += 1
                    checking = checked.rest.atEnd ? nil : check(part, of: checked.rest)
                    checker.note(layoutProblems: checked.layoutProblems)
                    let rows = checker.accept(checked.results)
                    if checker.problems.isEmpty {
                        checker.note(layoutProblems: try await writer.write(rows, known: checked.known))
                        progress?(checker.recordCount)
                    } else if let known = checked.known {
                        // Nothing more is written, but every line naming another region's referral is still named.
                        checker.note(layoutProblems: ReferralImportWriter.otherRegionsRefs(rows, known: known))
                    }
                }
                try checker.finish()
                return try await finish(&writer, rowCount: checker.recordCount, source: source,
                                        onlyRegion: onlyRegion, actor: actor, now: now, on: tx)
            } catch {
                await writer.abandon()
                throw error
            }
        }
    }

    /// Writes checked rows in one transaction with one audit entry; used by the demo data generator.
    static func store(_ rows: [ReferralRow], reference: ImportReferenceData, source: String, onlyRegion: String?,
                      actor: AuditEntry, now: Date, db: any Database, writes: WriteGate) async throws -> ImportSummary {
        let createdAt = Date()
        let prepared = rows.map { PreparedReferral($0, reference: reference, createdAt: createdAt) }
        return try await writes.transaction(on: db) { tx in
            var writer = ReferralImportWriter(createdAt: createdAt, db: tx)
            do {
                try await writer.write(prepared)
                return try await finish(&writer, rowCount: rows.count, source: source, onlyRegion: onlyRegion,
                                        actor: actor, now: now, on: tx)
            } catch {
                await writer.abandon()
                throw error
            }
        }
    }

    private static func finish(_ writer: inout ReferralImportWriter, rowCount: Int, source: String, onlyRegion: String?,
                               actor: AuditEntry, now: Date, on db: any Database) async throws -> ImportSummary {
        var summary = try await writer.finish()
        summary.unchanged = rowCount - summary.created - summary.updated
        try await summary.audit(actor, action: .importReferrals, file: source, region: onlyRegion, at: now, on: db)
        return summary
    }

    /// What an import row sets on its referral: inserted as column values when new, set on the model when changed.
    struct ImportedReferral {
        let row: ReferralRow
        let personID: UUID
        let regionID: UUID
        let eligibility: Eligibility

        var status: Referral.Status {
            row.caseOpened != nil ? .accepted : (eligibility.isEligible ? .awaitingScreening : .notAccepted)
        }

        /// Ineligible by the rules: the page says so (`ReferralPage`); no note is stored, as none was written.
        var notAcceptedReason: String? { nil }
        var age: Int { row.dateOfBirth.age(on: row.receivedDate) }
        var exploitationTypes: String { StoredCodes.join(row.exploitationTypes) }
        var ineligibilityReasons: String { StoredCodes.join(eligibility.reasons.map(\.rawValue)) }

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
            referral.importFingerprint = row.storedFingerprint
        }

        /// In the order of `Referral.bulk()`. A new referral has no risk indicators or consent recorded, and is
        /// not a repeat until `markRepeats` has looked at the young person's cases.
        /// `fingerprint` is the row's `storedFingerprint`, made once by the caller.
        func insertValues(id: UUID, fingerprint: String, createdAt: Date) -> [BulkValue] {
            [BulkValue(id), BulkValue(row.ref), BulkValue(regionID), BulkValue(row.service), BulkValue(row.receivedDate.description),
             BulkValue(row.referralSource), BulkValue(row.referrerOrganisation), BulkValue(personID), BulkValue(row.firstName),
             BulkValue(row.lastName), BulkValue(row.dateOfBirth.description), BulkValue(age),
             BulkValue(row.gender), BulkValue(row.ethnicity), BulkValue(row.homeLocalAuthority),
             BulkValue(exploitationTypes), BulkValue(""), BulkValue("not_recorded"),
             BulkValue(eligibility.isEligible), BulkValue(ineligibilityReasons),
             BulkValue(eligibility.firstReason?.rawValue), BulkValue(false), BulkValue(status.rawValue),
             BulkValue(notAcceptedReason), BulkValue(fingerprint), BulkValue(createdAt)]
        }
    }

    /// Removes what an earlier import of this row created, so the changed row can put it back. A case is kept
    /// (and updated) when the row still has one, because casework may hang off it.
    static func replaceImportedChildren(of referralID: UUID, keepingCase: Bool, on db: any Database) async throws -> SupportCase? {
        try await Rescue.query(on: db).filter(\.$referral.$id == referralID).delete()
        guard let supportCase = try await SupportCase.query(on: db).filter(\.$referral.$id == referralID).first() else {
            return nil
        }
        try await OutcomeMeasure.query(on: db).filter(\.$supportCase.$id == supportCase.id!).filter(\.$source == "import").delete()
        if keepingCase { return supportCase }
        try await supportCase.delete(on: db)
        return nil
    }

    /// `RepeatReferral` in SQL, recomputed for everyone given (the people a file, a closure or a merge touched);
    /// `ImportPartsTests.severalParts` checks it against the Domain rule on a generated fixture.
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

    /// The entry and exit measures an import row records for its case (each only if the row has any of it).
    static func measureValues(_ row: ReferralRow, caseID: UUID, opened: CivilDate) -> [[BulkValue]] {
        [(OutcomeMeasure.Stage.entry, row.entry, opened), (.exit, row.exit, row.caseClosed ?? opened)]
            .filter { !$0.1.isEmpty }
            .map { OutcomeMeasure.importValues(caseID: caseID, stage: $0.0, on: $0.2, values: $0.1, source: "import") }
    }

    /// The rows that hang off new or changed referrals, created in batches after the referrals themselves.
    struct Children {
        let createdAt: Date
        var cases = SupportCase.bulk()
        var measures = OutcomeMeasure.bulk()
        var rescues = Rescue.bulk()
        var updatedCases: [SupportCase] = []

        init(createdAt: Date) { self.createdAt = createdAt }

        mutating func add(_ row: ReferralRow, referralID: UUID, personID: UUID, regionID: UUID, existingCase: SupportCase?) {
            if row.service == Service.rescue.rawValue { rescues.append(Rescue.importValues(row, referralID: referralID)) }
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
            for values in ReferralImport.measureValues(row, caseID: caseID, opened: opened) { measures.append(values) }
        }

        /// A new referral's rows, prepared beside the checking; `supportCase` names the young person it matched.
        mutating func add(_ prepared: PreparedReferral, supportCase: [BulkValue]?) {
            if let rescue = prepared.rescue { rescues.append(rescue) }
            guard let supportCase else { return }
            cases.append(supportCase)
            for values in prepared.measures { measures.append(values) }
        }

        func create(on db: any Database) async throws {
            try await cases.run(on: db)
            for supportCase in updatedCases { try await supportCase.update(on: db) }
            try await measures.run(on: db)
            try await rescues.run(on: db)
            // A case the import changed may keep casework of its own: its dates are read from all its records.
            try await CaseActivity.refresh(updatedCases.compactMap(\.id), on: db)
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
