@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("CSV import and the annual report")
struct ImportAndReportTests {
    static let actor = AuditEntry(action: .importFile, actor: "test")

    static func importFixture(_ app: Application) async throws {
        _ = try await ReferralImport.run(text: AnnualReportFixture.referrals, actor: actor, now: app.clock.now(),
                                         db: app.db, writes: app.writes)
        _ = try await OutreachImport.run(text: AnnualReportFixture.outreach, actor: actor, now: app.clock.now(),
                                         db: app.db, writes: app.writes)
    }

    /// Every figure below was worked out by hand from the fixture, row by row (see the fixture's rows R01–R12).
    @Test("The West Midlands 2023-24 report matches the hand-worked figures")
    func handWorkedReport() async throws {
        try await withApp { app in
            try await Self.importFixture(app)
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear("2023-24")!, on: app.db)

            #expect(report.period.start == "2023-04-01" && report.period.end == "2024-03-31")
            // R01–R06 are this region's support referrals in the year (R07–R09 are rescues, R10 last year, R12 next).
            #expect(report.referrals.received == 6)
            #expect(report.referrals.metCriteria == 3)                  // R01, R05, R06
            #expect(report.referrals.didNotMeetCriteria == 3)
            #expect(report.referrals.didNotMeetReasons == ["outside_area": 1, "age_25_or_over": 1, "no_exploitation_concern": 1])
            #expect(report.referrals.engaged == 2)                      // R01, R05 have cases
            #expect(report.referrals.repeat == 1)                       // R02: Zoë's case closed 2023-09-30

            #expect(report.rescue.requests == 3)
            #expect(report.rescue.convertedToSupport == 1)              // R07
            #expect(report.rescue.medianResponseMinutes == 67.5)        // median of 90 and 45

            #expect(report.outreach.sessions == 2)                      // S1 and S2: the year's first and last days
            #expect(report.outreach.attendees == 42)

            let o = report.outcomes
            #expect(o.cohort == 3)                                      // cases of R01, R05 and R10 closed in the year
            #expect(o.increasedSafety == Metric(numerator: 2, denominator: 3))
            #expect(o.increasedSafety.percent == 66.7)
            #expect(o.improvedMentalHealth == Metric(numerator: 1, denominator: 2))
            #expect(o.positiveGoalProgress == Metric(numerator: 2, denominator: 3))
            #expect(o.criminogenicNeedReduction == Metric(numerator: 5, denominator: 14))
            #expect(o.criminogenicNeedReduction.percent == 35.7)
            #expect(o.missingEpisodesReduction == Metric(numerator: 1, denominator: 4))
            #expect(o.offendingReduction == Metric(numerator: 3, denominator: 5))
            #expect(o.reducedCountyLinesActivity == Metric(numerator: 1, denominator: 2))
            #expect(o.familyConflictReduction == Metric(numerator: 1, denominator: 2))
            #expect(o.eetAtClosure == Metric(numerator: 2, denominator: 3))

            let d = report.demographics
            #expect(d.age == ["13": 1, "15": 1, "16": 2, "17": 1, "25": 1])
            #expect(d.gender == ["female": 2, "male": 3, "non_binary": 1])
            #expect(d.ethnicity == ["asian": 1, "black": 1, "mixed": 1, "not_known": 1, "other": 1, "white": 1])
            #expect(d.referralSource == ["police": 3, "education": 1, "family": 1, "youth_justice": 1])
            #expect(d.exploitationType == ["county_lines": 3, "cuckooing": 1, "criminal_exploitation": 1,
                                           "sexual_exploitation": 1, "online_exploitation": 1])
            #expect(d.localAuthority == ["birmingham": 2, "outside_region": 1, "coventry": 1, "dudley": 1, "walsall": 1])
        }
    }

    @Test("All regions together add London's referral, session and case")
    func allRegions() async throws {
        try await withApp { app in
            try await Self.importFixture(app)
            let report = try await AnnualReportQuery.run(region: "all", year: FinancialYear("2023-24")!, on: app.db)
            #expect(report.region == "all")
            #expect(report.referrals.received == 7)
            #expect(report.referrals.metCriteria == 4)
            #expect(report.outreach.sessions == 3 && report.outreach.attendees == 62)
            #expect(report.outcomes.cohort == 4)
            #expect(report.outcomes.increasedSafety == Metric(numerator: 3, denominator: 4))
            #expect(report.demographics.localAuthority["camden"] == 1)
            let empty = try await AnnualReportQuery.run(region: "merseyside", year: FinancialYear("2023-24")!, on: app.db)
            let json = try AnnualReportJSON.encode(empty)
            #expect(json.contains("\"percent\" : null"), "no denominator gives null, not a missing key")
            #expect(json.contains("\"median_response_minutes\" : null"))
            #expect(json.contains("\"age\" : {\n\n    }") || json.contains("\"age\" : {}"), "\(json)")
        }
    }

    @Test("One young person, many referrals: folded names match, and a repeat is recognised")
    func peopleAndRepeats() async throws {
        try await withApp { app in
            try await Self.importFixture(app)
            let zoe = try await Referral.query(on: app.db).filter(\.$ref ~~ ["R01", "R02"]).all()
            #expect(Set(zoe.map(\.$person.id)).count == 1, "Zoë O'Neill and ZOE oneill are one person")
            #expect(zoe.first { $0.ref == "R02" }?.isRepeat == true)
            #expect(zoe.first { $0.ref == "R01" }?.isRepeat == false)
            #expect(try await Person.query(on: app.db).count() == 10, "12 referrals: Zoë twice, Kyle twice")
            let kyle = try await Referral.query(on: app.db).filter(\.$ref ~~ ["R05", "R12"]).all()
            #expect(Set(kyle.map(\.$person.id)).count == 1)
            #expect(kyle.first { $0.ref == "R12" }?.isRepeat == true)
        }
    }

    @Test("Importing the same file twice changes nothing; a changed row updates its record")
    func reimport() async throws {
        try await withApp { app in
            try await Self.importFixture(app)
            let before = try await AnnualReportJSON.encode(AnnualReportQuery.run(region: "all", year: FinancialYear("2023-24")!, on: app.db))
            let again = try await ReferralImport.run(text: AnnualReportFixture.referrals, actor: Self.actor, now: app.clock.now(),
                                                     db: app.db, writes: app.writes)
            #expect(again == ImportSummary(created: 0, updated: 0, unchanged: 12, peopleCreated: 0))
            #expect(try await Referral.query(on: app.db).count() == 12)
            #expect(try await SupportCase.query(on: app.db).count() == 5)      // R01, R05, R07, R10, R11
            #expect(try await OutcomeMeasure.query(on: app.db).count() == 8)   // entry and exit of R01, R05, R10, R11
            let after = try await AnnualReportJSON.encode(AnnualReportQuery.run(region: "all", year: FinancialYear("2023-24")!, on: app.db))
            #expect(before == after)

            let changed = AnnualReportFixture.referrals.replacingOccurrences(
                of: "R03,2023-06-15,west-midlands,support,police,,Tyler,Brown,1998-06-15",
                with: "R03,2023-06-15,west-midlands,support,police,,Tyler,Brown,1999-06-16")
            let summary = try await ReferralImport.run(text: changed, actor: Self.actor, now: app.clock.now(), db: app.db,
                                                       writes: app.writes)
            #expect(summary.updated == 1 && summary.created == 0)
            let report = try await AnnualReportQuery.run(region: "west-midlands", year: FinancialYear("2023-24")!, on: app.db)
            #expect(report.referrals.metCriteria == 4, "Tyler is under 25 now, so eligible")
            #expect(report.demographics.age["23"] == 1, "born 1999-06-16, referred the day before his 24th birthday")
        }
    }

    @Test("A later file's row names a young person already known, however the name is written: no second record")
    func knownPersonInALaterFile() async throws {
        try await withApp { app in
            try await Self.importFixture(app)
            let zoe = try #require(try await Referral.query(on: app.db).filter(\.$ref == "R01").first()).$person.id
            let lines = AnnualReportFixture.referrals.split(separator: "\n")
            let row = lines.first { $0.hasPrefix("R01,") }!.replacingOccurrences(of: "R01,2023-04-01", with: "LATER1,2023-04-02")
                .replacingOccurrences(of: "Zoë,O'Neill", with: "ZOE,o'neill")
            let stranger = row.replacingOccurrences(of: "LATER1,", with: "LATER2,").replacingOccurrences(of: "2008-03-04", with: "2008-03-05")
            let text = [String(lines[0]), row, stranger].joined(separator: "\n")
            let (db, reader) = app.databaseAndReader // known people found on the second connection
            let summary = try await ReferralImport.run(text: text, actor: Self.actor, now: app.clock.now(), db: db, reader: reader,
                                                       writes: app.writes)
            #expect(summary.created == 2 && summary.peopleCreated == 1, "\(summary)")
            #expect(try await Referral.query(on: app.db).filter(\.$ref == "LATER1").first()?.$person.id == zoe)
            #expect(try await Referral.query(on: app.db).filter(\.$ref == "LATER2").first()?.$person.id != zoe, "another birth date")
        }
    }

    @Test("A file longer than one INSERT statement holds is written whole: every row, case and measure")
    func largeFile() async throws {
        let lines = AnnualReportFixture.referrals.split(separator: "\n")
        let header = lines[0]
        let template = lines.first { $0.hasPrefix("R01,") }!.dropFirst("R01,".count)
        // 1,201 rows: more than the 500 rows a statement carries, with a remainder in the last one.
        let rows = (1...1201).map { n in
            "BIG\(n)," + template.replacingOccurrences(of: "Zoë,O'Neill", with: "Zoë,O'Neill\(n % 600)")
        }
        let text = ([String(header)] + rows).joined(separator: "\n")
        try await withApp { app in
            let summary = try await ReferralImport.run(text: text, actor: Self.actor, now: app.clock.now(), db: app.db,
                                                       writes: app.writes)
            #expect(summary == ImportSummary(created: 1201, updated: 0, unchanged: 0, peopleCreated: 600))
            #expect(try await Referral.query(on: app.db).count() == 1201)
            #expect(try await Person.query(on: app.db).count() == 600, "the same name and birth date is the same person")
            #expect(try await Referral.query(on: app.db).all().allSatisfy { $0.exploitationTypeCodes.count == 2 })
            #expect(try await SupportCase.query(on: app.db).count() == 1201)
            #expect(try await OutcomeMeasure.query(on: app.db).count() == 2402)
            let repeats = try await Referral.query(on: app.db).filter(\.$isRepeat == true).count()
            #expect(repeats == 0, "every case closed after the referrals it could repeat were received")
            let person = try #require(try await Person.query(on: app.db).filter(\.$lastName == "O'Neill7").first())
            #expect(person.foldedLast == NameFolding.fold("O'Neill7") && person.ethnicity == "black" && !person.legalHold)
        }
    }

    @Test("A bad file is refused whole, every problem named by line and column, nothing written")
    func badRows() async throws {
        try await withApp { app in
            let header = "referral_ref,received_date,region,service,referral_source,first_name,last_name,date_of_birth,gender,home_local_authority,exploitation_types,entry_safety,case_opened_date"
            let file = [
                header,
                "B1,2023-05-01,west-midlands,support,police,Ann,Lee,2008-01-01,female,birmingham,county_lines,,",
                "B2,2023-13-01,west-midlands,support,police,Ann,Lee,2008-01-01,female,birmingham,,,",
                "B3,2023-05-01,mars,support,police,Ann,Lee,2008-01-01,female,birmingham,,,",
                "B4,2023-05-01,west-midlands,support,pigeon,,Lee,2008-01-01,female,Birmingham,stealing,,",
                "B5,2023-05-01,west-midlands,support,police,Ann,Lee,2030-01-01,female,birmingham,,11,2023-05-02",
                "B1,2023-05-01,west-midlands,support,police,Ann,Lee,2008-01-01,female,birmingham,,,",
                "\"B7,multi\nline\",2023-05-01,west-midlands,support,police,Ann,Lee,2008-01-01,male,birmingham,,,",
                "B8,2023-05-01,west-midlands,support,police,Ann,Lee,2008-01-01,female,birmingham,,5,",
            ].joined(separator: "\r\n")
            let error = await #expect(throws: ImportProblems.self) {
                try await ReferralImport.run(text: file, actor: Self.actor, now: app.clock.now(), db: app.db, writes: app.writes)
            }
            let lines = try #require(error).problems.map(\.description)
            #expect(lines.contains("line 3: received_date: \"2023-13-01\" is not a date written YYYY-MM-DD"))
            #expect(lines.contains("line 4: region: \"mars\" is not a region"))
            #expect(lines.contains("line 5: referral_source: \"pigeon\" is not a referral source code"))
            #expect(lines.contains("line 5: first_name: is required"))
            #expect(lines.contains { $0.hasPrefix("line 5: home_local_authority:") })
            #expect(lines.contains("line 5: exploitation_types: \"stealing\" is not an exploitation type code"))
            #expect(lines.contains("line 6: date_of_birth: 2030-01-01 is in the future"))
            #expect(lines.contains("line 6: entry_safety: \"11\" is not a whole number from 1 to 10"))
            #expect(lines.contains("line 7: referral_ref: \"B1\" appears again (first on line 2)"))
            #expect(lines.contains("line 10: entry_measures: outcome measures need case_opened_date"), "B7's cell spans lines 8-9")
            #expect(try await Referral.query(on: app.db).count() == 0)
            #expect(try await Person.query(on: app.db).count() == 0)
        }
    }

    @Test("Header problems: unknown and missing columns; an empty file; a byte-order mark is fine", arguments: [
        ("referral_ref,colour\nX,red\n", ["line 1: colour: unknown column", "line 1: date_of_birth: required column is missing"]),
        ("", ["line 1: (file): the file is empty: expected a header row"]),
        ("session_ref,date,region,audience,attendees\n", ["line 2: (file): the file has a header but no rows"]),
    ])
    func headers(text: String, expected: [String]) async throws {
        try await withApp { app in
            let kind = text.hasPrefix("session_ref") ? "outreach" : "referrals"
            let error = await #expect(throws: ImportProblems.self) {
                if kind == "outreach" {
                    _ = try await OutreachImport.run(text: text, actor: Self.actor, now: app.clock.now(), db: app.db, writes: app.writes)
                } else {
                    _ = try await ReferralImport.run(text: text, actor: Self.actor, now: app.clock.now(), db: app.db, writes: app.writes)
                }
            }
            let lines = try #require(error).problems.map(\.description)
            for line in expected { #expect(lines.contains(line), "\(lines)") }
        }
    }

    @Test("A byte-order mark and CRLF line ends import like a plain file")
    func byteOrderMark() async throws {
        try await withApp { app in
            let text = "\u{FEFF}" + AnnualReportFixture.outreach.replacingOccurrences(of: "\n", with: "\r\n")
            let summary = try await OutreachImport.run(text: text, actor: Self.actor, now: app.clock.now(), db: app.db, writes: app.writes)
            #expect(summary.created == 4)
            #expect(try await OutreachSession.query(on: app.db).filter(\.$ref == "S1").first()?.organisation == "Birmingham schools")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "import.outreach").count() == 1)
        }
    }

    @Test("The command line imports and prints the report's JSON on standard output")
    func commandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let referrals = folder.appendingPathComponent("referrals.csv"), outreach = folder.appendingPathComponent("outreach.csv")
        try AnnualReportFixture.referrals.write(to: referrals, atomically: true, encoding: .utf8)
        try AnnualReportFixture.outreach.write(to: outreach, atomically: true, encoding: .utf8)
        let database = CommandLineTests.temporarySQLite()
        #expect(try CommandLineTests.run(["import", "referrals", referrals.path], database: database).status == 0)
        #expect(try CommandLineTests.run(["import", "outreach", outreach.path], database: database).status == 0)
        let result = try CommandLineTests.run(["report", "annual", "--region", "west-midlands", "--year", "2023-24",
                                               "--format", "json"], database: database)
        #expect(result.status == 0, "\(result.errors)")
        let report = try JSONDecoder().decode(AnnualReport.self, from: Data(result.output.utf8))
        #expect(report.referrals.received == 6 && report.outcomes.cohort == 3)
        let csv = try CommandLineTests.run(["report", "annual", "--region", "west-midlands", "--year", "2023-24", "--format", "csv"],
                                           database: database)
        #expect(csv.output.contains("outcomes,increased_safety,,2,3,66.7"))
        let bad = try CommandLineTests.run(["import", "referrals", outreach.path], database: database)
        #expect(bad.status != 0)
        #expect(bad.errors.contains("line 1: attendees: unknown column"))
    }
}

@Suite("The documented example files")
struct ExampleFileTests {
    @Test("docs/examples import cleanly, as the guide promises")
    func examples() async throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/examples")
        let referrals = try String(contentsOf: folder.appendingPathComponent("referrals.csv"), encoding: .utf8)
        let outreach = try String(contentsOf: folder.appendingPathComponent("outreach.csv"), encoding: .utf8)
        try await withApp { app in
            let imported = try await ReferralImport.run(text: referrals, actor: ImportAndReportTests.actor, now: app.clock.now(),
                                                        db: app.db, writes: app.writes)
            #expect(imported.created == 4)
            let sessions = try await OutreachImport.run(text: outreach, actor: ImportAndReportTests.actor, now: app.clock.now(),
                                                        db: app.db, writes: app.writes)
            #expect(sessions.created == 2)
        }
    }
}
