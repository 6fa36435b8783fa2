/// Small-number suppression for commissioners (the convention of UK official statistics): a count from 1 to 4
/// is shown as "c". Where a group's total is shown and only one cell is hidden, the next smallest cell is
/// hidden too, so the hidden one cannot be worked out by subtraction.
public enum Suppression {
    public static let threshold = 5
    public static let symbol = "c"

    public static func isSmall(_ count: Int) -> Bool { count >= 1 && count < threshold }

    /// The cells of one group (keys with counts) as they may be shown, with the group's total.
    public static func apply(_ counts: [String: Int]) -> (cells: [String: String], total: String) {
        var hidden = Set(counts.filter { isSmall($0.value) }.keys)
        let total = counts.values.reduce(0, +)
        if hidden.count == 1 {
            // Secondary suppression: hide the smallest other non-zero cell as well.
            if let next = counts.filter({ !hidden.contains($0.key) && $0.value > 0 })
                .min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key {
                hidden.insert(next)
            }
        }
        var cells: [String: String] = [:]
        for (key, value) in counts { cells[key] = hidden.contains(key) ? symbol : String(value) }
        return (cells, isSmall(total) ? symbol : String(total))
    }

    /// A single figure on its own.
    public static func single(_ count: Int) -> String { isSmall(count) ? symbol : String(count) }
}
