import Domain
import Fluent
import Vapor

/// The case page's registers: each kind's entries, and a form built from the kind's fields.
struct Registers: Encodable {
    struct Input: Encodable {
        let id: String
        let name: String
        let label: String
        let type: String
        let options: [SelectOption]
    }

    struct Entry: Encodable {
        let date: String
        let summary: String
    }

    struct Register: Encodable {
        let kind: String
        let title: String
        let dateLabel: String
        let entries: [Entry]
        let inputs: [Input]
    }

    let registers: [Register]

    static func make(caseID: UUID, cipher: FieldCipher, on db: any Database) async throws -> Registers {
        let stored = try await CaseRegisterEntry.query(on: db).filter(\.$supportCase.$id == caseID).sort(\.$occurredOn).all()
        return Registers(registers: try RegisterKind.allCases.map { kind in
            let entries = try stored.filter { $0.kind == kind.rawValue }.map { entry -> Entry in
                let values = entry.fields.isEmpty ? [:]
                    : (try JSONDecoder().decode([String: String].self, from: Data(try cipher.open(entry.fields).utf8)))
                let summary = kind.fields.compactMap { field in
                    values[field.key].map { "\(field.label): \($0)" }
                }.joined(separator: "; ")
                return Entry(date: entry.occurredOn, summary: summary)
            }
            let inputs = [Input(id: "\(kind.rawValue).occurred_on", name: "\(kind.rawValue).occurred_on", label: kind.dateLabel,
                                type: "date", options: [])]
                + kind.fields.map { field in
                    let name = "\(kind.rawValue).\(field.key)"
                    switch field.type {
                    case .text: return Input(id: name, name: name, label: field.label, type: "text", options: [])
                    case .date: return Input(id: name, name: name, label: field.label, type: "date", options: [])
                    case .yesNo:
                        return Input(id: name, name: name, label: field.label, type: "select",
                                     options: [SelectOption(value: "", label: "Not recorded", selected: true),
                                               SelectOption(value: "yes", label: "Yes", selected: false),
                                               SelectOption(value: "no", label: "No", selected: false)])
                    case let .choice(choices):
                        return Input(id: name, name: name, label: field.label, type: "select",
                                     options: [SelectOption(value: "", label: "Select", selected: true)]
                                         + choices.map { SelectOption(value: $0, label: $0.replacingOccurrences(of: "_", with: " ").capitalized, selected: false) })
                    }
                }
            return Register(kind: kind.rawValue, title: kind.title, dateLabel: kind.dateLabel, entries: entries, inputs: inputs)
        })
    }
}
