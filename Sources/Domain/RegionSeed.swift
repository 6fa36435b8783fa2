/// The four regions of SPEC §3 and their local authorities, seeded by a migration and editable afterwards.
public struct RegionSeed: Sendable {
    public let code: String
    public let name: String
    public let localAuthorities: [String]

    public static let all: [RegionSeed] = [
        RegionSeed(code: "london", name: "London", localAuthorities: [
            "barking-and-dagenham", "barnet", "bexley", "brent", "bromley", "camden", "city-of-london", "croydon",
            "ealing", "enfield", "greenwich", "hackney", "hammersmith-and-fulham", "haringey", "harrow", "havering",
            "hillingdon", "hounslow", "islington", "kensington-and-chelsea", "kingston-upon-thames", "lambeth",
            "lewisham", "merton", "newham", "redbridge", "richmond-upon-thames", "southwark", "sutton",
            "tower-hamlets", "waltham-forest", "wandsworth", "westminster",
        ]),
        RegionSeed(code: "west-midlands", name: "West Midlands", localAuthorities: [
            "birmingham", "coventry", "dudley", "sandwell", "solihull", "walsall", "wolverhampton",
        ]),
        RegionSeed(code: "greater-manchester", name: "Greater Manchester", localAuthorities: [
            "bolton", "bury", "manchester", "oldham", "rochdale", "salford", "stockport", "tameside", "trafford",
            "wigan",
        ]),
        RegionSeed(code: "merseyside", name: "Merseyside", localAuthorities: [
            "knowsley", "liverpool", "sefton", "st-helens", "wirral",
        ]),
    ]
}

/// Local authority codes are lower-case names with hyphens for spaces; this turns one back into a name.
public enum PlaceName {
    private static let lowerCaseWords: Set<String> = ["and", "upon", "of"]

    public static func fromCode(_ code: String) -> String {
        let words = code.split(separator: "-").enumerated().map { index, word in
            let text = String(word)
            if index > 0 && lowerCaseWords.contains(text) { return text }
            if text == "st" { return "St" }
            return text.prefix(1).uppercased() + text.dropFirst()
        }
        return words.joined(separator: " ")
    }
}
