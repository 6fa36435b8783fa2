import Fluent
import Vapor

/// The areas the partners' form offers, grouped by region, and which region each belongs to: what routes a
/// partner's referral (`PartnerReferralRouting`).
struct FrontDoorAreas: Sendable {
    struct Holder: Sendable {
        let regionID: UUID
        let regionCode: String
    }

    /// Region name → its local authorities (code, name), in name order.
    let regions: [(name: String, authorities: [(code: String, name: String)])]
    let holders: [String: Holder]

    var codes: Set<String> { Set(holders.keys) }

    static func load(on db: any Database) async throws -> FrontDoorAreas {
        let regions = try await Region.query(on: db).with(\.$localAuthorities).sort(\.$name).all()
        var holders: [String: Holder] = [:]
        for region in regions {
            for authority in region.localAuthorities { holders[authority.code] = Holder(regionID: region.id!, regionCode: region.code) }
        }
        return FrontDoorAreas(
            regions: regions.map { region in
                (region.name, region.localAuthorities.sorted { $0.name < $1.name }.map { ($0.code, $0.name) })
            },
            holders: holders)
    }

    /// The select's groups with `selected` chosen: "Not known" first, "Somewhere else in the UK" last.
    /// "Not known", each region's local authorities under its name, then "Somewhere else in the UK".
    func select(_ field: FormField, _ label: String, hint: String) -> FormField {
        let chosen = field.value
        return field.select(
            label, hint: hint, options: [SelectOption(value: "", label: "Not known", selected: chosen.isEmpty)],
            groups: regions.map { region in
                OptionGroup(label: region.name, options: region.authorities.map {
                    SelectOption(value: $0.code, label: $0.name, selected: $0.code == chosen)
                })
            } + [OptionGroup(label: nil, options: [SelectOption(value: PartnerReferralForm.elsewhere, label: "Somewhere else in the UK",
                                                                selected: chosen == PartnerReferralForm.elsewhere)])])
    }
}
