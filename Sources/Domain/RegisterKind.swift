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
             Field(key: "conclusive_grounds_on", label: "Conclusive-grounds decision date", type: .date, required: false)]
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
             Field(key: "expected_release", label: "Expected release date", type: .date, required: false),
             Field(key: "pre_release_sessions", label: "Pre-release sessions held", type: .count, required: false),
             Field(key: "handover_on_release", label: "Handover on release arranged", type: .yesNo, required: false)]
        }
    }

    /// The checked values (empty ones left out), or the first problem as (field key, message). Every date of an
    /// entry follows its own date (`occurred_on`): found after going missing, a decision after the submission, a
    /// release after the first session.
    public func check(_ values: [String: String]) -> Result<[String: String], RegisterProblem> {
        let entryDate = CivilDate(values["occurred_on"] ?? "")
        var clean: [String: String] = [:]
        for field in fields {
            let value = (values[field.key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if value.isEmpty {
                if field.required { return .failure(RegisterProblem(field: field.key, message: "Enter \(field.label.lowercased())")) }
                continue
            }
            switch field.type {
            case .text:
                if value.count > 2000 { return .failure(RegisterProblem(field: field.key, message: "\(field.label) must be 2,000 characters or fewer")) }
            case .date:
                guard let date = CivilDate(value) else {
                    return .failure(RegisterProblem(field: field.key, message: "\(field.label) must be a real date"))
                }
                if let entryDate, date < entryDate {
                    return .failure(RegisterProblem(field: field.key,
                                                    message: "\(field.label) cannot be before \(dateLabel.lowercased()) (\(entryDate))"))
                }
            case .count:
                guard let count = Int(value), (0...999).contains(count) else {
                    return .failure(RegisterProblem(field: field.key, message: "\(field.label): a whole number from 0 to 999"))
                }
            case .yesNo:
                if value != "yes" && value != "no" { return .failure(RegisterProblem(field: field.key, message: "\(field.label): yes or no")) }
            case let .choice(options):
                if !options.contains(value) { return .failure(RegisterProblem(field: field.key, message: "Select \(field.label.lowercased())")) }
            }
            clean[field.key] = value
        }
        return .success(clean)
    }
}

public struct RegisterProblem: Error, Equatable, Sendable {
    public let field: String
    public let message: String
}
