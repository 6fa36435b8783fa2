/// A form the server refused, as its page shows it again: the error summary, each problem beside its field and
/// everything typed, so that nothing is lost. A page turns it into its `FormField`s with `field(_:otherwise:)`.
struct RefusedForm: Sendable {
    var errors = FieldErrors()
    var typed: [String: String] = [:]

    static let none = RefusedForm()

    /// What was typed in a field, or what the field starts with.
    func value(_ id: String, otherwise initial: String = "") -> String { typed[id] ?? initial }

    /// A field as the page shows it again: what was typed in it (or `initial`), and its problem.
    func field(_ id: String, otherwise initial: String = "") -> FormField {
        FormField(id, value: value(id, otherwise: initial), error: errors[id])
    }
}
