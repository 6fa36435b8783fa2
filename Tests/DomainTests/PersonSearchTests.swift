import Domain
import Testing

@Suite("The search box: what a query means and which names answer it")
struct PersonSearchTests {
    @Test("A query's words, date of birth and references, in any order and either date style", arguments: [
        ("Jayden Smith", ["jayden", "smith"], nil, []),
        ("smith 2009-03-14", ["smith"], "2009-03-14", []),
        ("14/03/2009 JAYDEN", ["jayden"], "2009-03-14", []),
        ("REF-1A2B3C4D", [], nil, ["REF-1A2B3C4D"]),
        ("demo-0000123", [], nil, ["DEMO-0000123", "demo-0000123"]),
        ("Zoë O'Neill", ["zoe", "oneill"], nil, []),
        ("Мария Иванова", ["мария", "иванова"], nil, []),
        ("王 小明", ["王", "小明"], nil, []),
        ("a b c d e f", ["a", "b", "c", "d"], nil, []),
    ] as [(String, [String], String?, [String])])
    func parsing(text: String, words: [String], born: String?, refs: [String]) throws {
        let query = try #require(PersonSearchQuery(text))
        #expect(query.words == words)
        #expect(query.dateOfBirth?.description == born)
        #expect(query.refs == refs)
    }

    @Test("Nothing searchable is no query: empty, spaces, punctuation, markup that folds to nothing",
          arguments: ["", "   ", "!!! ---", "<>", "'\"", "\u{200B}"])
    func nothingToSearch(text: String) {
        #expect(PersonSearchQuery(text) == nil)
    }

    static let smith = PersonSearchScore.Names(first: "jayden", last: "smith", aliases: ["littlej"])

    @Test("Names that answer, and how closely (lower is closer)", arguments: [
        (["jayden", "smith"], 0),
        (["smith"], 0),
        (["littlej"], 0),
        (["little", "j"], 0),       // an alias typed with its space
        (["jay", "smith"], 1),      // the beginning of a name
        (["jayden", "smiht"], 2),   // two letters swapped: one slip
        (["jaydn", "smith"], 2),    // a letter left out
        (["jayden", "smyth"], 2),   // a letter changed
    ] as [([String], Int)])
    func answers(words: [String], expected: Int) {
        #expect(PersonSearchScore.score(words, against: Self.smith) == expected)
    }

    @Test("Names that do not answer: another name, a slip in a short name, too many slips, one word unmatched",
          arguments: [["jones"], ["smath", "jadyne"], ["jayden", "brown"], ["lo"], ["smithson"]])
    func noAnswer(words: [String]) {
        #expect(PersonSearchScore.score(words, against: Self.smith) == nil)
        #expect(PersonSearchScore.score(["lee"], against: .init(first: "li", last: "wang")) == nil, "no slip in a short name")
    }

    @Test("Slips allowed grow with the name; transpositions count once")
    func slips() {
        #expect(PersonSearchScore.slipsAllowed(length: 3) == 0)
        #expect(PersonSearchScore.slipsAllowed(length: 5) == 1)
        #expect(PersonSearchScore.slipsAllowed(length: 9) == 2)
        #expect(EditDistance.withTranspositions("jonh", "john") == 1)
        #expect(EditDistance.between("jonh", "john") == 2)
        #expect(PersonSearchScore.score(["christophre"], against: .init(first: "christopher", last: "x")) == 2)
    }
}
