/// Small-number suppression for commissioners (the convention of UK official statistics): a count from 1 to 4
/// is shown as "c". Which other cells must be hidden with them, so that none can be worked out from the rest of
/// what is published, is `SuppressionPlan`'s work.
public enum Suppression {
    public static let threshold = 5
    public static let symbol = "c"

    public static func isSmall(_ count: Int) -> Bool { count >= 1 && count < threshold }
}
