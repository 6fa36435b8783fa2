/// The registers kept on a case (SPEC §2.4) and the fields each records. A field is text, a date, a yes/no
/// answer or a choice; `check` validates typed values and names the field that is wrong.
public enum RegisterKind: String, CaseIterable, Sendable {
    case missingEpisode = "missing_episode"
    case nrm
    case onwardReferral = "onward_referral"
    case positiveActivity = "positive_activity"
    case prisonInReach = "prison_in_reach"

    public enum FieldType: Sendable, Equatable {
        case text, date, yesNo
        /// A whole number from 0 to 999 (sessions held).
        case count
        case choice([String])
    }

    public struct Field: Sendable {
        public let key: String
        public let label: String
        public let type: FieldType
        public let required: Bool
        /// A date that may be after today (an expected release); every other date of an entry has happened.
        public var mayBeFuture = false
        /// Another date of the same entry this one cannot precede (a conclusive decision, the reasonable-grounds one).
        public var notBefore: String?
    }

    public var title: String {
        switch self {
        case .missingEpisode: "Missing episodes"
        case .nrm: "National Referral Mechanism"
        case .onwardReferral: "Onward referrals and signposting"
        case .positiveActivity: "Positive activities"
        case .prisonInReach: "Prison in-reach"
        }
    }

    /// The register's own date: when it happened.
    public var dateLabel: String {
        switch self {
        case .missingEpisode: "Reported missing on"
        case .nrm: "Submitted on"
        case .onwardReferral: "Referred on"
        case .positiveActivity: "Started on"
        case .prisonInReach: "First session on"
        }
    }

    public var fields: [Field] {
        switch self {
        case .missingEpisode:
            [Field(key: "found_on", label: "Found on", type: .date, required: false),
             Field(key: "where_found", label: "Where found", type: .text, required: false),
             Field(key: "reported_to_police", label: "Reported to the police", type: .yesNo, required: false),
             Field(key: "rhi_offered", label: "Return-home interview offered", type: .yesNo, required: false),
             Field(key: "rhi_within_72_hours", label: "Return-home interview done within 72 hours", type: .yesNo, required: false),
             Field(key: "rhi_by", label: "Return-home interview by", type: .text, required: false),
             Field(key: "findings", label: "Findings", type: .text, required: false)]
        case .nrm:
            [Field(key: "first_responder", label: "First responder organisation", type: .text, required: true),
             Field(key: "route", label: "Route", type: .choice(["child", "adult"]), required: true),
             Field(key: "reasonable_grounds", label: "Reasonable-grounds decision", type: .choice(["pending", "positive", "negative"]), required: false),
             Field(key: "reasonable_grounds_on", label: "Reasonable-grounds decision date", type: .date, required: false),
             Field(key: "conclusive_grounds", label: "Conclusive-grounds decision", type: .choice(["pending", "positive", "negative"]), required: false),
             Field(key: "conclusive_grounds_on", label: "Conclusive-grounds decision date", type: .date, required: false,
                   notBefore: "reasonable_grounds_on")]
        case .onwardReferral:
            [Field(key: "service", label: "Service", type: .choice(["safecall", "kooth", "camhs", "substance_misuse", "housing",
                                                                   "youth_justice", "la_exploitation_team", "other"]), required: true),
             Field(key: "taken_up", label: "Taken up", type: .yesNo, required: false),
             Field(key: "notes", label: "Notes", type: .text, required: false)]
        case .positiveActivity:
            [Field(key: "activity", label: "Activity (music studio, football…)", type: .text, required: true),
             Field(key: "provider", label: "Provider", type: .text, required: false),
             Field(key: "attending", label: "Still attending", type: .yesNo, required: false)]
        case .prisonInReach:
            [Field(key: "establishment", label: "Establishment", type: .text, required: true),
             Field(key: "expected_release", label: "Expected release date", type: .date, required: false, mayBeFuture: true),
             Field(key: "pre_release_sessions", label: "Pre-release sessions held", type: .count, required: false),
             Field(key: "handover_on_release", label: "Handover on release arranged", type: .yesNo, required: false)]
        }
    }

    /// The checked values (empty ones left out), or every problem, each with its field's key. Every date of an entry
    /// follows the entry's own date (`occurred_on`) and, but an expected release, is not after `today`: found after
    /// going missing, a decision after the submission, a release after the first session.
    public func check(_ values: [String: String], today: CivilDate) -> Result<[String: String], RegisterProblems> {
        let entryDate = CivilDate(values["occurred_on"] ?? "")
        var clean: [String: String] = [:]
        var problems: [RegisterProblem] = []
        func refuse(_ field: Field, _ message: String) { problems.append(RegisterProblem(field: field.key, message: message)) }
        for field in fields {
            let value = (values[field.key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if value.isEmpty {
                if field.required { refuse(field, "Enter \(field.label.lowercased())") }
                continue
            }
            switch field.type {
            case .text:
                if value.count > 2000 { refuse(field, "\(field.label) must be 2,000 characters or fewer"); continue }
            case .date:
                guard let date = CivilDate(value) else { refuse(field, "\(field.label) must be a real date"); continue }
                if let entryDate, date < entryDate {
                    refuse(field, "\(field.label) cannot be before \(dateLabel.lowercased()) (\(entryDate))"); continue
                }
                if !field.mayBeFuture, date > today { refuse(field, "\(field.label) cannot be in the future"); continue }
                if let other = field.notBefore, let otherDate = CivilDate(values[other] ?? ""), date < otherDate {
                    let otherLabel = fields.first { $0.key == other }?.label.lowercased() ?? other
                    refuse(field, "\(field.label) cannot be before the \(otherLabel) (\(otherDate))"); continue
                }
            case .count:
                // Stored as the number it is: "+5" and "05" are 5.
                guard value.allSatisfy(\.isASCII), let count = Int(value), (0...999).contains(count) else {
                    refuse(field, "\(field.label): a whole number from 0 to 999"); continue
                }
                clean[field.key] = String(count)
                continue
            case .yesNo:
                if value != "yes" && value != "no" { refuse(field, "\(field.label): yes or no"); continue }
            case let .choice(options):
                if !options.contains(value) { refuse(field, "Select \(field.label.lowercased())"); continue }
            }
            clean[field.key] = value
        }
        return problems.isEmpty ? .success(clean) : .failure(RegisterProblems(problems: problems))
    }
}

public struct RegisterProblem: Error, Equatable, Sendable {
    public let field: String
    public let message: String
}

/// Every problem of a register entry, in the form's order.
public struct RegisterProblems: Error, Equatable, Sendable {
    public let problems: [RegisterProblem]
}
