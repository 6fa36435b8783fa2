/// Marks what may be a third party's name in free text, so that a subject-access export can be reviewed for
/// redaction before release (UK GDPR Art. 15(4): others' rights). A heuristic: runs of capitalised words that
/// are not the young person's own names and not a sentence's first word. It flags for a person to check;
/// it redacts nothing by itself.
public enum RedactionReview {
    public struct Segment: Equatable, Sendable, Encodable {
        public let text: String
        public let flagged: Bool
    }

    /// Capitalised words that are seldom names.
    static let ordinary: Set<String> = ["I", "I'm", "I've", "Mum", "Dad", "Police", "School", "Monday", "Tuesday",
                                        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
                                        "March", "April", "May", "June", "July", "August", "September", "October",
                                        "November", "December", "PC", "DC", "The", "A", "An", "He", "She", "They",
                                        "We", "It", "His", "Her", "Their", "Our", "Met", "Seen"]

    public static func segments(_ text: String, subjectNames: [String]) -> [Segment] {
        let own = Set(subjectNames.flatMap { $0.split(separator: " ").map { NameFolding.fold(String($0)) } })
        var segments: [Segment] = []
        var buffer = ""
        var sentenceStart = true
        var index = text.startIndex
        func flush(_ flagged: Bool) {
            if !buffer.isEmpty { segments.append(Segment(text: buffer, flagged: flagged)) }
            buffer = ""
        }
        while index < text.endIndex {
            let character = text[index]
            if character.isLetter {
                var end = index
                while end < text.endIndex, text[end].isLetter || text[end] == "'" || text[end] == "’" || text[end] == "-" {
                    end = text.index(after: end)
                }
                let word = String(text[index..<end])
                let looksLikeName = word.first!.isUppercase && !sentenceStart && !ordinary.contains(word)
                    && !own.contains(NameFolding.fold(word)) && word.count > 1
                if looksLikeName {
                    flush(false)
                    buffer = word
                    flush(true)
                } else {
                    buffer += word
                }
                sentenceStart = false
                index = end
            } else {
                buffer.append(character)
                if ".!?\n".contains(character) { sentenceStart = true }
                index = text.index(after: index)
            }
        }
        flush(false)
        return merged(segments)
    }

    /// Joins neighbouring pieces with the same flag ("Jason" " " "Smith" stays two flags; plain text joins).
    private static func merged(_ segments: [Segment]) -> [Segment] {
        var result: [Segment] = []
        for segment in segments {
            if let last = result.last, !last.flagged, !segment.flagged {
                result[result.count - 1] = Segment(text: last.text + segment.text, flagged: false)
            } else {
                result.append(segment)
            }
        }
        return result
    }
}
