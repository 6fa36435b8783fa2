/// One field of a form as a page shows it: what was typed (kept when the page comes back with errors) and its
/// error, if any. The page's error summary lists every field with an error, linking to its id.
struct FormField: Encodable, Sendable {
    var id: String
    var value: String
    var error: String?

    init(_ id: String, value: String = "", error: String? = nil) {
        self.id = id
        self.value = value
        self.error = error
    }
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
