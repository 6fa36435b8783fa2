import Domain
import Fluent
import Foundation

/// The members of staff who may lead a region's cases (`CaseLeading`), as every form that names a lead or a
/// dispatched caseworker offers and checks them: one query, so the list offered and the check agree.
enum CaseLeaders {
    private static func query(in region: UUID, on db: any Database) -> QueryBuilder<User> {
        User.query(on: db).filter(\.$region.$id == region).filter(\.$role ~~ CaseLeading.roles).filter(\.$disabled == false)
    }

    /// Every one of them, by name.
    static func all(in region: UUID, on db: any Database) async throws -> [User] {
        try await query(in: region, on: db).sort(\.$displayName).all()
    }

    /// The one chosen, or nil when the id is not of someone who may lead the region's cases (another region's,
    /// disabled, a national lead, nobody).
    static func find(_ id: UUID?, in region: UUID, on db: any Database) async throws -> User? {
        guard let id else { return nil }
        return try await query(in: region, on: db).filter(\.$id == id).first()
    }
}
