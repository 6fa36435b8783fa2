import Foundation

/// Generated referrals and outreach with the proportions of the service the seeds describe: mostly police
/// referrals, far fewer girls than boys, most refusals for living outside the area, the big cities over the
/// smaller authorities, county lines the commonest exploitation among several. Deterministic for a seed.
public struct DemoGenerator {
    public struct Plan: Sendable {
        public var years: [FinancialYear]
        /// Support referrals a year for each region, before scaling.
        public var referralsPerYear: [String: Int]
        public var scale: Double
        public var today: CivilDate

        public init(years: [FinancialYear], referralsPerYear: [String: Int], scale: Double = 1, today: CivilDate) {
            self.years = years
            self.referralsPerYear = referralsPerYear
            self.scale = scale
            self.today = today
        }

        /// Four regions, sized roughly as the seed's West Midlands team (106 referrals in a year).
        public static func standard(years: [FinancialYear], today: CivilDate) -> Plan {
            Plan(years: years, referralsPerYear: ["london": 130, "west-midlands": 106, "greater-manchester": 90, "merseyside": 60],
                 today: today)
        }
    }

    public struct Output: Sendable {
        public var referrals: [ReferralRow] = []
        public var outreach: [OutreachRow] = []
    }

    private var random: SeededRandom
    private let plan: Plan
    private let regionAuthorities: [String: [String]]
    /// Earlier young people, so that some are referred again (about 1.6 referrals per person, as the national
    /// picture has it), by region: looked up at random, never scanned, so generating stays linear in size.
    private var people: [(first: String, last: String, born: CivilDate, gender: String, ethnicity: String?, region: String,
                          home: String, lastReferral: CivilDate)] = []
    private var peopleByRegion: [String: [Int]] = [:]
    /// The share of referrals that are for someone referred before: 1 / (1 - 0.375) = 1.6 referrals per person.
    static let repeatShare = 0.375

    public init(seed: UInt64, plan: Plan, regionAuthorities: [String: [String]]) {
        random = SeededRandom(seed: seed)
        self.plan = plan
        self.regionAuthorities = regionAuthorities
    }

    public mutating func generate() -> Output {
        var output = Output()
        var counter = 0
        for year in plan.years.sorted() {
            for region in plan.referralsPerYear.keys.sorted() {
                let support = Int((Double(plan.referralsPerYear[region]!) * plan.scale).rounded())
                let rescues = max(1, support / 7)
                for index in 0..<(support + rescues) {
                    guard let received = randomDate(in: year) else { continue }
                    counter += 1
                    output.referrals.append(referral(ref: String(format: "DEMO-%07d", counter), region: region,
                                                     received: received, rescue: index >= support))
                }
                let sessions = max(1, Int((Double(support) / 4).rounded()))
                for number in 0..<sessions {
                    guard let date = randomDate(in: year) else { continue }
                    output.outreach.append(OutreachRow(
                        line: 0, ref: "DEMO-\(region)-\(year)-S\(number + 1)", date: date, region: region,
                        audience: random.weighted([("professionals", 45), ("young_people", 30), ("parents_carers", 10), ("mixed", 15)]),
                        organisation: random.element(Self.organisations), topic: random.element(Self.topics),
                        attendees: Int.random(in: 6...80, using: &random)))
                }
            }
        }
        output.referrals.sort { $0.receivedDate < $1.receivedDate }
        return output
    }

    private mutating func randomDate(in year: FinancialYear) -> CivilDate? {
        let start = Self.dayNumber(year.start), end = min(Self.dayNumber(year.end), Self.dayNumber(plan.today))
        guard start <= end else { return nil }
        return Self.date(fromDayNumber: Int.random(in: start...end, using: &random))
    }

    private mutating func referral(ref: String, region: String, received: CivilDate, rescue: Bool) -> ReferralRow {
        let authorities = regionAuthorities[region] ?? []
        // Some referrals are for someone referred before, nearly always to the same region.
        let pool = random.chance(0.1) ? nil : peopleByRegion[region]
        var earlier: Int?
        if random.chance(Self.repeatShare) {
            for _ in 0..<4 {
                let index = pool.map { $0.isEmpty ? -1 : random.element($0) } ?? (people.isEmpty ? -1 : Int.random(in: 0..<people.count, using: &random))
                if index >= 0, people[index].lastReferral < received, people[index].born.age(on: received) < 26 {
                    earlier = index
                    break
                }
            }
        }
        let person: (first: String, last: String, born: CivilDate, gender: String, ethnicity: String?, region: String, home: String)
        if let index = earlier {
            let known = people[index]
            people[index].lastReferral = received
            person = (known.first, known.last, known.born, known.gender, known.ethnicity, known.region, known.home)
        } else {
            let gender = random.weighted([("male", 82.0), ("female", 15), ("non_binary", 2), ("not_known", 1)])
            let age = random.weighted([(12, 2.0), (13, 5), (14, 12), (15, 20), (16, 22), (17, 18), (18, 7), (19, 4), (20, 3),
                                       (21, 2), (22, 1.5), (23, 1), (24, 0.5), (25, 1.5), (27, 0.5)])
            let born = Self.date(fromDayNumber: Self.dayNumber(received) - age * 365 - Int.random(in: 0...364, using: &random))
            let outside = random.chance(0.16)
            let home = outside ? random.element(Self.outsideAuthorities.filter { !authorities.contains($0) })
                : weightedAuthority(authorities)
            let first = gender == "female" ? random.element(Self.femaleNames) : random.element(Self.maleNames)
            let ethnicity: String? = random.chance(0.05) ? nil
                : random.weighted([("white", 40.0), ("black", 25), ("mixed", 15), ("asian", 12), ("other", 3), ("not_known", 5)])
            person = (first, random.element(Self.surnames), born, gender, ethnicity, region, home)
            peopleByRegion[region, default: []].append(people.count)
            people.append((person.first, person.last, person.born, person.gender, person.ethnicity, region, home, received))
        }
        let types: [String] = random.chance(0.03) ? [] : exploitationTypes()
        let eligible = authorities.contains(person.home) && person.born.age(on: received) < 25 && !types.isEmpty
        var row = ReferralRow(
            line: 0, ref: ref, receivedDate: received, region: region, service: rescue ? "rescue" : "support",
            referralSource: rescue ? random.weighted([("police", 85.0), ("childrens_social_care", 10), ("other", 5)])
                : random.weighted([("police", 45.0), ("childrens_social_care", 18), ("education", 10), ("youth_justice", 10),
                                   ("health", 5), ("family", 4), ("voluntary_sector", 4), ("probation", 2), ("self", 1), ("other", 1)]),
            referrerOrganisation: random.element(Self.referrers), firstName: person.first, lastName: person.last,
            dateOfBirth: person.born, gender: person.gender, ethnicity: person.ethnicity, homeLocalAuthority: person.home,
            exploitationTypes: types, rescueCallAt: nil, rescueArrivedAt: nil, caseOpened: nil, caseClosed: nil,
            closureReason: nil, entry: .init(), exit: .init())
        if rescue { addRescueTimes(&row) }
        if eligible, random.chance(rescue ? 0.6 : 0.85) { addCase(&row) }
        return row
    }

    private mutating func weightedAuthority(_ authorities: [String]) -> String {
        // The three cities of a region take most referrals; the smaller authorities fewer (the seed's last chart).
        let cities: Set<String> = ["birmingham", "coventry", "wolverhampton", "manchester", "salford", "liverpool", "croydon",
                                   "lambeth", "newham", "southwark", "hackney"]
        return random.weighted(authorities.map { ($0, cities.contains($0) ? 6.0 : 1.0) })
    }

    private mutating func exploitationTypes() -> [String] {
        var types = ["county_lines"]
        if !random.chance(0.75) { types = [random.element(["criminal_exploitation", "sexual_exploitation", "gang_association"])] }
        for (type, chance) in [("criminal_exploitation", 0.3), ("cuckooing", 0.08), ("financial_exploitation", 0.1),
                               ("online_exploitation", 0.12), ("trafficking", 0.06), ("sexual_exploitation", 0.08),
                               ("gang_association", 0.15)] where random.chance(chance) && !types.contains(type) {
            types.append(type)
        }
        return types
    }

    private mutating func addRescueTimes(_ row: inout ReferralRow) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let day = row.receivedDate
        // Most calls come at night.
        let hour = random.weighted([(22, 3.0), (23, 3), (0, 3), (1, 3), (2, 2), (3, 1), (18, 1), (20, 2), (14, 1)])
        guard let call = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour,
                                                            minute: Int.random(in: 0...59, using: &random))) else { return }
        row.rescueCallAt = call
        if random.chance(0.9) {
            row.rescueArrivedAt = call.addingTimeInterval(Double(Int.random(in: 35...240, using: &random)) * 60)
        }
    }

    private mutating func addCase(_ row: inout ReferralRow) {
        let opened = Self.date(fromDayNumber: min(Self.dayNumber(row.receivedDate) + Int.random(in: 0...14, using: &random),
                                                  Self.dayNumber(plan.today)))
        row.caseOpened = opened
        var entry = ReferralRow.Measures()
        entry.safety = Int.random(in: 1...5, using: &random)
        entry.mentalHealth = Int.random(in: 2...6, using: &random)
        entry.criminogenicNeed = Int.random(in: 4...9, using: &random)
        entry.missingEpisodes = random.weighted([(0, 3.0), (1, 2), (2, 2), (3, 1), (5, 1), (8, 0.5)])
        entry.offences = random.weighted([(0, 4.0), (1, 2), (2, 1), (4, 0.5)])
        entry.countyLinesActive = random.chance(0.75)
        entry.familyConflict = random.chance(0.5)
        entry.eet = random.chance(0.4)
        row.entry = entry
        let closeBy = Self.dayNumber(opened) + Int.random(in: 60...320, using: &random)
        guard closeBy <= Self.dayNumber(plan.today), random.chance(0.9) else { return }
        row.caseClosed = Self.date(fromDayNumber: closeBy)
        row.closureReason = random.weighted([("planned", 60.0), ("disengaged", 20), ("moved_away", 8), ("custody", 5),
                                             ("transferred", 4), ("other", 3)])
        let planned = row.closureReason == "planned"
        var exit = ReferralRow.Measures()
        // Roughly the seed's outcomes: 80% feel safer, 85% better mental health, 80% positive progress.
        exit.safety = min(10, max(1, entry.safety! + (random.chance(planned ? 0.88 : 0.55) ? Int.random(in: 1...5, using: &random) : -Int.random(in: 0...1, using: &random))))
        exit.mentalHealth = min(10, max(1, entry.mentalHealth! + (random.chance(planned ? 0.9 : 0.6) ? Int.random(in: 1...4, using: &random) : 0)))
        exit.criminogenicNeed = max(0, entry.criminogenicNeed! - (random.chance(0.9) ? Int.random(in: 3...9, using: &random) : 0))
        exit.missingEpisodes = random.chance(0.8) ? 0 : entry.missingEpisodes
        exit.offences = random.chance(0.85) ? 0 : entry.offences
        exit.countyLinesActive = entry.countyLinesActive! && !random.chance(planned ? 0.85 : 0.5)
        exit.familyConflict = entry.familyConflict! && !random.chance(0.6)
        exit.eet = entry.eet! || random.chance(planned ? 0.6 : 0.25)
        exit.goalProgress = random.weighted([("positive", planned ? 88.0 : 45), ("none", 10), ("negative", planned ? 2 : 10)])
        row.exit = exit
    }

    static func dayNumber(_ date: CivilDate) -> Int { date.daysSinceEpoch }

    static func date(fromDayNumber days: Int) -> CivilDate { CivilDate(daysSinceEpoch: days) }

    // MARK: - Word lists (invented people; any likeness to a real young person is chance)

    static let maleNames = ["Tyler", "Jayden", "Kai", "Reece", "Callum", "Leon", "Marcus", "Dylan", "Jordan", "Kyle", "Mason",
                            "Liam", "Ethan", "Isaac", "Omar", "Yusuf", "Tariq", "Kofi", "Andre", "Connor", "Lewis", "Josh",
                            "Rhys", "Brandon", "Nathan", "Harvey", "Riley", "Ibrahim", "Daniel", "Samuel"]
    static let femaleNames = ["Chloe", "Jade", "Amira", "Leah", "Shannon", "Kayla", "Zoe", "Ellie", "Tia", "Precious",
                              "Aaliyah", "Megan", "Destiny", "Imani", "Grace"]
    static let surnames = ["Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Thomas", "Johnson", "Roberts",
                           "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
                           "Khan", "Ali", "Hussain", "Ahmed", "Campbell", "Clarke", "Mensah", "Okafor", "Kowalski", "Nowak",
                           "O'Connor", "Murphy", "Francis", "Grant", "Reid", "Stewart", "Bennett", "Lewis", "Martin", "Morris"]
    static let outsideAuthorities = ["leeds", "bradford", "sheffield", "nottingham", "leicester", "stoke-on-trent", "derby",
                                     "bristol", "cardiff", "hull", "birmingham", "liverpool", "manchester", "croydon"]
    static let referrers = ["West Midlands Police", "Metropolitan Police", "Greater Manchester Police", "Merseyside Police",
                            "British Transport Police", "Children's services", "Youth offending service", "A secondary school",
                            "A&E department", "Pupil referral unit"]
    static let organisations = ["Local schools", "Youth club", "Police training day", "Social care team", "Parents' evening",
                                "Housing association", "GP practice staff", "Football club"]
    static let topics = ["Spotting exploitation", "County lines awareness", "Online harms", "Staying safe", "Missing from home",
                         "Knife crime and exploitation", "Working with families"]
}
