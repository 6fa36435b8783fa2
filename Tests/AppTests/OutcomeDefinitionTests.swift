@testable import App
import Domain
import Fluent
import Foundation
import Testing

/// The report's outcome figures come from one SQL pass over a period's closed cases; the definitions are the
/// Domain's, case by case (`OutcomeSums.count`). Here both are applied to the same generated fixture.
@Suite("Outcome definitions")
struct OutcomeDefinitionTests {
    @Test("The report's SQL gives every outcome figure the Domain's case-by-case definition gives, per region and for all")
    func sqlFollowsTheDomain() async throws {
        try await withApp { app in
            let today = try await ImportPartsTests.importGenerated(app, rows: 3_000)
            let regions = try await Region.query(on: app.db).all()
            let measures = try await OutcomeMeasure.query(on: app.db).all()
            func stage(_ stage: OutcomeMeasure.Stage) -> [UUID: ReferralRow.Measures] {
                Dictionary(measures.filter { $0.stage == stage }.map { m in
                    (m.$supportCase.id, ReferralRow.Measures(
                        safety: m.safety, mentalHealth: m.mentalHealth, goalProgress: m.goalProgress,
                        criminogenicNeed: m.criminogenicNeed, missingEpisodes: m.missingEpisodes, offences: m.offences,
                        countyLinesActive: m.countyLinesActive, familyConflict: m.familyConflict, eet: m.eet))
                }, uniquingKeysWith: { first, _ in first })
            }
            let entries = stage(.entry), exits = stage(.exit)
            let closed = try await SupportCase.query(on: app.db).filter(\.$closedDate != nil).all()
            let last = FinancialYear.containing(today).previous
            var cohorts = 0, improved = 0
            for year in [last.previous, last] {
                for code in regions.map(\.code) + ["all"] {
                    let regionIDs = code == "all" ? Set(regions.compactMap(\.id)) : Set(regions.filter { $0.code == code }.compactMap(\.id))
                    var sums = OutcomeSums()
                    for supportCase in closed where regionIDs.contains(supportCase.$region.id) {
                        guard let closedOn = supportCase.closedDate.flatMap(CivilDate.init), year.start <= closedOn, closedOn <= year.end else { continue }
                        sums.count(entry: entries[supportCase.id!], exit: exits[supportCase.id!])
                    }
                    let report = try await AnnualReportQuery.run(region: code, year: year, on: app.db)
                    #expect(report.outcomes == sums.outcomes, "\(code) \(year)")
                    cohorts += sums.cohort
                    improved += sums.safetyImproved + sums.countyLinesStopped + sums.eetAtExit
                }
            }
            #expect(cohorts > 100 && improved > 20, "the fixture closes cases with measures: \(cohorts) in cohorts")

            // The commissioners' page reads every region's report from one grouped pass: the same reports.
            for year in [last.previous, last] {
                let every = try await AnnualReportQuery.runEveryRegion(year: year, reading: ReportReaders(first: app.db, second: app.db))
                let months = try await MonthlyReferralsQuery.runEveryRegion(year: year, on: app.db)
                #expect(Set(every.keys) == Set(regions.map(\.code) + ["all"]) && Set(months.keys) == Set(every.keys))
                for (code, report) in every {
                    #expect(report == (try await AnnualReportQuery.run(region: code, year: year, on: app.db)), "\(code) \(year)")
                    #expect(months[code] == (try await MonthlyReferralsQuery.run(region: code, year: year, on: app.db)))
                }
            }
        }
    }
}
