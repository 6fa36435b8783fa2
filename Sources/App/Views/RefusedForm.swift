/// A form the server refused, as its page shows it again: the error summary, each problem beside its field (by
/// field id: `errors.agency` in a template) and everything typed (`form.agency`), so that nothing is lost.
struct RefusedForm: Sendable {
    var errors = FieldErrors()
    var typed: [String: String] = [:]

    static let none = RefusedForm()

    /// The problems by field id, for a template's `errors`.
    var errorsByField: [String: String] {
        Dictionary(errors.entries.map { ($0.id, $0.message) }, uniquingKeysWith: { first, _ in first })
    }

    /// What was typed in a field, or what the field starts with.
    func value(_ id: String, otherwise initial: String = "") -> String { typed[id] ?? initial }

    /// A field as the page shows it again: what was typed in it (or `initial`), and its problem.
    func field(_ id: String, otherwise initial: String = "") -> FormField {
        FormField(id, value: value(id, otherwise: initial), error: errors[id])
    }

    /// The values for a template's `form`: what was typed, over the fields' first values.
    func values(_ initial: [String: String]) -> [String: String] { initial.merging(typed) { $1 } }
}
