import Foundation

/// One row of a referrals file (SPEC §6), checked and typed.
public struct ReferralRow: Equatable, Sendable {
    public static let columns = [
        "referral_ref", "received_date", "region", "service", "referral_source", "referrer_organisation",
        "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "home_local_authority",
        "exploitation_types", "rescue_call_at", "rescue_arrived_at", "case_opened_date", "case_closed_date",
        "closure_reason", "entry_safety", "exit_safety", "entry_mental_health", "exit_mental_health", "goal_progress",
        "entry_criminogenic_need", "exit_criminogenic_need", "entry_missing_episodes", "exit_missing_episodes",
        "entry_offences", "exit_offences", "entry_county_lines_active", "exit_county_lines_active",
        "entry_family_conflict", "exit_family_conflict", "entry_eet", "exit_eet",
    ]
    public static let requiredColumns: Set<String> = [
        "referral_ref", "received_date", "region", "service", "referral_source", "first_name", "last_name",
        "date_of_birth", "gender", "home_local_authority",
    ]

    /// The outcome measures at one stage, entry or exit.
    public struct Measures: Equatable, Sendable {
        /// The most missing episodes or offences three months can hold: more is a typing slip, which would distort
        /// every total it joins.
        public static let largestCount = 500
        public var safety: Int?
        public var mentalHealth: Int?
        public var criminogenicNeed: Int?
        public var missingEpisodes: Int?
        public var offences: Int?
        public var countyLinesActive: Bool?
        public var familyConflict: Bool?
        public var eet: Bool?
        public var goalProgress: String?

        public init(safety: Int? = nil, mentalHealth: Int? = nil, goalProgress: String? = nil, criminogenicNeed: Int? = nil,
                    missingEpisodes: Int? = nil, offences: Int? = nil, countyLinesActive: Bool? = nil,
                    familyConflict: Bool? = nil, eet: Bool? = nil) {
            self.safety = safety
            self.mentalHealth = mentalHealth
            self.goalProgress = goalProgress
            self.criminogenicNeed = criminogenicNeed
            self.missingEpisodes = missingEpisodes
            self.offences = offences
            self.countyLinesActive = countyLinesActive
            self.familyConflict = familyConflict
            self.eet = eet
        }

        public var isEmpty: Bool { self == Measures() }

        /// Counts, then flags (y or n), then the goal, each group comma-separated, the groups by `|`; an unknown
        /// value is empty. The format is stored with every imported referral: it must not change.
        func appendFingerprint(to text: inout String) {
            for (index, count) in [safety, mentalHealth, criminogenicNeed, missingEpisodes, offences].enumerated() {
                if index > 0 { text.append(",") }
                if let count { text.append(String(count)) }
            }
            text.append("|")
            for (index, flag) in [countyLinesActive, familyConflict, eet].enumerated() {
                if index > 0 { text.append(",") }
                if let flag { text.append(flag ? "y" : "n") }
            }
            text.append("|")
            text.append(goalProgress ?? "")
        }
    }

    public var line: Int
    public var ref: String
    public var receivedDate: CivilDate
    public var region: String
    public var service: String
    public var referralSource: String
    public var referrerOrganisation: String?
    public var firstName: String
    public var lastName: String
    public var dateOfBirth: CivilDate
    public var gender: String
    public var ethnicity: String?
    public var homeLocalAuthority: String
    public var exploitationTypes: [String]
    public var rescueCallAt: Date?
    public var rescueArrivedAt: Date?
    public var caseOpened: CivilDate?
    public var caseClosed: CivilDate?
    public var closureReason: String?
    public var entry: Measures
    public var exit: Measures

    /// Everything the row says, in a fixed order: two rows with the same fingerprint import identically.
    public var fingerprint: String {
        // Written into one string (it is made for every row of every import): the cells in column order, an
        // unknown one empty, then the entry and exit measures, separated by U+001F. Stored with each imported
        // referral, so the format must not change (DomainTests pins it).
        let separator: Character = "\u{1F}"
        var text = ""
        text.reserveCapacity(256)
        let parts: [String?] = [
            ref, receivedDate.description, region, service, referralSource, referrerOrganisation, firstName, lastName,
            dateOfBirth.description, gender, ethnicity, homeLocalAuthority, exploitationTypes.joined(separator: ";"),
            rescueCallAt.map { String($0.timeIntervalSince1970) }, rescueArrivedAt.map { String($0.timeIntervalSince1970) },
            caseOpened?.description, caseClosed?.description, closureReason,
        ]
        for (index, part) in parts.enumerated() {
            if index > 0 { text.append(separator) }
            if let part { text.append(part) }
        }
        text.append(separator)
        entry.appendFingerprint(to: &text)
        text.append(separator)
        exit.appendFingerprint(to: &text)
        return text
    }

    /// Checks one row; returns it typed, or the problems found (every one of them).
    public static func parse(_ cells: [String: String], line: Int, context: ImportContext) -> Result<ReferralRow, ImportProblems> {
        var reader = CellReader(cells: cells, line: line, context: context)
        let ref = reader.limited("referral_ref", maxLength: 64, required: true)
        let received = reader.date("received_date", required: true)
        let region = reader.region("region")
        let service = reader.code("service", in: .service, required: true)
        let source = reader.code("referral_source", in: .referralSource, required: true)
        let organisation = reader.limited("referrer_organisation", maxLength: 200)
        let first = reader.name("first_name")
        let last = reader.name("last_name")
        let born = reader.date("date_of_birth", required: true)
        let gender = reader.code("gender", in: .gender, required: true)
        let ethnicity = reader.code("ethnicity", in: .ethnicity)
        var home = reader.required("home_local_authority")
        if let value = home, !Code.isValid(value) {
            reader.fail("home_local_authority", "\"\(value)\" is not a local authority code (lower case, hyphens for spaces)")
            home = nil
        }
        var types: [String] = []
        if let list = reader.text("exploitation_types") {
            for code in list.split(separator: ";").map(\.trimmingSpaces) where !code.isEmpty {
                if context.allows(code, in: .exploitationType) {
                    if !types.contains(code) { types.append(code) }
                } else {
                    reader.fail("exploitation_types", "\"\(code)\" is not an exploitation type code")
                }
            }
        }
        if let born, let received, born > received {
            reader.fail("date_of_birth", "is after the received date")
        }
        let callAt = timestamp(&reader, "rescue_call_at")
        let arrivedAt = timestamp(&reader, "rescue_arrived_at")
        if let callAt, let arrivedAt, arrivedAt < callAt {
            reader.fail("rescue_arrived_at", "is before rescue_call_at")
        }
        if service == "support", callAt != nil || arrivedAt != nil {
            reader.fail(callAt != nil ? "rescue_call_at" : "rescue_arrived_at", "is only for referrals of service rescue")
        }
        let opened = reader.date("case_opened_date")
        let closed = reader.date("case_closed_date")
        let closure = reader.code("closure_reason", in: .closureReason)
        if let opened, let received, opened < received {
            reader.fail("case_opened_date", "is before the received date")
        }
        if closed != nil, opened == nil, reader.text("case_opened_date") == nil {
            reader.fail("case_closed_date", "needs case_opened_date")
        }
        if let opened, let closed, closed < opened {
            reader.fail("case_closed_date", "is before case_opened_date")
        }
        if closure != nil, closed == nil, reader.text("case_closed_date") == nil {
            reader.fail("closure_reason", "needs case_closed_date")
        }
        let entry = measures(&reader, stage: "entry")
        let exit = measures(&reader, stage: "exit")
        if reader.text("case_opened_date") == nil {
            for (stage, values) in [("entry", entry), ("exit", exit)] where !values.isEmpty {
                reader.fail("\(stage)_measures", "outcome measures need case_opened_date")
            }
        }
        guard reader.problems.isEmpty, let ref, let received, let region, let service, let source, let first, let last,
              let born, let gender, let home else {
            return .failure(ImportProblems(reader.problems))
        }
        return .success(ReferralRow(
            line: line, ref: ref, receivedDate: received, region: region, service: service, referralSource: source,
            referrerOrganisation: organisation, firstName: first, lastName: last, dateOfBirth: born, gender: gender,
            ethnicity: ethnicity, homeLocalAuthority: home, exploitationTypes: types, rescueCallAt: callAt,
            rescueArrivedAt: arrivedAt, caseOpened: opened, caseClosed: closed, closureReason: closure, entry: entry,
            exit: exit))
    }

    private static func timestamp(_ reader: inout CellReader, _ column: String) -> Date? {
        guard let value = reader.text(column) else { return nil }
        guard let date = ImportTimestamp.parse(value) else {
            reader.fail(column, "\"\(value)\" is not an ISO 8601 time such as 2023-05-01T02:10:00Z")
            return nil
        }
        return date
    }

    /// A stage's measure columns, named once rather than for every row.
    private struct MeasureColumns {
        let safety, mentalHealth, criminogenicNeed, missingEpisodes, offences: String
        let countyLinesActive, familyConflict, eet: String

        init(stage: String) {
            safety = stage + "_safety"
            mentalHealth = stage + "_mental_health"
            criminogenicNeed = stage + "_criminogenic_need"
            missingEpisodes = stage + "_missing_episodes"
            offences = stage + "_offences"
            countyLinesActive = stage + "_county_lines_active"
            familyConflict = stage + "_family_conflict"
            eet = stage + "_eet"
        }

        static let entry = MeasureColumns(stage: "entry")
        static let exit = MeasureColumns(stage: "exit")
    }

    private static func measures(_ reader: inout CellReader, stage: String) -> Measures {
        let columns = stage == "exit" ? MeasureColumns.exit : MeasureColumns.entry
        var m = Measures()
        m.safety = reader.integer(columns.safety, in: 1...10)
        m.mentalHealth = reader.integer(columns.mentalHealth, in: 1...10)
        m.criminogenicNeed = reader.integer(columns.criminogenicNeed, in: 0...10)
        m.missingEpisodes = reader.integer(columns.missingEpisodes, in: 0...Measures.largestCount)
        m.offences = reader.integer(columns.offences, in: 0...Measures.largestCount)
        m.countyLinesActive = reader.yesNo(columns.countyLinesActive)
        m.familyConflict = reader.yesNo(columns.familyConflict)
        m.eet = reader.yesNo(columns.eet)
        if stage == "exit" { m.goalProgress = reader.code("goal_progress", in: .goalProgress) }
        return m
    }
}

/// One row of an outreach file (SPEC §6).
public struct OutreachRow: Equatable, Sendable {
    public static let columns = ["session_ref", "date", "region", "audience", "organisation", "topic", "attendees"]
    public static let requiredColumns: Set<String> = ["session_ref", "date", "region", "audience", "attendees"]

    public var line: Int
    public var ref: String
    public var date: CivilDate
    public var region: String
    public var audience: String
    public var organisation: String?
    public var topic: String?
    public var attendees: Int

    public static func parse(_ cells: [String: String], line: Int, context: ImportContext) -> Result<OutreachRow, ImportProblems> {
        var reader = CellReader(cells: cells, line: line, context: context)
        let ref = reader.limited("session_ref", maxLength: 64, required: true)
        let date = reader.date("date", required: true)
        let region = reader.region("region")
        let audience = reader.code("audience", in: .audience, required: true)
        let organisation = reader.limited("organisation", maxLength: 200)
        let topic = reader.limited("topic", maxLength: 200)
        let attendees = reader.integer("attendees", in: 0...100_000, required: true)
        guard reader.problems.isEmpty, let ref, let date, let region, let audience, let attendees else {
            return .failure(ImportProblems(reader.problems))
        }
        return .success(OutreachRow(line: line, ref: ref, date: date, region: region, audience: audience,
                                    organisation: organisation, topic: topic, attendees: attendees))
    }
}

/// The header check both imports share: unknown and repeated columns are errors, and so is a missing required one.
public enum ImportHeader {
    public static func problems(header: [String], known: [String], required: Set<String>) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        var seen: Set<String> = []
        for name in header {
            if !known.contains(name) {
                problems.append(ImportProblem(line: 1, column: name.isEmpty ? "(empty)" : name, problem: "unknown column"))
            } else if !seen.insert(name).inserted {
                problems.append(ImportProblem(line: 1, column: name, problem: "column appears twice"))
            }
        }
        for name in known where required.contains(name) && !seen.contains(name) {
            problems.append(ImportProblem(line: 1, column: name, problem: "required column is missing"))
        }
        return problems
    }
}
