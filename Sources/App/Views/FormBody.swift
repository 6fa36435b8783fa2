import Foundation

/// A URL-encoded form body read pair by pair, by hand, where the form decoder keeps only one value of a name or
/// fails as a whole: Foundation's `URLComponents` stops the process on a character a URL may not hold, and a form's
/// body is whatever its sender chose.
enum FormBody {
    /// Each `name=value` pair as sent, in order (a name with no `=` has an empty value).
    static func pairs(of body: String) -> [(name: Substring, value: Substring)] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// A name or value as text: `+` a space, percent-escapes decoded; nil when the escapes do not make UTF-8 text.
    static func decoded(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
