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
        // Each round hides one more cell: a cell whose hiding gives away nothing new is not hidden.
        for _ in 0..<(values.count + 1) {
            let exposed = determined(values: values, hidden: hidden, relations: relations, signed: signed).sorted()
            guard let first = exposed.first else { break }
            let candidates = (byCell[first] ?? []).flatMap { relations[$0].members }
                .filter { !hidden.contains($0) && (values[$0] ?? 0) != 0 }
            let fallback = { values.keys.filter { !hidden.contains($0) && (values[$0] ?? 0) != 0 } }
            guard let next = (candidates.isEmpty ? fallback() : candidates)
                .min(by: { (abs(values[$0] ?? 0), $0) < (abs(values[$1] ?? 0), $1) }) else { break }
            hidden.insert(next)
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
        return found
    }

    private static func reduced(_ input: [[Double]]) -> [[Double]] {
        var rows = input
        guard let width = rows.first.map({ $0.count - 1 }) else { return [] }
        var pivotRow = 0
        for column in 0..<width where pivotRow < rows.count {
            guard let best = (pivotRow..<rows.count).max(by: { abs(rows[$0][column]) < abs(rows[$1][column]) }),
                  abs(rows[best][column]) > 1e-9 else { continue }
            rows.swapAt(pivotRow, best)
            let pivot = rows[pivotRow][column]
            rows[pivotRow] = rows[pivotRow].map { $0 / pivot }
            for other in rows.indices where other != pivotRow && abs(rows[other][column]) > 1e-9 {
                let factor = rows[other][column]
                rows[other] = zip(rows[other], rows[pivotRow]).map { $0 - factor * $1 }
            }
            pivotRow += 1
        }
        return Array(rows.prefix(pivotRow))
    }
}
