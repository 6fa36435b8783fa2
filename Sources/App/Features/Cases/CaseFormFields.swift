import Domain
import Foundation

/// The fields of the case page's forms (contact, risk, goal, closure, lead caseworker): their defaults, or what a
/// refused form held with its errors. Each is drawn by `components/field.leaf` or `components/choice-group.leaf`.
struct CaseFormFields: Encodable {
    let happenedAt, kind, durationMinutes, present, notes: FormField
    let sensitive: Bool
    let rating, riskReason, indicators: FormField
    let goalArea, goalDescription: FormField
    let closureReason, closureNote, caseworker: FormField
    let wheelStage, assessedOn: FormField
    let scores: [FormField]
    let safeContact: FormField

    static func make(typed: CaseFormEcho, errors: FieldErrors, areas: [Pathway.Area], closureReasons: [(code: String, label: String)],
                     leads: [SelectOption], safeContact: String?, now: Date) -> CaseFormFields {
        func text(_ form: String, _ key: String, _ fallback: String = "") -> String {
            typed.form == form ? typed.text[key] ?? fallback : fallback
        }
        func field(_ id: String, _ value: String = "") -> FormField { FormField(id, value: value, error: errors[id]) }
        let present = typed.form == "contact" ? typed.lists["present"] ?? [] : ["young_person"]
        let indicators = typed.form == "risk" ? Set(typed.lists["indicators"] ?? []) : []
        let kind = text("contact", "kind", Contact.Kind.faceToFace.rawValue)
        let rating = text("risk", "rating"), area = text("goal", "area"), stage = text("wheel", "stage", "entry")
        let closureReason = text("close", "reason", ClosureReason.planned.rawValue)
        return CaseFormFields(
            happenedAt: field("happenedAt", text("contact", "happenedAt", CasePage.localInput(now))).drawn("When", as: .dateTime),
            kind: field("kind", kind).select("Type", options: Contact.Kind.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == kind)
            }),
            durationMinutes: field("durationMinutes", text("contact", "durationMinutes", "30"))
                .drawn("Duration in minutes", as: .number, ["min": "0", "max": "1440"]),
            present: field("present").group("Who was present", name: "present[]", as: .checkboxes, choices: [
                Choice(id: "present-yp", value: "young_person", label: "The young person", checked: present.contains("young_person")),
                Choice(id: "present-parent", value: "parent_carer", label: "A parent or carer", checked: present.contains("parent_carer")),
                Choice(id: "present-pro", value: "professional", label: "A professional", checked: present.contains("professional")),
            ]),
            notes: field("notes", text("contact", "notes")).drawn("Notes", as: .textarea, ["rows": "5"]),
            sensitive: text("contact", "sensitive") == "yes",
            rating: field("rating", rating).group("Rating", choices: RiskLevel.allCases.map {
                Choice(id: "rating-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: $0.rawValue == rating)
            }),
            riskReason: field("riskReason", text("risk", "reason")).drawn("Reason", name: "reason", as: .textarea, ["rows": "2"]),
            indicators: field("indicators").group("Exploitation indicators seen now", name: "indicators[]", as: .checkboxes,
                                                  choices: Choice.riskIndicators(idPrefix: "indicator", checked: indicators)),
            goalArea: field("goalArea", area).select("Outcome area", name: "area", options: areas.map {
                SelectOption(value: $0.code, label: $0.label, selected: $0.code == area)
            }),
            goalDescription: field("goalDescription", text("goal", "description"))
                .drawn("The goal", name: "description", as: .textarea, ["rows": "2"]),
            closureReason: field("reason", closureReason).select(
                "Reason", hint: "A planned closure needs the exit measures and, when asked for by a caseworker, a manager's approval.",
                options: closureReasons.map { SelectOption(value: $0.code, label: $0.label, selected: $0.code == closureReason) }),
            closureNote: field("note", text("close", "note")).drawn("Note for the manager (optional)"),
            caseworker: field("caseworker").select("Lead caseworker", options: leads),
            wheelStage: field("wheelStage", stage).select("Stage", name: "stage", options: [
                ("entry", "Entry"), ("review", "Review"), ("exit", "Exit"),
            ].map { SelectOption(value: $0.0, label: $0.1, selected: $0.0 == stage) }),
            assessedOn: field("assessedOn", text("wheel", "assessedOn", CivilDate.today(at: now).description)).drawn("Date", as: .date),
            scores: areas.map {
                field("score_\($0.code)", text("wheel", "score_\($0.code)")).drawn("\($0.label) (1 to 10)", as: .number, ["min": "1", "max": "10"])
            },
            safeContact: field("safeContact", text("safeContact", "safeContact", safeContact ?? "")).drawn("Safe times and numbers", as: .textarea, ["rows": "2"]))
    }
}
