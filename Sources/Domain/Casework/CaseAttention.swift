import Foundation

/// When an open case needs a manager's attention on the home page and in the case list : no contact
/// for a number of days, or outcome measures not taken for a number of weeks. Both are settings
/// (`REACHABLE_NO_CONTACT_DAYS`, `REACHABLE_REVIEW_WEEKS`); the SQL that counts them at scale binds the cut-offs
/// computed here.
public struct CaseAttention: Sendable {
    public let noContactDays: Int
    public let reviewWeeks: Int

    public init(noContactDays: Int, reviewWeeks: Int) {
        self.noContactDays = noContactDays
        self.reviewWeeks = reviewWeeks
    }

    /// A case whose last contact is before this moment (or that has none) is quiet.
    public func quietSince(now: Date) -> Date {
        now.addingTimeInterval(-Double(noContactDays) * 86_400)
    }

    /// A case last measured (or, never measured, opened) on or before this day is due a review.
    public func reviewCutoff(today: CivilDate) -> CivilDate {
        CivilDate(daysSinceEpoch: today.daysSinceEpoch - reviewWeeks * 7)
    }

    public func isQuiet(lastContact: Date?, now: Date) -> Bool {
        lastContact.map { $0 < quietSince(now: now) } ?? true
    }

    public func isReviewDue(lastMeasured: CivilDate?, opened: CivilDate, today: CivilDate) -> Bool {
        (lastMeasured ?? opened) <= reviewCutoff(today: today)
    }
}
