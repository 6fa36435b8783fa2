@testable import App
import Domain
import Testing

/// The import's CSV reader (`CSVRecords`): RFC 4180 quoting, and the line each record starts on.
@Suite("Reading CSV")
struct CSVRecordsTests {
    static func read(_ text: String) -> [String] {
        CSVRecords.read(text).map { "\($0.line):" + $0.cells.joined(separator: "|") }
    }

    @Test("Quoting, line ends and line numbers", arguments: [
        ("a,b\r\nc,d\r\n", ["1:a|b", "2:c|d"]),
        ("a,\"b,c\"\n\"x\"\"y\",z", ["1:a|b,c", "2:x\"y|z"]),
        ("\"multi\nline\",x\ny,z", ["1:multi\nline|x", "3:y|z"]),
        ("\"a\r\nb\",c\r\nd,e", ["1:a\r\nb|c", "3:d|e"]),
        ("a\rb\r", ["1:a", "2:b"]),
        ("a,\n\nb", ["1:a|", "2:", "3:b"]),
        ("a,", ["1:a|"]),
        ("a,\"bc\nd", ["1:a|bc\nd"]),
        ("ab\"c,d", ["1:ab\"c|d"]),
        ("\"ab\"cd,e", ["1:abcd|e"]),
        ("Zoë,O'Neill,\"\"", ["1:Zoë|O'Neill|"]),
        ("", []),
    ])
    func cases(text: String, expected: [String]) {
        #expect(Self.read(text) == expected)
    }

    @Test("Any table written with RFC 4180 quoting reads back cell for cell, each record on its line")
    func roundTrip() {
        var random = SeededRandom(seed: 20261129)
        let pieces = ["a", "Zoë", " ", ",", "\"", "\n", "\r\n", "\r", "x,y", "\"\"", "'", "-1"]
        for _ in 0..<200 {
            var text = ""
            var expected: [String] = []
            var line = 1
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let cells = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
                }
                // A record of one empty cell is an empty line, which reads back as one empty cell: the same.
                expected.append("\(line):" + cells.joined(separator: "|"))
                let written = cells.map { cell in
                    cell.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
                }.joined(separator: ",")
                let end = ["\r\n", "\n"].randomElement(using: &random)!
                text += written + end
                line += Self.lineBreaks(in: written) + 1
            }
            #expect(Self.read(text) == expected, "\(text.debugDescription)")
        }
    }

    /// CRLF is one break, a lone CR or LF one each.
    static func lineBreaks(in text: String) -> Int {
        let scalars = Array(text.unicodeScalars)
        return scalars.indices.filter { scalars[$0] == "\n" || (scalars[$0] == "\r" && ($0 + 1 == scalars.count || scalars[$0 + 1] != "\n")) }.count
    }
}
