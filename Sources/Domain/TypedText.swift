import Foundation

/// Text a person typed, as the service keeps it. Dropped, from every field of every form and API body before
/// anything is checked, stored or shown again: control characters (a NUL, an escape; line breaks and tabs stay),
/// the direction overrides, embeddings and isolates that make text read other than it is stored, the byte-order
/// mark, zero-width spaces and invisible operators, line and paragraph separators, private-use and unassigned
/// characters. The joiners and direction marks that scripts need inside words stay. Text with nothing visible left
/// (spaces, joiners, fillers, combining marks alone) becomes empty, so a required field refuses it.
public enum TypedText {
    public static func clean(_ text: String) -> String {
        // The common case, plain printable text, is returned as it is.
        if text.unicodeScalars.allSatisfy({ ($0.value >= 0x20 && $0.value < 0x7F) || $0 == "\n" || $0 == "\r" || $0 == "\t" }) {
            return text.unicodeScalars.contains { $0.value > 0x20 && $0.value < 0x7F } || text.isEmpty ? text : ""
        }
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter(isKept)))
        return kept.unicodeScalars.contains(where: isVisible) ? kept : ""
    }

    static func isKept(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\n" || scalar == "\r" || scalar == "\t" { return true }
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0xFEFF, 0x200B, 0x2060...0x2064: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return false
        default: return true
        }
    }

    /// A character that puts ink on the page: not a space, a format character, a lone combining mark or one of the
    /// blank "letters" (Hangul fillers, the blank Braille pattern).
    static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x00AD: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .control, .format, .nonspacingMark, .enclosingMark, .spacingMark: return false
        default: return !scalar.properties.isWhitespace
        }
    }
}
