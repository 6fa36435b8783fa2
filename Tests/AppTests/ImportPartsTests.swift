@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// A file longer than one part (`ReferralImport.largestPartSize`) is checked part by part while earlier parts are
/// written; it must come out exactly as if it were written in one go.
@Suite("Import of a file in several parts")
struct ImportPartsTests {
    static let actor = AuditEntry(action: .importFile, actor: "test")

    /// Generated referrals over two financial years, as the import's CSV: young people with several referrals
    /// and closed cases, so repeats occur, spread over several parts.
    static func generatedFile(rows: Int, reference: ImportReferenceData, today: CivilDate, prefix: String = "P") -> (text: String, rows: Int) {
        let last = FinancialYear.containing(today).previous
        var plan = DemoGenerator.Plan.standard(years: [last.previous, last], today: today)
        plan.scale = Double(rows) / Double(plan.referralsPerYear.values.reduce(0, +) * 2) * 7 / 8
        var generator = DemoGenerator(seed: 7, plan: plan,
                                      regionAuthorities: reference.localAuthoritiesByRegion.mapValues { $0.sorted() })
        let referrals = generator.generate().referrals
        let lines = [ReferralRow.columns] + referrals.map { $0.csvCells(ref: prefix + $0.ref) }
        return (CSVExport.render(lines), referrals.count)
    }

    /// A generated file of about `rows` referrals over the last two financial years, imported as a manager's
    /// upload would be; returns today.
    static func importGenerated(_ app: Application, rows: Int) async throws -> CivilDate {
        let reference = try await ImportReferenceData.load(on: app.db)
        let today = CivilDate.today(at: app.clock.now())
        let file = generatedFile(rows: rows, reference: reference, today: today)
        _ = try await ReferralImport.run(text: file.text, actor: actor, now: app.clock.now(), db: app.db, writes: app.writes)
        return today
    }

    struct RepeatCheck { let isRepeat: Bool; let expected: Bool }

    /// Each referral's stored repeat flag beside the Domain's rule (`RepeatReferral`, SPEC §4) applied to its young
    /// person's case closings.
    static func repeatFlags(_ db: any Database) async throws -> [RepeatCheck] {
        struct Row: Decodable { let person_id: UUID; let received_date: String; let is_repeat: Bool }
        struct Closing: Decodable { let person_id: UUID; let closed_date: String }
        let sql = db as! any SQLDatabase
        let referrals = try await sql.raw("SELECT person_id, received_date, is_repeat FROM referrals").all(decoding: Row.self)
        let closings = Dictionary(grouping: try await sql.raw("SELECT person_id, closed_date FROM cases WHERE closed_date IS NOT NULL")
            .all(decoding: Closing.self), by: \.person_id).mapValues { $0.compactMap { CivilDate($0.closed_date) } }
        return referrals.map {
            RepeatCheck(isRepeat: $0.is_repeat, expected: RepeatReferral.isRepeat(
                received: CivilDate($0.received_date)!, caseClosings: closings[$0.person_id] ?? []))
        }
    }

    @Test("Parts start small and double up to the largest")
    func partSizes() {
        #expect((0..<6).map(ReferralImport.partSize) == [250, 500, 1_000, 2_000, 2_000, 2_000])
        #expect(ReferralImport.partSize(1_000) == 2_000, "no overflow however long the file")
    }

    /// The rows are written as multi-row INSERTs on SQLite and streamed with COPY on PostgreSQL, each with its own
    /// encoding: what comes back must be what the file said, on both.
    @Test("Text with tabs, line breaks, backslashes and quotes, names beyond ASCII and times come back as written")
    func valuesRoundTrip() async throws {
        let header = "referral_ref,received_date,region,service,referral_source,referrer_organisation,first_name,last_name,date_of_birth,gender,home_local_authority,rescue_call_at,rescue_arrived_at"
        let organisation = "Org\twith tab\\N and \"quotes\"\nnext line"
        let csvCell = "\"" + organisation.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let text = header + "\nT1,2023-05-01,west-midlands,rescue,police," + csvCell
            + ",Zoë,O'Neill,2008-01-01,female,birmingham,2023-05-01T02:10:07Z,2023-05-01T03:15:59+01:00\n"
        try await withApp { app in
            let started = Date()
            _ = try await ReferralImport.run(text: text, actor: Self.actor, now: app.clock.now(), db: app.db, writes: app.writes)
            let referral = try #require(try await Referral.query(on: app.db).filter(\.$ref == "T1").first())
            #expect(referral.referrerOrganisation == organisation)
            #expect(referral.firstName == "Zoë" && referral.lastName == "O'Neill")
            #expect(referral.ageAtReferral == 15 && !referral.isRepeat)
            let created = try #require(referral.createdAt)
            #expect(abs(created.timeIntervalSince(started)) < 60)
            let rescue = try #require(try await Rescue.query(on: app.db).filter(\.$referral.$id == referral.requireID()).first())
            #expect(rescue.callAt == Date(timeIntervalSince1970: 1_682_907_007))
            #expect(rescue.arrivedAt == Date(timeIntervalSince1970: 1_682_907_359))
            let person = try #require(try await Person.find(referral.$person.id, on: app.db))
            #expect(person.firstName == "Zoë" && person.dateOfBirth == "2008-01-01" && !person.legalHold)
        }
    }

    @Test("Times streamed to PostgreSQL are written in UTC to the microsecond, before 1970 and after")
    func copyTimes() {
        var dates = CopyDates()
        #expect(dates.text(of: Date(timeIntervalSince1970: 1_682_907_007.123_456_4)) == "2023-05-01 02:10:07.123456+00")
        #expect(dates.text(of: Date(timeIntervalSince1970: 1_682_907_007)) == "2023-05-01 02:10:07.000000+00")
        #expect(dates.text(of: Date(timeIntervalSince1970: -0.25)) == "1969-12-31 23:59:59.750000+00")
        #expect(dates.text(of: Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01 00:00:00.000000+00")
    }

    /// A part's inserts run while the writer prepares the next part, so a part that fails in the database is only
    /// known later: the import must still fail as a whole, the parts written before it rolled back with it.
    @Test("A part that fails in the database fails the whole import, the parts before it included")
    func failingPartRollsBack() async throws {
        try await withApp { app in
            let reference = try await ImportReferenceData.load(on: app.db)
            let today = CivilDate.today(at: app.clock.now())
            let file = Self.generatedFile(rows: 600, reference: reference, today: today, prefix: "F")
            let context = reference.context(today: today, onlyRegion: nil)
            let rows = try ImportFile.rows(file.text, columns: ReferralRow.columns, required: ReferralRow.requiredColumns,
                                           ref: \ReferralRow.ref, line: \ReferralRow.line) { ReferralRow.parse($0, line: $1, context: context) }
            let createdAt = Date()
            let good = rows.prefix(300).map { PreparedReferral($0, reference: reference, createdAt: createdAt) }
            // Regions the database does not have: the young people's and referrals' inserts break a foreign key.
            let unknownRegions = ImportReferenceData(regionIDs: reference.regionIDs.mapValues { _ in UUID() },
                                                     localAuthoritiesByRegion: reference.localAuthoritiesByRegion,
                                                     codes: reference.codes)
            let bad = rows[300..<(rows.count - 50)].map { PreparedReferral($0, reference: unknownRegions, createdAt: createdAt) }
            let last = rows.suffix(50).map { PreparedReferral($0, reference: reference, createdAt: createdAt) }
            await #expect(throws: (any Error).self) {
                try await app.db.transaction { tx in
                    var writer = ReferralImportWriter(createdAt: createdAt, db: tx)
                    try await writer.write(good, known: KnownRecords())
                    try await writer.write(bad, known: KnownRecords())
                    try await writer.write(last, known: KnownRecords())
                    _ = try await writer.finish()
                }
            }
            #expect(try await Referral.query(on: app.db).count() == 0)
            #expect(try await Person.query(on: app.db).count() == 0)
            #expect(try await SupportCase.query(on: app.db).count() == 0)
            // The connection is left usable: the same rows import afterwards.
            let summary = try await ReferralImport.run(text: file.text, actor: Self.actor, now: app.clock.now(), db: app.db,
                                                       writes: app.writes)
            #expect(summary.created == file.rows)
            #expect(try await Referral.query(on: app.db).count() == file.rows)
        }
    }

    @Test("Several parts: every row written once, one record per young person, repeat flags as the definition says")
    func severalParts() async throws {
        try await withApp { app in
            let reference = try await ImportReferenceData.load(on: app.db)
            let file = Self.generatedFile(rows: 5_000, reference: reference, today: CivilDate.today(at: app.clock.now()))
            #expect(file.rows > 2 * ReferralImport.largestPartSize, "the file spans at least three parts")
            // Known refs and people looked up on a second connection while the first writes, as the server does.
            let (db, reader) = app.databaseAndReader
            #expect(reader != nil)
            let summary = try await ReferralImport.run(text: file.text, actor: Self.actor, now: app.clock.now(),
                                                       db: db, reader: reader, writes: app.writes)
            #expect(summary.created == file.rows && summary.updated == 0)
            let entry = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "import.referrals").first())
            #expect(entry.objectID == ImportFile.sha256(file.text) && entry.detail.hasPrefix(summary.sentence + "; created: "),
                    "one audit entry names the file and what the import did")
            #expect(try await Referral.query(on: app.db).count() == file.rows)
            #expect(try await Person.query(on: app.db).count() == summary.peopleCreated)
            // Nobody is written twice: people are one per folded name and date of birth in each region (a region
            // never matches another's young people).
            struct Distinct: Decodable { let n: Int }
            let distinct = try await (app.db as! any SQLDatabase).raw("""
                SELECT count(*) AS n FROM (SELECT DISTINCT folded_first, folded_last, date_of_birth, first_region_id FROM people) AS keys
                """).first(decoding: Distinct.self)
            #expect(distinct?.n == summary.peopleCreated)
            #expect(summary.peopleCreated < file.rows, "some young people have several referrals")

            let flags = try await Self.repeatFlags(app.db)
            #expect(flags.count == file.rows)
            #expect(flags.filter(\.expected).count > 10, "the file holds repeats")
            #expect(flags.allSatisfy { $0.isRepeat == $0.expected })

            // The SQL that marks people already known applies the same rule: every flag turned wrong, then put
            // right by it alone.
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE referrals SET is_repeat = NOT is_repeat").run()
            let everyone = Set(try await Person.query(on: app.db).all().map { try $0.requireID() })
            try await ReferralImport.markRepeats(personIDs: everyone, on: app.db)
            #expect(try await Self.repeatFlags(app.db).allSatisfy { $0.isRepeat == $0.expected })

            // The same file again changes nothing, whether what is known is looked up beside the writing or in it.
            for reader in [reader, nil] {
                let again = try await ReferralImport.run(text: file.text, actor: Self.actor, now: app.clock.now(),
                                                         db: db, reader: reader, writes: app.writes)
                #expect(again == ImportSummary(created: 0, updated: 0, unchanged: file.rows, peopleCreated: 0))
            }
        }
    }

    @Test("A young person's later referral in a later part is a repeat of a case closed in an earlier part")
    func repeatAcrossParts() async throws {
        let header = "referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,gender,home_local_authority,case_opened_date,case_closed_date,closure_reason"
        // Filler rows put the second referral of Ana Diaz two parts after her first.
        var lines = [header, "A1,2023-05-01,west-midlands,support,police,Ana,Diaz,2008-01-01,female,birmingham,2023-05-02,2023-08-01,planned"]
        for n in 1...(2 * ReferralImport.largestPartSize) {
            lines.append("F\(n),2023-06-01,west-midlands,support,police,Filler,Row\(n),2007-02-03,male,birmingham,,,")
        }
        lines.append("A2,2023-09-01,west-midlands,support,police,ÁNA,díaz,2008-01-01,female,birmingham,,,")
        lines.append("A3,2023-07-01,west-midlands,support,police,Ana,Diaz,2008-01-01,female,birmingham,,,")
        try await withApp { app in
            let (db, reader) = app.databaseAndReader
            let summary = try await ReferralImport.run(text: lines.joined(separator: "\n"), actor: Self.actor,
                                                       now: app.clock.now(), db: db, reader: reader, writes: app.writes)
            #expect(summary.created == lines.count - 1)
            #expect(summary.peopleCreated == 1 + 2 * ReferralImport.largestPartSize)
            let ana = try await Referral.query(on: app.db).filter(\.$ref ~~ ["A1", "A2", "A3"]).all()
            #expect(Set(ana.map(\.$person.id)).count == 1, "one young person across parts")
            #expect(ana.first { $0.ref == "A2" }?.isRepeat == true, "received after her case closed")
            #expect(ana.first { $0.ref == "A3" }?.isRepeat == false, "received before it closed")
            #expect(ana.first { $0.ref == "A1" }?.isRepeat == false)
        }
    }

    @Test("A problem in the last part: nothing written, and the problems of every part are reported")
    func problemInLastPart() async throws {
        let header = "referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,gender,home_local_authority"
        var lines = [header]
        for n in 1...(2 * ReferralImport.largestPartSize + 10) {
            lines.append("G\(n),2023-06-01,west-midlands,support,police,Good,Row\(n),2007-02-03,male,birmingham")
        }
        lines[5] = "G4,2023-06-01,west-midlands,support,police,Good,Row4,2007-02-03,male,At Lantis" // part one
        lines.append("G1,2023-06-01,west-midlands,support,police,Again,Row,2007-02-03,male,birmingham") // last part
        try await withApp { app in
            do {
                _ = try await ReferralImport.run(text: lines.joined(separator: "\n"), actor: Self.actor, now: app.clock.now(),
                                                 db: app.db, writes: app.writes)
                Issue.record("a file with problems was accepted")
            } catch let found as ImportProblems {
                #expect(found.problems.map(\.line) == [6, lines.count])
                #expect(found.problems.last?.problem.contains("appears again (first on line 2)") == true)
            }
            #expect(try await Referral.query(on: app.db).count() == 0)
            #expect(try await Person.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "import.referrals").count() == 0)
        }
    }
}
