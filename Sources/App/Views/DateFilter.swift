import Domain
import Foundation

/// A date typed into a list's filter (a GET form): a real date filters the list; anything else is shown back in
/// its field with the problem beside it, and filters nothing, rather than being dropped without a word.
struct DateFilter: Sendable {
    let date: CivilDate?
    /// What was typed, to show in the field.
    let typed: String
    let problem: String?

    init(_ raw: String?) {
        typed = String((raw ?? "").trimmingCharacters(in: .whitespaces).prefix(40))
        date = CivilDate(typed)
        problem = typed.isEmpty || date != nil ? nil : "Enter a real date, like 2024-01-31"
    }

    /// The field drawn with what was typed and its problem.
    func field(_ id: String, label: String) -> FormField {
        FormField(id, value: date?.description ?? typed, error: problem).drawn(label, as: .date)
    }
}
