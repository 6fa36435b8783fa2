import CSV
import Domain
import Foundation

/// A CSV file read with CSV.swift (RFC 4180 quoting), with each record's line number in the file so that
/// problems can be named as a spreadsheet user sees them. A byte-order mark is dropped; CRLF and LF both end
/// a line; a record with more or fewer cells than the header is a problem of its own.
struct CSVTable {
    struct Record {
        let line: Int
        let cells: [String: String]
    }

    let header: [String]
    let records: [Record]
    let problems: [ImportProblem]

    init(text: String) throws {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        guard !body.isBlank else {
            header = []
            records = []
            problems = [ImportProblem(line: 1, column: "(file)", problem: "the file is empty: expected a header row")]
            return
        }
        let reader = try CSVReader(string: body, hasHeaderRow: false)
        var problems: [ImportProblem] = []
        var records: [Record] = []
        var line = 1
        var lastRecordLine = 1
        let header = (reader.next() ?? []).map(\.trimmingSpaces)
        line += Self.extraLines(in: header) + 1
        while let row = reader.next() {
            let startLine = line
            lastRecordLine = startLine
            line += Self.extraLines(in: row) + 1
            // A spreadsheet's trailing empty rows are not records.
            if row.allSatisfy(\.isBlank) { continue }
            guard row.count == header.count else {
                problems.append(ImportProblem(line: startLine, column: "(row)",
                                              problem: "has \(row.count) cells but the header has \(header.count)"))
                continue
            }
            var cells: [String: String] = [:]
            for (name, value) in zip(header, row) { cells[name] = value }
            records.append(Record(line: startLine, cells: cells))
        }
        // CSV.swift reads an unclosed quote to the end of the file; an odd number of quotes shows it.
        if body.utf8.lazy.filter({ $0 == UInt8(ascii: "\"") }).count % 2 == 1 {
            problems.append(ImportProblem(line: lastRecordLine, column: "(row)",
                                          problem: "a quoted cell is not closed"))
        }
        self.header = header
        self.records = records
        self.problems = problems
    }

    /// Newlines inside quoted cells: the record continues on the next line of the file.
    private static func extraLines(in cells: [String]) -> Int {
        cells.reduce(0) { count, cell in
            count + cell.unicodeScalars.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
                + (cell.contains("\r") && !cell.contains("\n") ? cell.unicodeScalars.filter { $0 == "\r" }.count : 0)
        }
    }
}
