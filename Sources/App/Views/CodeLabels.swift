import Domain
import Fluent
import SQLKit

/// Code labels from the reference data, so pages say "Children's social care" rather than a code. Lists are
/// named by `CodeList`, so a misspelt list is a compile error rather than a page of bare codes.
struct CodeLabels: Sendable {
    private let byList: [String: [String: String]]
    private let items: [CodeListRows.Row]

    static func load(on db: any Database) async throws -> CodeLabels {
        from(try await CodeListRows.all(on: db))
    }

    /// Only the lists a page shows: the case page needs two of thirteen, and is read far more than any other.
    static func load(_ lists: Set<CodeList>, on db: any Database) async throws -> CodeLabels {
        from(try await CodeListRows.all(lists.map(\.rawValue), on: db))
    }

    private static func from(_ items: [CodeListRows.Row]) -> CodeLabels {
        var byList: [String: [String: String]] = [:]
        for item in items { byList[item.list, default: [:]][item.code] = item.label }
        return CodeLabels(byList: byList, items: items)
    }

    /// One list's codes and labels in the administrators' order.
    func ordered(_ list: CodeList) -> [(code: String, label: String)] {
        items.filter { $0.list == list.rawValue }.sorted { ($0.position, $0.code) < ($1.position, $1.code) }
            .map { ($0.code, $0.label) }
    }

    /// One list's codes and labels, by code.
    func byCode(_ list: CodeList) -> [(code: String, label: String)] {
        (byList[list.rawValue] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One list's codes and labels, by label.
    func byLabel(_ list: CodeList) -> [(code: String, label: String)] {
        (byList[list.rawValue] ?? [:]).sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { ($0.key, $0.value) }
    }

    /// A code's label, or the code itself when the list no longer has it.
    func label(_ list: CodeList) -> @Sendable (String) -> String {
        let labels = byList[list.rawValue] ?? [:]
        return { labels[$0] ?? $0 }
    }
}

/// Every code list item as plain rows: read on most pages, so decoded without Fluent's model machinery
/// (which cost a tenth of a case page's time). Always read afresh, so an administrator's edit shows at once.
enum CodeListRows {
    struct Row: Decodable {
        let list: String
        let code: String
        let label: String
        let position: Int
    }

    static func all(on db: any Database) async throws -> [Row] {
        try await (db as! any SQLDatabase).select().columns("list", "code", "label", "position").from(CodeListItem.schema)
            .all(decoding: Row.self)
    }

    static func all(_ lists: [String], on db: any Database) async throws -> [Row] {
        try await (db as! any SQLDatabase).prepared("""
            SELECT list, code, label, position FROM code_list_items WHERE list IN (\(binds: lists))
            """).all(decoding: Row.self)
    }
}
