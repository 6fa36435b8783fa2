/// String work the import does for every cell of every row, without Foundation. `trimmingCharacters(in:)` and
/// `String(format:)` bridge through NSString and took a fifth of the time of reading a national import file.
extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (Unicode horizontal white space, as
    /// `CharacterSet.whitespaces`); line breaks are kept. A cell with none returns itself without copying.
    public var trimmingSpaces: String {
        // Most cells start and end with a visible ASCII character: nothing to trim, nothing to look up.
        if let whole = self as? String, let first = whole.utf8.first, let last = whole.utf8.last,
           first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return whole
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isHorizontalSpace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isHorizontalSpace })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex, let whole = self as? String {
            return whole
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first...last])
        return String(result)
    }

    /// True when the text is empty or only white space (line breaks included).
    public var isBlank: Bool { unicodeScalars.allSatisfy(\.properties.isWhitespace) }
}

extension Unicode.Scalar {
    /// Space, tab and the other Unicode space separators: what `CharacterSet.whitespaces` holds.
    var isHorizontalSpace: Bool {
        switch value {
        case 0x20, 0x09: return true
        case 0..<0x80: return false
        default: return properties.generalCategory == .spaceSeparator
        }
    }
}

enum Digits {
    /// `value` in decimal, zero-padded on the left to `width` digits (a non-negative value).
    static func padded(_ value: Int, width: Int) -> String {
        guard value >= 0, width <= 15, value < power(width) else {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        // Written byte by byte into a small string: no intermediate strings (dates are formatted for every row).
        return String(unsafeUninitializedCapacity: width) { buffer in
            var rest = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return width
        }
    }

    private static func power(_ width: Int) -> Int { (0..<width).reduce(1) { result, _ in result * 10 } }
}
