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

    /// The import reads a file part by part (`CSVStream`), each part on the task that checks it: however the
    /// file is cut, it must read as it does whole, each problem named once.
    @Test("A file read part by part reads as it does whole, whatever the part size", arguments: [1, 2, 3, 5, 100])
    func readInParts(rows: Int) {
        // Lines: the header; a record over two lines; an empty line; a row of empty cells (not a record); a short
        // row; quotes doubled; a quote left open at the end.
        let text = "\u{FEFF}ref,name,note\r\nA1,Ana,\"two\r\nlines\"\r\n\r\n,,\r\nA2,Ben\r\nA3,\"Cy, \"\"Jr\"\"\",x\r\nA4,Dee,\"open"
        func describe(_ read: (records: [CSVStream.Record], problems: [ImportProblem])) -> [String] {
            read.records.map { "\($0.line):" + $0.values.joined(separator: "|") }
                + read.problems.map { "\($0.line) \($0.column) \($0.problem)" }
        }
        var whole = CSVStream(text: text)
        #expect(whole.header == ["ref", "name", "note"])
        let expected = describe(whole.next(Int.max))
        #expect(expected.sorted() == [
            "2:A1|Ana|two\r\nlines", "7:A3|Cy, \"Jr\"|x", "8:A4|Dee|open",
            "6 (row) has 2 cells but the header has 3", "8 (row) a quoted cell is not closed",
        ].sorted())

        var file = CSVStream(text: text)
        var records: [CSVStream.Record] = []
        var problems: [ImportProblem] = []
        var parts = 0
        repeat {
            let part = file.next(rows)
            records += part.records
            problems += part.problems
            parts += 1
        } while !file.atEnd && parts < 100
        #expect(describe((records, problems)).sorted() == expected.sorted())
        #expect(file.next(rows).problems.isEmpty, "the open quote is named once")
    }

    @Test("A header with an open quote and no rows, and a blank file, are named")
    func headerOnly() {
        var open = CSVStream(text: "ref,\"name")
        #expect(open.next(1).problems.map(\.problem) == ["a quoted cell is not closed"])
        let blank = CSVStream(text: "\u{FEFF} \r\n\t\n")
        #expect(blank.header.isEmpty && blank.atEnd)
        #expect(blank.problems.map(\.problem) == ["the file is empty: expected a header row"])
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
