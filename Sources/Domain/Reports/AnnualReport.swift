/// The annual report of SPEC §4, in the JSON shape the specification fixes (a contract read by tests outside the
/// project). Counts come from the database already aggregated; the definitions that turn them into the
/// report's figures live here.
public struct AnnualReport: Codable, Equatable, Sendable {
    public struct Period: Codable, Equatable, Sendable {
        public let start: String
        public let end: String
    }

    public struct Referrals: Codable, Equatable, Sendable {
        public var received = 0
        public var metCriteria = 0
        public var didNotMeetCriteria = 0
        public var didNotMeetReasons: [String: Int] = Dictionary(uniqueKeysWithValues: Eligibility.Reason.allCases.map { ($0.rawValue, 0) })
        public var engaged = 0
        public var `repeat` = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case received, engaged, `repeat`
            case metCriteria = "met_criteria"
            case didNotMeetCriteria = "did_not_meet_criteria"
            case didNotMeetReasons = "did_not_meet_reasons"
        }
    }

    public struct Rescue: Codable, Equatable, Sendable {
        public var requests = 0
        public var convertedToSupport = 0
        public var medianResponseMinutes: Double?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case requests
            case convertedToSupport = "converted_to_support"
            case medianResponseMinutes = "median_response_minutes"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(requests, forKey: .requests)
            try container.encode(convertedToSupport, forKey: .convertedToSupport)
            try container.encode(medianResponseMinutes, forKey: .medianResponseMinutes)
        }
    }

    public struct Outreach: Codable, Equatable, Sendable {
        public var sessions = 0
        public var attendees = 0

        public init() {}
    }

    public struct Outcomes: Codable, Equatable, Sendable {
        public var cohort = 0
        public var increasedSafety = Metric(numerator: 0, denominator: 0)
        public var improvedMentalHealth = Metric(numerator: 0, denominator: 0)
        public var positiveGoalProgress = Metric(numerator: 0, denominator: 0)
        public var criminogenicNeedReduction = Metric(numerator: 0, denominator: 0)
        public var missingEpisodesReduction = Metric(numerator: 0, denominator: 0)
        public var offendingReduction = Metric(numerator: 0, denominator: 0)
        public var reducedCountyLinesActivity = Metric(numerator: 0, denominator: 0)
        public var familyConflictReduction = Metric(numerator: 0, denominator: 0)
        public var eetAtClosure = Metric(numerator: 0, denominator: 0)

        public init() {}

        /// Every metric with its key, in the order the report lists them.
        public var all: [(key: String, metric: Metric)] {
            [("increased_safety", increasedSafety), ("improved_mental_health", improvedMentalHealth),
             ("positive_goal_progress", positiveGoalProgress), ("criminogenic_need_reduction", criminogenicNeedReduction),
             ("missing_episodes_reduction", missingEpisodesReduction), ("offending_reduction", offendingReduction),
             ("reduced_county_lines_activity", reducedCountyLinesActivity),
             ("family_conflict_reduction", familyConflictReduction), ("eet_at_closure", eetAtClosure)]
        }

        enum CodingKeys: String, CodingKey {
            case cohort
            case increasedSafety = "increased_safety"
            case improvedMentalHealth = "improved_mental_health"
            case positiveGoalProgress = "positive_goal_progress"
            case criminogenicNeedReduction = "criminogenic_need_reduction"
            case missingEpisodesReduction = "missing_episodes_reduction"
            case offendingReduction = "offending_reduction"
            case reducedCountyLinesActivity = "reduced_county_lines_activity"
            case familyConflictReduction = "family_conflict_reduction"
            case eetAtClosure = "eet_at_closure"
        }
    }

    public struct Demographics: Codable, Equatable, Sendable {
        public var age: [String: Int] = [:]
        public var gender: [String: Int] = [:]
        public var ethnicity: [String: Int] = [:]
        public var referralSource: [String: Int] = [:]
        public var exploitationType: [String: Int] = [:]
        public var localAuthority: [String: Int] = [:]

        public init() {}

        enum CodingKeys: String, CodingKey {
            case age, gender, ethnicity
            case referralSource = "referral_source"
            case exploitationType = "exploitation_type"
            case localAuthority = "local_authority"
        }
    }

    public var region: String
    public var period: Period
    public var referrals = Referrals()
    public var rescue = Rescue()
    public var outreach = Outreach()
    public var outcomes = Outcomes()
    public var demographics = Demographics()

    public init(region: String, year: FinancialYear) {
        self.region = region
        self.period = Period(start: year.start.description, end: year.end.description)
    }
}

/// The sums the database returns for the outcome cohort (cases closed in the period), one per metric part.
public struct OutcomeSums: Equatable, Sendable {
    public var cohort = 0
    public var safetyPairs = 0, safetyImproved = 0
    public var mentalHealthPairs = 0, mentalHealthImproved = 0
    public var goalRecorded = 0, goalPositive = 0
    public var criminogenicEntry = 0, criminogenicExit = 0
    public var missingEntry = 0, missingExit = 0
    public var offencesEntry = 0, offencesExit = 0
    public var countyLinesActiveAtEntry = 0, countyLinesStopped = 0
    public var conflictAtEntry = 0, conflictEnded = 0
    public var eetRecorded = 0, eetAtExit = 0

    public init() {}

    /// Adds another set of sums (another region's, for a report of several).
    public mutating func add(_ other: OutcomeSums) {
        cohort += other.cohort
        safetyPairs += other.safetyPairs; safetyImproved += other.safetyImproved
        mentalHealthPairs += other.mentalHealthPairs; mentalHealthImproved += other.mentalHealthImproved
        goalRecorded += other.goalRecorded; goalPositive += other.goalPositive
        criminogenicEntry += other.criminogenicEntry; criminogenicExit += other.criminogenicExit
        missingEntry += other.missingEntry; missingExit += other.missingExit
        offencesEntry += other.offencesEntry; offencesExit += other.offencesExit
        countyLinesActiveAtEntry += other.countyLinesActiveAtEntry; countyLinesStopped += other.countyLinesStopped
        conflictAtEntry += other.conflictAtEntry; conflictEnded += other.conflictEnded
        eetRecorded += other.eetRecorded; eetAtExit += other.eetAtExit
    }

    /// SPEC §4's definitions: a share of cases for most; for the three "reduction" measures, the fall in the
    /// summed entry values as a share of those sums (negative when things got worse).
    public var outcomes: AnnualReport.Outcomes {
        var o = AnnualReport.Outcomes()
        o.cohort = cohort
        o.increasedSafety = Metric(numerator: safetyImproved, denominator: safetyPairs)
        o.improvedMentalHealth = Metric(numerator: mentalHealthImproved, denominator: mentalHealthPairs)
        o.positiveGoalProgress = Metric(numerator: goalPositive, denominator: goalRecorded)
        o.criminogenicNeedReduction = Metric(numerator: criminogenicEntry - criminogenicExit, denominator: criminogenicEntry)
        o.missingEpisodesReduction = Metric(numerator: missingEntry - missingExit, denominator: missingEntry)
        o.offendingReduction = Metric(numerator: offencesEntry - offencesExit, denominator: offencesEntry)
        o.reducedCountyLinesActivity = Metric(numerator: countyLinesStopped, denominator: countyLinesActiveAtEntry)
        o.familyConflictReduction = Metric(numerator: conflictEnded, denominator: conflictAtEntry)
        o.eetAtClosure = Metric(numerator: eetAtExit, denominator: eetRecorded)
        return o
    }
}

public enum Median {
    /// The middle value, or the mean of the two middle values; nil for no values.
    public static func of(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
