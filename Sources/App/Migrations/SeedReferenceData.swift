import Domain
import Fluent

/// The four regions and code lists of SPEC §3 and §5. Admins edit them afterwards on the admin pages.
struct SeedReferenceData: AsyncMigration {
    var name: String { "SeedReferenceData" }

    func prepare(on database: any Database) async throws {
        try await database.transaction { db in
            for seed in RegionSeed.all {
                let region = Region(code: seed.code, name: seed.name)
                try await region.create(on: db)
                let authorities = seed.localAuthorities.map {
                    LocalAuthority(code: $0, name: PlaceName.fromCode($0), regionID: region.id!)
                }
                try await authorities.create(on: db)
            }
            for list in CodeList.allCases {
                let items = list.seed.enumerated().map { index, entry in
                    CodeListItem(list: list.rawValue, code: entry.code, label: entry.label, position: index)
                }
                try await items.create(on: db)
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await CodeListItem.query(on: database).delete()
        try await LocalAuthority.query(on: database).delete()
        try await Region.query(on: database).delete()
    }
}
