import Domain
import Fluent
import SQLKit
import Vapor

/// A case's registers: each kind's entries and, on the registers page, a form built from the kind's fields that
/// keeps what was typed when it comes back with an error.
struct Registers: Encodable {
    struct Entry: Encodable {
        let id: String
        let date: String
        let summary: String
        /// Its documents (the registers page only): the NRM paperwork, a return-home interview's notes.
        var files: AttachmentList?
    }

    struct Register: Encodable {
        let kind: String
        let title: String
        let dateLabel: String
        var entries: [Entry]
        let inputs: [FormField]
    }

    var registers: [Register]

    /// `forms: false` (the case page) leaves every register's inputs empty. `typed` and `errors` are a form sent back.
    static func make(caseID: UUID, cipher: FieldCipher, forms: Bool, typed: [String: String] = [:], errors: FieldErrors = FieldErrors(),
                     on db: any Database) async throws -> Registers {
        let stored = try await (db as! any SQLDatabase).rows(of: CaseRegisterEntry.self, where: "case_id", in: [caseID],
                                                             orderedBy: "occurred_on, created_at, id")
        return Registers(registers: try RegisterKind.allCases.map { kind in
            let entries = try stored.filter { $0.kind == kind.rawValue }.map { entry -> Entry in
                let values = entry.fields.isEmpty ? [:]
                    : (try JSONDecoder().decode([String: String].self, from: Data(try cipher.open(entry.fields).utf8)))
                let summary = kind.fields.compactMap { field in
                    values[field.key].map { "\(field.label): \($0)" }
                }.joined(separator: "; ")
                return Entry(id: try entry.requireID().uuidString, date: entry.occurredOn, summary: summary)
            }
            func input(_ name: String, _ label: String, _ control: FormField.Control,
                       _ options: [(value: String, label: String)] = []) -> FormField {
                let value = typed[name] ?? ""
                let field = FormField(name, value: value, error: errors[name])
                return switch control {
                case .select:
                    field.select(label, options: options.map { SelectOption(value: $0.value, label: $0.label, selected: $0.value == value) })
                case .number: field.drawn(label, as: control, ["min": "0", "max": "999"])
                default: field.drawn(label, as: control)
                }
            }
            let inputs = !forms ? [] : [input("\(kind.rawValue).occurred_on", kind.dateLabel, .date)]
                + kind.fields.map { field in
                    let name = "\(kind.rawValue).\(field.key)"
                    switch field.type {
                    case .text: return input(name, field.label, .text)
                    case .date: return input(name, field.label, .date)
                    case .count: return input(name, field.label, .number)
                    case .yesNo: return input(name, field.label, .select, [("", "Not recorded"), ("yes", "Yes"), ("no", "No")])
                    case let .choice(choices):
                        return input(name, field.label, .select,
                                     [("", "Select")] + choices.map { ($0, $0.replacingOccurrences(of: "_", with: " ").capitalized) })
                    }
                }
            return Register(kind: kind.rawValue, title: kind.title, dateLabel: kind.dateLabel, entries: entries, inputs: inputs)
        })
    }
}
