import Foundation

/// Names compared the way people mean them: case, width, spaces, hyphens, apostrophes and accents folded away,
/// so "Zoë O'Neill-Brown" and "zoe oneill brown" are the same name (SPEC §2.2), and the letters of every script
/// kept, so "Мария Иванова" and "Анна Петрова" are two names, not one empty key.
///
/// Accents are folded only where people type a name with or without them: marks on Latin, Greek and Cyrillic
/// letters, and Arabic and Hebrew vowel points (optional in writing). Elsewhere a mark is part of the letter:
/// a Devanagari vowel sign or a Japanese voicing mark (が is not か) changes the name, so it is kept.
public enum NameFolding {
    /// Letters that decomposition leaves alone but people type without.
    private static let extraFolds: [Character: String] = [
        "ł": "l", "æ": "ae", "ø": "o", "đ": "d", "þ": "th", "œ": "oe", "ß": "ss", "ı": "i", "ς": "σ",
    ]

    public static func fold(_ name: String) -> String {
        // Most names are plain ASCII: lowercase letters and digits, no Foundation needed.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: name.utf8.compactMap { byte -> UInt8? in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): byte
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
                default: nil
                }
            }, as: UTF8.self)
        }
        // Compatibility decomposition folds width (ｱ → ア, Ａ → A) and separates accents from their letters.
        let decomposed = name.lowercased().decomposedStringWithCompatibilityMapping
        var output = String.UnicodeScalarView()
        // Whether a mark here belongs to the letter before it: not after an accent-taking letter, a separator or
        // the start.
        var keepsMarks = false
        for scalar in decomposed.unicodeScalars {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                if keepsMarks && !isOptionalVowelPoint(scalar) { output.append(scalar) }
            case _ where properties.isAlphabetic || properties.numericType != nil:
                keepsMarks = !takesAccents(scalar)
                if let replacement = extraFolds[Character(scalar)] {
                    output.append(contentsOf: replacement.unicodeScalars)
                } else {
                    output.append(scalar)
                }
            default:
                // Spaces, punctuation and symbols separate words; they are not part of the name.
                keepsMarks = false
            }
        }
        return String(output).lowercased()
    }

    /// Whether a name has something to match by: a name of "-" or "…" folds to nothing and names nobody.
    public static func hasLetters(_ name: String) -> Bool {
        fold(name).unicodeScalars.contains { $0.properties.isAlphabetic }
    }

    /// Latin, Greek and Cyrillic letters, whose accents people often leave out.
    private static func takesAccents(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x24F, 0x1E00...0x1EFF, 0x370...0x3FF, 0x1F00...0x1FFF, 0x400...0x52F, 0x1C80...0x1C8F: true
        default: false
        }
    }

    /// Arabic harakat and Hebrew niqqud: written in some copies of a name and not in others.
    private static func isOptionalVowelPoint(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x591...0x5C7, 0x610...0x61A, 0x64B...0x65F, 0x670, 0x6D6...0x6ED: true
        default: false
        }
    }

    /// The parts of a double-barrelled or multi-word surname, folded: "Smith-Jones" → ["smith", "jones"].
    public static func parts(_ name: String) -> [String] {
        name.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == "‐" }).map { fold(String($0)) }.filter { !$0.isEmpty }
    }
}

/// American Soundex: a phonetic key that survives most misspellings of a surname ("Smith", "Smyth").
public enum Soundex {
    private static let codes: [Character: Character] = [
        "b": "1", "f": "1", "p": "1", "v": "1",
        "c": "2", "g": "2", "j": "2", "k": "2", "q": "2", "s": "2", "x": "2", "z": "2",
        "d": "3", "t": "3", "l": "4", "m": "5", "n": "5", "r": "6",
    ]

    public static func key(_ name: String) -> String {
        let letters = NameFolding.fold(name).filter(\.isLetter)
        guard let first = letters.first else { return "" }
        var key = String(first).uppercased()
        var previous = codes[first]
        for character in letters.dropFirst() {
            let code = codes[character]
            if let code, code != previous { key.append(code) }
            // h and w do not separate letters with the same code; vowels do.
            if character != "h" && character != "w" { previous = code }
            if key.count == 4 { break }
        }
        return key + String(repeating: "0", count: max(0, 4 - key.count))
    }
}

public enum EditDistance {
    /// Levenshtein distance, for short strings such as names.
    public static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
