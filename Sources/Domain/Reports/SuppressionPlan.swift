import Foundation

/// Which counts of a set of published tables to hide so that no hidden count can be worked out from everything
/// else published (the commissioners' view of the annual report, SPEC §1: aggregate figures, small numbers
/// suppressed).
///
/// A count from 1 to 4 is hidden (primary suppression, `Suppression.threshold`). The tables are tied together by
/// relations (a total is the sum of its parts: referrals received = met + not met; every region's cell adds up to
/// the all-regions cell), and a reader can solve them: with one hidden cell in a relation, or hidden cells that
/// can only all be 1, the hidden value is known. So more cells are hidden (secondary suppression) until
/// `determined` finds none: the smallest visible non-zero cell of a relation that gives a hidden one away.
///
/// `determined` is the reader's side: linear algebra over every relation at once (a hidden value is known when
/// the relations' equations single it out), and within each relation the bound that hidden counts are at least 1.
/// It does not use inequalities between figures (engaged ≤ met), which narrow a hidden value without fixing it.
public struct SuppressionPlan: Sendable {
    public struct Cell: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// A region's code, or "all".
        public let scope: String
        public let table: String
        public let key: String

        public init(_ scope: String, _ table: String, _ key: String) {
            self.scope = scope
            self.table = table
            self.key = key
        }

        public static func < (a: Cell, b: Cell) -> Bool { (a.scope, a.table, a.key) < (b.scope, b.table, b.key) }
        public var description: String { "\(scope)/\(table)/\(key)" }
    }

    /// `total` is the sum of `parts`.
    public struct Relation: Sendable {
        public let total: Cell
        public let parts: [Cell]

        public init(total: Cell, parts: [Cell]) {
            self.total = total
            self.parts = parts
        }

        var members: [Cell] { [total] + parts }
    }

    public let hidden: Set<Cell>

    public func isHidden(_ cell: Cell) -> Bool { hidden.contains(cell) }

    /// Plans the hidden cells. `values` holds every cell of every relation (a missing cell counts as 0);
    /// `signed` names cells that may be negative (sums of differences), to which the bound of 1 does not apply.
    public static func make(values: [Cell: Int], relations: [Relation], signed: Set<Cell> = []) -> SuppressionPlan {
        var hidden = Set(values.filter { Suppression.isSmall($0.value) }.keys)
        let byCell = Dictionary(grouping: relations.indices.flatMap { index in relations[index].members.map { ($0, index) } },
                                by: \.0).mapValues { $0.map(\.1) }
        // Each round hides, for every cell given away, the smallest visible non-zero cell of a relation it is in;
        // then the reader tries again.
        for _ in 0..<(values.count + 1) {
            let exposed = determined(values: values, hidden: hidden, relations: relations, signed: signed).sorted()
            guard !exposed.isEmpty else { break }
            var added = false
            // One new cell per relation a round: a second exposed cell of the same relation may be covered by it.
            var touched = Set<Int>()
            for cell in exposed {
                let around = byCell[cell] ?? []
                guard touched.isDisjoint(with: around) else { continue }
                let candidates = around.flatMap { relations[$0].members }
                    .filter { !hidden.contains($0) && (values[$0] ?? 0) != 0 }
                if let next = candidates.min(by: { (abs(values[$0] ?? 0), $0) < (abs(values[$1] ?? 0), $1) }) {
                    hidden.insert(next)
                    touched.formUnion(byCell[next] ?? [])
                    added = true
                }
            }
            if !added {
                // Nothing left to hide beside them: hide the smallest visible non-zero cell anywhere.
                guard let next = values.keys.filter({ !hidden.contains($0) && (values[$0] ?? 0) != 0 })
                    .min(by: { (abs(values[$0] ?? 0), $0) < (abs(values[$1] ?? 0), $1) }) else { break }
                hidden.insert(next)
            }
        }
        return SuppressionPlan(hidden: hidden)
    }

    /// The hidden cells a reader can work out from the visible ones and the relations.
    public static func determined(values: [Cell: Int], hidden: Set<Cell>, relations: [Relation],
                                  signed: Set<Cell> = []) -> Set<Cell> {
        let unknowns = hidden.sorted()
        let column = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        var found = Set<Cell>()
        // Each relation as an equation over the hidden cells: total − Σ parts = 0, visible values moved across.
        var rows: [[Double]] = []
        for relation in relations {
            var row = [Double](repeating: 0, count: unknowns.count + 1)
            var any = false
            for (cell, sign) in [(relation.total, 1.0)] + relation.parts.map({ ($0, -1.0) }) {
                if let index = column[cell] {
                    row[index] += sign
                    any = true
                } else {
                    row[unknowns.count] -= sign * Double(values[cell] ?? 0)
                }
            }
            if any { rows.append(row) }
            // Bound: hidden parts of a visible total, each at least 1, that can only all be 1.
            let hiddenParts = relation.parts.filter { hidden.contains($0) }
            if !hidden.contains(relation.total), !hiddenParts.isEmpty, hiddenParts.allSatisfy({ !signed.contains($0) }) {
                let rest = (values[relation.total] ?? 0)
                    - relation.parts.filter { !hidden.contains($0) }.reduce(0) { $0 + (values[$1] ?? 0) }
                if rest == hiddenParts.count { found.formUnion(hiddenParts) }
            }
        }
        // An unknown is fixed by the equations exactly when its unit vector lies in their span, that is when a row
        // of the reduced row echelon form is that unit vector.
        for row in reduced(rows) {
            let nonZero = row.dropLast().indices.filter { abs(row[$0]) > 1e-9 }
            if nonZero.count == 1 { found.insert(unknowns[nonZero[0]]) }
        }
        return found.union(pinnedByBounds(values: values, hidden: hidden, relations: relations, signed: signed))
    }

    /// The reader's other tool: bounds. Every hidden count is at least 1 (a zero is shown as 0); a total is at
    /// least the sum of its parts' lower bounds and at most the sum of their upper ones; a part is at least its
    /// total's lower bound less the others' upper bounds, and so on, across every relation, until nothing moves.
    /// A hidden cell whose bounds meet is known: London's girls, when London's boys and the all-regions girls are
    /// shown and Merseyside's few girls are bounded by Merseyside's own total.
    static func pinnedByBounds(values: [Cell: Int], hidden: Set<Cell>, relations: [Relation], signed: Set<Cell>) -> Set<Cell> {
        var low: [Cell: Double] = [:], high: [Cell: Double] = [:]
        for cell in hidden {
            low[cell] = signed.contains(cell) ? -.infinity : 1
            high[cell] = .infinity
        }
        func lo(_ cell: Cell) -> Double { hidden.contains(cell) ? low[cell]! : Double(values[cell] ?? 0) }
        func hi(_ cell: Cell) -> Double { hidden.contains(cell) ? high[cell]! : Double(values[cell] ?? 0) }
        func tighten(_ cell: Cell, low newLow: Double, high newHigh: Double) -> Bool {
            var moved = false
            if !newLow.isNaN, newLow > low[cell]! + 1e-9 { low[cell] = newLow; moved = true }
            if !newHigh.isNaN, newHigh < high[cell]! - 1e-9 { high[cell] = newHigh; moved = true }
            return moved
        }
        let involved = relations.filter { relation in relation.members.contains(where: hidden.contains) }
        for _ in 0..<50 {
            var moved = false
            for relation in involved {
                if hidden.contains(relation.total) {
                    moved = tighten(relation.total, low: relation.parts.reduce(0.0) { $0 + lo($1) },
                                    high: relation.parts.reduce(0.0) { $0 + hi($1) }) || moved
                }
                for (index, part) in relation.parts.enumerated() where hidden.contains(part) {
                    // Summed without the part rather than subtracted from the whole: infinity less infinity is nothing.
                    var othersLow = 0.0, othersHigh = 0.0
                    for (other, cell) in relation.parts.enumerated() where other != index {
                        othersLow += lo(cell)
                        othersHigh += hi(cell)
                    }
                    moved = tighten(part, low: lo(relation.total) - othersHigh, high: hi(relation.total) - othersLow) || moved
                }
            }
            if !moved { break }
        }
        return Set(hidden.filter { high[$0]! - low[$0]! < 0.5 })
    }

    /// Reduced row echelon form, in one flat buffer (a commissioner's page plans two years of some hundreds of
    /// relations: arrays of arrays made it seconds).
    private static func reduced(_ input: [[Double]]) -> [[Double]] {
        guard let first = input.first else { return [] }
        let width = first.count, height = input.count
        var m = [Double](repeating: 0, count: width * height)
        for (r, row) in input.enumerated() { for c in 0..<width { m[r * width + c] = row[c] } }
        var pivotRow = 0
        for column in 0..<(width - 1) where pivotRow < height {
            var best = pivotRow
            for r in pivotRow..<height where abs(m[r * width + column]) > abs(m[best * width + column]) { best = r }
            guard abs(m[best * width + column]) > 1e-9 else { continue }
            if best != pivotRow {
                for c in 0..<width { m.swapAt(best * width + c, pivotRow * width + c) }
            }
            let pivot = m[pivotRow * width + column]
            for c in 0..<width { m[pivotRow * width + c] /= pivot }
            for r in 0..<height where r != pivotRow {
                let factor = m[r * width + column]
                guard abs(factor) > 1e-9 else { continue }
                for c in column..<width { m[r * width + c] -= factor * m[pivotRow * width + c] }
            }
            pivotRow += 1
        }
        return (0..<pivotRow).map { r in Array(m[(r * width)..<(r * width + width)]) }
    }
}
