import FluentKit
import Foundation
import SQLKit

/// The statement behind `RegionScope.findCase`: a case with its region, young person and lead caseworker in one
/// query written in SQL. Every case page and case action starts here; Fluent's joined query rebuilt and serialised
/// a select list of some eighty aliased columns, by reflection of four models, on every request. The list is
/// built once from the models' own keys, so a field added to a model is read without touching this file.
enum ScopedCaseQuery {
    static let region = "r_", person = "p_", lead = "u_"

    /// Everything of the statement but its condition, written once (the tables' and columns' names from the models).
    static let selectFrom: String = {
        func columns(_ keys: [FieldKey], table: String, prefix: String) -> [String] {
            keys.map { "\(table).\"\($0.description)\" AS \"\(prefix)\($0.description)\"" }
        }
        let list = columns(SupportCase.keys, table: "c", prefix: "") + columns(Region.keys, table: "r", prefix: region) + columns(Person.keys, table: "p", prefix: person)
            + columns(User.keys, table: "u", prefix: lead)
        return """
            SELECT \(list.joined(separator: ", "))
            FROM \(SupportCase.schema) c
            JOIN \(Region.schema) r ON r.id = c.region_id
            JOIN \(Person.schema) p ON p.id = c.person_id
            LEFT JOIN \(User.schema) u ON u.id = c.lead_caseworker_id
            """
    }()

    static func find(_ id: UUID, scope: RegionScope, on db: any SQLDatabase) async throws -> SupportCase? {
        guard let row = try await db.prepared("""
            \(unsafeRaw: selectFrom) WHERE c.id = \(bind: id) AND \(scope.condition(on: "c.region_id"))
            """).first() else { return nil }
        let found = try row.decode(fluentModel: SupportCase.self)
        found.$region.value = try decode(Region.self, prefix: region, from: row)
        found.$person.value = try decode(Person.self, prefix: person, from: row)
        found.$leadCaseworker.value = .some(found.$leadCaseworker.id == nil ? nil : try decode(User.self, prefix: lead, from: row))
        return found
    }

    private static func decode<M: Model>(_: M.Type, prefix: String, from row: any SQLRow) throws -> M {
        let model = M()
        try model.output(from: Prefixed(row: row, prefix: prefix))
        return model
    }

    /// A joined model's columns, named "<prefix><field>" in the row.
    private struct Prefixed: DatabaseOutput {
        let row: any SQLRow
        let prefix: String

        var description: String { "\(prefix)* of \(row)" }
        func schema(_ schema: String) -> any DatabaseOutput { self }
        func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }
        func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }
        func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: prefix + key.description, as: T.self) }
    }
}
