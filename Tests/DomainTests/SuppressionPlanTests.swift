import Domain
import Testing

@Suite("Secondary suppression, planned across related tables")
struct SuppressionPlanTests {
    typealias Cell = SuppressionPlan.Cell

    static func cell(_ scope: String, _ table: String, _ key: String) -> Cell { Cell(scope, table, key) }

    @Test("The reader finds a hidden reason from the total it adds up to: did not meet 18 = 17 + 0 + c")
    func readerSolvesTheFinding() {
        let total = Self.cell("london", "figures", "did_not_meet")
        let reasons = ["outside_area", "age_25_or_over", "no_exploitation_concern"].map { Self.cell("london", "figures", $0) }
        let values: [Cell: Int] = [total: 18, reasons[0]: 17, reasons[1]: 0, reasons[2]: 1]
        let relations = [SuppressionPlan.Relation(total: total, parts: reasons)]
        #expect(SuppressionPlan.determined(values: values, hidden: [reasons[2]], relations: relations) == [reasons[2]])
        let plan = SuppressionPlan.make(values: values, relations: relations)
        #expect(plan.hidden == [reasons[2], reasons[0]], "the smallest other non-zero cell goes too")
        #expect(SuppressionPlan.determined(values: values, hidden: plan.hidden, relations: relations).isEmpty)
    }

    @Test("Two hidden cells that can only both be 1 are found, and a third is hidden")
    func allOnes() {
        let total = Self.cell("london", "gender", "total")
        let parts = ["male", "female", "non_binary"].map { Self.cell("london", "gender", $0) }
        let values: [Cell: Int] = [total: 30, parts[0]: 28, parts[1]: 1, parts[2]: 1]
        let relations = [SuppressionPlan.Relation(total: total, parts: parts)]
        #expect(SuppressionPlan.determined(values: values, hidden: [parts[1], parts[2]], relations: relations) == [parts[1], parts[2]])
        let plan = SuppressionPlan.make(values: values, relations: relations)
        #expect(plan.hidden == Set(parts), "the third part hidden: 30 = m + f + n now has many answers")
        #expect(SuppressionPlan.determined(values: values, hidden: plan.hidden, relations: relations).isEmpty)
    }

    @Test("A region's hidden cell is not given away by the all-regions cell and the other regions'")
    func acrossRegions() {
        let regions = ["london", "west-midlands", "greater-manchester", "merseyside"]
        var values: [Cell: Int] = [:]
        let counts = [2, 12, 7, 9]
        for (region, count) in zip(regions, counts) { values[Self.cell(region, "gender", "female")] = count }
        values[Self.cell("all", "gender", "female")] = counts.reduce(0, +)
        let relations = [SuppressionPlan.Relation(total: Self.cell("all", "gender", "female"),
                                                  parts: regions.map { Self.cell($0, "gender", "female") })]
        let plan = SuppressionPlan.make(values: values, relations: relations)
        #expect(plan.hidden.contains(Self.cell("london", "gender", "female")))
        #expect(plan.hidden.count == 2)
        #expect(SuppressionPlan.determined(values: values, hidden: plan.hidden, relations: relations).isEmpty)
    }

    @Test("The reader bounds hidden cells across relations: London's and Merseyside's girls from their totals and all regions' girls")
    func boundsAcrossRelations() {
        var values: [Cell: Int] = [:]
        var relations: [SuppressionPlan.Relation] = []
        let shape: [(String, Int, [String: Int])] = [
            ("london", 130, ["male": 107, "female": 22, "non_binary": 1]),
            ("merseyside", 60, ["male": 50, "female": 8, "non_binary": 1, "not_known": 1]),
            ("greater-manchester", 40, ["male": 28, "female": 12]),
            ("west-midlands", 90, ["male": 69, "female": 21]),
        ]
        for (region, total, cells) in shape {
            values[Self.cell(region, "figures", "received")] = total
            for (key, value) in cells { values[Self.cell(region, "gender", key)] = value }
            relations.append(.init(total: Self.cell(region, "figures", "received"), parts: cells.keys.sorted().map { Self.cell(region, "gender", $0) }))
        }
        values[Self.cell("all", "gender", "female")] = 63
        relations.append(.init(total: Self.cell("all", "gender", "female"), parts: shape.map { Self.cell($0.0, "gender", "female") }))
        let primary = Set(values.filter { Suppression.isSmall($0.value) }.keys)
        let hiddenAsFound: Set<Cell> = primary.union([Self.cell("london", "gender", "female"), Self.cell("merseyside", "gender", "female")])
        let found = SuppressionPlan.determined(values: values, hidden: hiddenAsFound, relations: relations)
        #expect(found.contains(Self.cell("london", "gender", "female")) && found.contains(Self.cell("merseyside", "gender", "female")),
                "22 and 8 are the only values the bounds allow")
        let plan = SuppressionPlan.make(values: values, relations: relations)
        #expect(SuppressionPlan.determined(values: values, hidden: plan.hidden, relations: relations).isEmpty)
    }

    /// A small generator of related tables: four regions and all, each with a total over five keys, and every key
    /// summed across regions.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("Random related tables: after planning, no hidden cell is determined by the rest", arguments: Array(1...40))
    func randomTables(seed: Int) {
        var random = Generator(state: UInt64(seed) &* 7919)
        let regions = ["a", "b", "c", "d"]
        let keys = ["k1", "k2", "k3", "k4", "k5"]
        var values: [Cell: Int] = [:]
        var relations: [SuppressionPlan.Relation] = []
        for region in regions {
            for key in keys { values[Self.cell(region, "t", key)] = [0, 1, 2, 3, 5, 8, 13, 40][random.next(8)] }
            let total = keys.reduce(0) { $0 + values[Self.cell(region, "t", $1)]! }
            values[Self.cell(region, "t", "total")] = total
            relations.append(.init(total: Self.cell(region, "t", "total"), parts: keys.map { Self.cell(region, "t", $0) }))
        }
        for key in keys + ["total"] {
            values[Self.cell("all", "t", key)] = regions.reduce(0) { $0 + values[Self.cell($1, "t", key)]! }
            relations.append(.init(total: Self.cell("all", "t", key), parts: regions.map { Self.cell($0, "t", key) }))
        }
        relations.append(.init(total: Self.cell("all", "t", "total"), parts: keys.map { Self.cell("all", "t", $0) }))
        let plan = SuppressionPlan.make(values: values, relations: relations)
        #expect(values.filter { Suppression.isSmall($0.value) }.keys.allSatisfy(plan.hidden.contains), "every small count is hidden")
        #expect(SuppressionPlan.determined(values: values, hidden: plan.hidden, relations: relations).isEmpty,
                "seed \(seed): \(plan.hidden.sorted())")
        #expect(plan.hidden.allSatisfy { values[$0] != 0 }, "a zero is never hidden: it gives nothing away")
    }
}
