import Domain
import Foundation

/// A share of a period's figures, as the report's queries return them: one region's when they are grouped by
/// region, else the whole scope's. A report is the sum of its shares, SPEC §4's "union of the regions' referrals,
/// cases and sessions, with each referral judged against its own region": every count adds up, and the median
/// response time is taken over all the times.
struct RegionShare: Sendable {
    var referrals = AnnualReport.Referrals()
    /// Requests and conversions; the median is made in `report`.
    var rescue = AnnualReport.Rescue()
    var responseMinutes: [Double] = []
    var outreach = AnnualReport.Outreach()
    var outcomes = OutcomeSums()
    var demographics = AnnualReport.Demographics()

    static func report(_ region: String, year: FinancialYear, from shares: [RegionShare]) -> AnnualReport {
        var report = AnnualReport(region: region, year: year)
        var outcomes = OutcomeSums()
        var minutes: [Double] = []
        for share in shares {
            let r = share.referrals
            report.referrals.received += r.received
            report.referrals.metCriteria += r.metCriteria
            report.referrals.didNotMeetCriteria += r.didNotMeetCriteria
            report.referrals.didNotMeetReasons.merge(r.didNotMeetReasons, uniquingKeysWith: +)
            report.referrals.engaged += r.engaged
            report.referrals.repeat += r.repeat
            report.rescue.requests += share.rescue.requests
            report.rescue.convertedToSupport += share.rescue.convertedToSupport
            minutes += share.responseMinutes
            report.outreach.sessions += share.outreach.sessions
            report.outreach.attendees += share.outreach.attendees
            outcomes.add(share.outcomes)
            let d = share.demographics
            report.demographics.age.merge(d.age, uniquingKeysWith: +)
            report.demographics.gender.merge(d.gender, uniquingKeysWith: +)
            report.demographics.ethnicity.merge(d.ethnicity, uniquingKeysWith: +)
            report.demographics.referralSource.merge(d.referralSource, uniquingKeysWith: +)
            report.demographics.exploitationType.merge(d.exploitationType, uniquingKeysWith: +)
            report.demographics.localAuthority.merge(d.localAuthority, uniquingKeysWith: +)
        }
        report.rescue.medianResponseMinutes = Median.of(minutes).map { ($0 * 10).rounded() / 10 }
        report.outcomes = outcomes.outcomes
        return report
    }
}
