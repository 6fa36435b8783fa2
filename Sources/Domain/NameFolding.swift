import Foundation

/// Names compared the way people mean them: case, spaces, hyphens, apostrophes and accents folded away,
/// so "Zoë O'Neill-Brown" and "zoe oneill brown" are the same name (SPEC §2.2).
public enum NameFolding {
    /// Letters that folding by diacritics leaves alone but people type without.
    private static let extraFolds: [Character: String] = [
        "ł": "l", "æ": "ae", "ø": "o", "đ": "d", "þ": "th", "œ": "oe", "ß": "ss", "ı": "i",
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
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive],
                                  locale: Locale(identifier: "en_GB"))
        var output = ""
        for character in folded {
            if let replacement = extraFolds[character] {
                output += replacement
            } else if character.isASCII, character.isLetter || character.isNumber {
                output.append(character)
            }
        }
        return output
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
