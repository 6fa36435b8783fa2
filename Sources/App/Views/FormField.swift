/// One field of a form as a page shows it: what was typed (kept when the page comes back with errors), its error if
/// any, and how it is drawn. `components/field.leaf` draws a field whole (label, hint, error, the control, and
/// `aria-describedby` naming the hint and the error), `components/choice-group.leaf` a group of radios or checkboxes;
/// the page's error summary lists every field with an error, linking to its id.
struct FormField: Encodable, Sendable {
    /// The kind of control the field component draws.
    enum Control: String, Encodable, Sendable {
        case text, email, password, number, date, tel, search, file, textarea, select, radios, checkboxes
        case dateTime = "datetime-local"
    }

    var id: String
    var value: String
    var error: String?
    var label = ""
    var hint: String?
    /// The name the form posts it under; its id unless the two differ.
    var name: String
    var control = Control.text
    /// Further attributes of the control, in order (`autocomplete`, `spellcheck`, `min`, `max`, `rows`, `accept`).
    var attributes: [HTMLAttribute] = []
    /// A select's options, then its groups of options.
    var options: [SelectOption] = []
    var optionGroups: [OptionGroup] = []
    /// A group's radios or checkboxes.
    var choices: [Choice] = []

    init(_ id: String, value: String = "", error: String? = nil) {
        self.id = id
        self.value = value
        self.error = error
        self.name = id
    }

    /// The same field with its label, hint and control, as `components/field.leaf` draws it.
    func drawn(_ label: String, hint: String? = nil, name: String? = nil, as control: Control = .text,
               _ attributes: KeyValuePairs<String, String> = [:]) -> FormField {
        var field = self
        field.label = label
        field.hint = hint
        field.name = name ?? id
        field.control = control
        field.attributes = attributes.map { HTMLAttribute(name: $0.key, value: $0.value) }
        return field
    }

    /// A select of `options` (each saying whether it is the one chosen), then any `groups` of them.
    func select(_ label: String, hint: String? = nil, name: String? = nil, options: [SelectOption],
                groups: [OptionGroup] = []) -> FormField {
        var field = drawn(label, hint: hint, name: name, as: .select)
        field.options = options
        field.optionGroups = groups
        return field
    }

    /// A group of radios (or checkboxes) under a legend.
    func group(_ legend: String, hint: String? = nil, name: String? = nil, as control: Control = .radios,
               choices: [Choice]) -> FormField {
        var field = drawn(legend, hint: hint, name: name, as: control)
        field.choices = choices
        return field
    }
}

/// An attribute of a form control; Leaf escapes its value like any other.
struct HTMLAttribute: Encodable, Sendable {
    let name: String
    let value: String
}

/// Field errors by id, kept in the order they were found (the order of the form).
struct FieldErrors: Error, Sendable {
    /// In the order added: the order of the form's fields, as the error summary lists them.
    private(set) var entries: [(id: String, message: String)] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func add(_ id: String, _ message: String) {
        if !entries.contains(where: { $0.id == id }) { entries.append((id, message)) }
    }

    subscript(id: String) -> String? { entries.first { $0.id == id }?.message }

    var links: [FormErrorLink]? {
        entries.isEmpty ? nil : entries.map { FormErrorLink(href: "#\($0.id)", message: $0.message) }
    }
}

struct FormErrorLink: Encodable, Sendable {
    let href: String
    let message: String
}

extension Array where Element == FormField {
    /// The error summary's links, in the order the fields appear; nil when there is nothing to summarise
    /// (Leaf treats an empty array as true).
    var errorLinks: [FormErrorLink]? {
        let links = compactMap { field in field.error.map { FormErrorLink(href: "#\(field.id)", message: $0) } }
        return links.isEmpty ? nil : links
    }
}

struct SelectOption: Encodable, Sendable {
    let value: String
    let label: String
    let selected: Bool
}

/// Options drawn together: under an `<optgroup>` when labelled, as they are when not.
struct OptionGroup: Encodable, Sendable {
    let label: String?
    let options: [SelectOption]
}
