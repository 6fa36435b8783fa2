import FluentKit
import Foundation
import NIOConcurrencyHelpers
import SQLKit

extension SQLDatabase {
    /// A model's rows whose `column` holds one of `values`, in `order`, read by a statement written in SQL and
    /// decoded as the model. Fluent's query builder reflects the model and serialises its select list on every
    /// query (quoting each identifier through a generic string search); the case page reads four such lists on every
    /// view, most of them empty. `column` and `order` are names from the code, never from a request.
    func rows<M: Model>(of _: M.Type, where column: String, in values: [UUID], orderedBy order: String) async throws -> [M] {
        guard !values.isEmpty else { return [] }
        // One value (a case's own records, on every view of it) is a statement of one shape, kept prepared.
        let rows = if values.count == 1 {
            try await prepared("""
                SELECT \(unsafeRaw: M.columnList) FROM \(unsafeRaw: M.schema) WHERE \(unsafeRaw: column) = \(bind: values[0])
                ORDER BY \(unsafeRaw: order)
                """).all()
        } else {
            try await raw("""
                SELECT \(unsafeRaw: M.columnList) FROM \(unsafeRaw: M.schema) WHERE \(unsafeRaw: column) IN (\(binds: values))
                ORDER BY \(unsafeRaw: order)
                """).all()
        }
        return try rows.map { try $0.decode(fluentModel: M.self) }
    }
}

extension Model {
    /// The model's columns by name, quoted, for a select list written in SQL: a statement kept prepared must not
    /// say `*` (see `prepared`). Worked out once per model (Fluent finds a model's keys by reflection).
    static var columnList: String {
        let type = ObjectIdentifier(Self.self)
        if let known = columnLists.withLockedValue({ $0[type] }) { return known }
        let list = keys.map { "\"\($0.description)\"" }.joined(separator: ", ")
        columnLists.withLockedValue { $0[type] = list }
        return list
    }
}

private let columnLists = NIOLockedValueBox<[ObjectIdentifier: String]>([:])
