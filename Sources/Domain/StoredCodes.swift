import Foundation

/// A list of codes as one column holds it: the codes joined by semicolons (a code is lower case letters, digits,
/// hyphens and underscores, so never holds one). Every column of codes (a referral's exploitation types, risk
/// indicators and reasons it was not eligible, a contact's people present, a rating's indicators, a member of
/// staff's specialisms, an attachment's removed metadata) is written and read through here.
public enum StoredCodes {
    public static func join<Codes: Sequence<String>>(_ codes: Codes) -> String {
        codes.joined(separator: ";")
    }

    /// The codes in order; an empty column is no codes.
    public static func split(_ stored: String) -> [String] {
        stored.split(separator: ";").map(String.init)
    }
}
