import FluentKit
import Foundation
import SQLKit

extension SQLDatabase {
    /// A model's rows whose `column` holds one of `values`, in `order`, read by a statement written in SQL and
    /// decoded as the model. Fluent's query builder reflects the model and serialises its select list on every
    /// query (quoting each identifier through a generic string search); the case page reads four such lists on every
    /// view, most of them empty. `column` and `order` are names from the code, never from a request.
    func rows<M: Model>(of _: M.Type, where column: String, in values: [UUID], orderedBy order: String) async throws -> [M] {
        guard !values.isEmpty else { return [] }
        return try await raw("""
            SELECT * FROM \(unsafeRaw: M.schema) WHERE \(unsafeRaw: column) IN (\(binds: values)) ORDER BY \(unsafeRaw: order)
            """).all().map { try $0.decode(fluentModel: M.self) }
    }
}
