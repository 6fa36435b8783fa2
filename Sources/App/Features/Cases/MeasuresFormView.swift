import Foundation

/// The outcome-measures form of the case page, field by field: its defaults, or what a refused form held, and
/// each field's problem beside it (a refused review once came back as an empty entry form).
struct MeasuresFormView: Encodable {
    let inputs: [FormField]

    /// A field's label ("Missing episodes in the last 3 months"), for naming it in the error summary.
    static func label(of id: String) -> String {
        make(typed: CaseFormEcho(), errors: FieldErrors(), today: "").inputs.first { $0.id == id }?.label ?? id
    }

    static func make(typed: CaseFormEcho, errors: FieldErrors, today: String) -> MeasuresFormView {
        let sent = typed.form == "measures" ? typed.text : [:]
        func choose(_ id: String, _ label: String, _ options: [(String, String)], default fallback: String = "") -> FormField {
            let value = sent[id] ?? fallback
            return FormField(id, value: value, error: errors[id])
                .select(label, options: options.map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == value) })
        }
        func number(_ id: String, _ label: String, min: Int, max: Int?) -> FormField {
            let field = FormField(id, value: sent[id] ?? "", error: errors[id])
            return if let max { field.drawn(label, as: .number, ["min": String(min), "max": String(max)]) }
                else { field.drawn(label, as: .number, ["min": String(min)]) }
        }
        let yesNo = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]
        return MeasuresFormView(inputs: [
            choose("stage", "Stage", [("entry", "Entry"), ("review", "Review"), ("exit", "Exit")], default: "entry"),
            FormField("recordedOn", value: sent["recordedOn"] ?? today, error: errors["recordedOn"]).drawn("Date", as: .date),
            choose("source", "Source", [("self_report", "Self-report"), ("caseworker", "Caseworker"), ("police", "Police"),
                                        ("school", "School")], default: "self_report"),
            number("safety", "Feeling of safety (1 to 10)", min: 1, max: 10),
            number("mental_health", "Mental health (1 to 10)", min: 1, max: 10),
            number("criminogenic_need", "Criminogenic need (0 to 10)", min: 0, max: 10),
            number("missing_episodes", "Missing episodes in the last 3 months", min: 0, max: nil),
            number("offences", "Offences in the last 3 months", min: 0, max: nil),
            choose("county_lines_active", "Active in county lines", yesNo),
            choose("family_conflict", "Family conflict", yesNo),
            choose("eet", "In education, employment or training", yesNo),
            choose("goal_progress", "Progress against goals (at exit)",
                   [("", "Not recorded"), ("positive", "Positive"), ("none", "None"), ("negative", "Negative")]),
        ])
    }
}
