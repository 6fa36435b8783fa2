/// What the search box means: the words of a young person's name or alias, a date of birth, or the reference of a
/// referral or case, in any order ("jayden smith 2009-03-14", "REF-1A2B3C4D"), folded as matching folds names
/// (SPEC §2.2), so every script is searched in its own letters.
public struct PersonSearchQuery: Sendable, Equatable {
    /// Folded name words, at most `maximumWords`.
    public let words: [String]
    public let dateOfBirth: CivilDate?
    /// References as typed and in capitals, as most are stored.
    public let refs: [String]

    public static let maximumLength = 200
    public static let maximumWords = 4

    /// Nil when nothing in the text can be searched for (empty, or nothing but punctuation).
    public init?(_ text: String) {
        var words: [String] = [], refs: [String] = []
        var born: CivilDate?
        for token in text.prefix(Self.maximumLength).split(whereSeparator: \.isWhitespace).map(String.init) {
            if let date = Self.date(token) {
                born = date
            } else if Self.looksLikeRef(token) {
                refs += Set([token, token.uppercased()]).sorted()
            } else {
                let folded = NameFolding.fold(token)
                if !folded.isEmpty && words.count < Self.maximumWords { words.append(folded) }
            }
        }
        guard !words.isEmpty || born != nil || !refs.isEmpty else { return nil }
        self.words = words
        self.dateOfBirth = born
        self.refs = refs
    }

    /// 2009-03-14 or 14/03/2009, as people write dates here.
    static func date(_ token: String) -> CivilDate? {
        if let date = CivilDate(token) { return date }
        let parts = token.split(separator: "/")
        guard parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
              parts[2].count == 4 else { return nil }
        return CivilDate(String(format: "%04d-%02d-%02d", year, month, day))
    }

    /// A reference (`REF-1A2B3C4D`, `DEMO-0000123`, an imported one): a token with a digit in it that is not a
    /// date. Names have no digits.
    static func looksLikeRef(_ token: String) -> Bool {
        token.count <= 40 && token.contains(where: \.isNumber)
            && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "/" || $0 == "_") }
    }
}

/// How well a young person's names answer the typed words: every word must find a name it is, begins, or is a
/// typing slip away from. Lower is closer; nil is no answer.
public enum PersonSearchScore {
    /// A known young person's names as stored: the folded first and last name, and the folded aliases.
    public struct Names: Sendable {
        public let first: String
        public let last: String
        public let aliases: [String]

        public init(first: String, last: String, aliases: [String] = []) {
            self.first = first
            self.last = last
            self.aliases = aliases
        }
    }

    /// The slips a word of this many letters may carry: none in a short name (one letter changes "Li" into
    /// another name), one from four letters, two from eight.
    public static func slipsAllowed(length: Int) -> Int {
        switch length {
        case ..<4: 0
        case 4..<8: 1
        default: 2
        }
    }

    /// The first letters a word's candidates share with it, which the search reads from the last-name index: two
    /// letters, or the whole word when it is shorter. A slip in the first two letters is not forgiven there (a
    /// name typed with a date of birth is still found through the date).
    public static func indexPrefix(of word: String) -> String {
        String(word.prefix(2))
    }

    public static func score(_ words: [String], against names: Names) -> Int? {
        guard !words.isEmpty else { return nil }
        let candidates = [names.first, names.last] + names.aliases
        // Typed words joined ("little j" → "littlej") may be one alias or a name folded without its spaces.
        let joined = words.joined()
        if words.count > 1, candidates.contains(joined) { return 0 }
        var total = 0
        for word in words {
            guard let best = candidates.compactMap({ cost(of: word, against: $0) }).min() else { return nil }
            total += best
        }
        return total
    }

    /// 0 for the name itself, 1 for its beginning (two letters or more), 2 per slip.
    static func cost(of word: String, against name: String) -> Int? {
        if name.isEmpty { return nil }
        if word == name { return 0 }
        if word.count >= 2, name.hasPrefix(word) { return 1 }
        let allowed = slipsAllowed(length: max(word.count, name.count))
        guard allowed > 0, abs(word.count - name.count) <= allowed else { return nil }
        let distance = EditDistance.withTranspositions(word, name)
        return distance <= allowed ? 2 * distance : nil
    }
}

extension EditDistance {
    /// Levenshtein distance that counts two neighbouring letters typed the wrong way round as one slip
    /// ("Jonh" for "John"), as people type.
    public static func withTranspositions(_ a: String, _ b: String) -> Int {
        // Unicode scalars, not Characters: folded names are letters (and the marks some scripts keep), and the
        // search compares thousands of names per query, where grapheme breaking would cost more than the rest.
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        let width = y.count + 1
        // Three rows of the table: two back (for a transposition), one back, and this one.
        var before = [Int](repeating: 0, count: width), previous = Array(0...y.count), current = [Int](repeating: 0, count: width)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }
}
