import Domain
import Fluent

/// A radio button or a checkbox of a list, as a form shows it.
struct Choice: Encodable, Sendable {
    let id: String
    let value: String
    let label: String
    let checked: Bool
}

extension Choice {
    /// The exploitation indicators as checkboxes with ids `<idPrefix>-<code>`, those in `checked` ticked.
    static func riskIndicators(idPrefix: String, checked: Set<String>) -> [Choice] {
        RiskIndicator.allCases.map {
            Choice(id: "\(idPrefix)-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: checked.contains($0.rawValue))
        }
    }

    /// The answers a referral form offers about consent, as radios with ids `consent-<code>`.
    static func consents(chosen: String?) -> [Choice] {
        Consent.formChoices.map {
            Choice(id: "consent-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: $0.rawValue == chosen)
        }
    }
}

/// The code lists as a form offers them, in the administrators' order: a select's options, or checkboxes.
struct CodeListChoices: Sendable {
    let items: [CodeListItem]

    static func load(on db: any Database) async throws -> CodeListChoices {
        CodeListChoices(items: try await CodeListItem.query(on: db).sort(\.$position).all())
    }

    /// A select's options, `blank` first, `selected` chosen.
    func options(_ list: CodeList, selected: String?, blank: String) -> [SelectOption] {
        [SelectOption(value: "", label: blank, selected: (selected ?? "").isEmpty)]
            + items.filter { $0.list == list.rawValue }
                .map { SelectOption(value: $0.code, label: $0.label, selected: $0.code == selected) }
    }

    /// One choice a code, with ids `<idPrefix>-<code>`.
    func choices(_ list: CodeList, idPrefix: String, checked: Set<String>) -> [Choice] {
        items.filter { $0.list == list.rawValue }.map {
            Choice(id: "\(idPrefix)-\($0.code)", value: $0.code, label: $0.label, checked: checked.contains($0.code))
        }
    }
}
