import Domain
import Foundation

/// A CSV file (RFC 4180 quoting), with each record's line number in the file so that problems can be named as a
/// spreadsheet user sees them. A byte-order mark is dropped; CRLF, LF and CR each end a line; a record with more
/// or fewer cells than the header is a problem of its own.
struct CSVTable {
    struct Record {
        let line: Int
        /// In the header's order (as many as it has columns).
        let values: [String]
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
        let read = CSVRecords.read(body)
        var problems: [ImportProblem] = []
        var records: [Record] = []
        let header = (read.first?.cells ?? []).map(\.trimmingSpaces)
        for row in read.dropFirst() {
            // A spreadsheet's trailing empty rows are not records.
            if row.cells.allSatisfy(\.isBlank) { continue }
            guard row.cells.count == header.count else {
                problems.append(ImportProblem(line: row.line, column: "(row)",
                                              problem: "has \(row.cells.count) cells but the header has \(header.count)"))
                continue
            }
            records.append(Record(line: row.line, values: row.cells))
        }
        // An unclosed quote runs to the end of the file; an odd number of quotes shows it.
        if body.utf8.lazy.filter({ $0 == UInt8(ascii: "\"") }).count % 2 == 1 {
            problems.append(ImportProblem(line: read.last?.line ?? 1, column: "(row)",
                                          problem: "a quoted cell is not closed"))
        }
        self.header = header
        self.records = records
        self.problems = problems
    }

    /// A record's cells by column name, made when the record is checked (which may be on another core).
    func cells(of record: Record) -> [String: String] {
        var cells: [String: String] = Dictionary(minimumCapacity: header.count)
        for (name, value) in zip(header, record.values) { cells[name] = value }
        return cells
    }
}

/// RFC 4180 records read byte by byte from UTF-8 text, each with the line of the file it starts on.
///
/// Cells are separated by commas and records by CRLF, LF or CR. A cell that starts with a double quote runs to
/// the next lone double quote, taking commas, line breaks and doubled quotes ("") as text; a quote anywhere else
/// is text. An unclosed quote runs to the end of the file. (Reading character by character with CSV.swift took
/// two thirds of the time of reading and checking an import file.)
enum CSVRecords {
    struct Row {
        let line: Int
        let cells: [String]
    }

    static func read(_ text: String) -> [Row] {
        var text = text
        return text.withUTF8 { read(bytes: $0) }
    }

    static func read(bytes: UnsafeBufferPointer<UInt8>) -> [Row] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var rows: [Row] = []
        var cells: [String] = []
        var line = 1, rowLine = 1
        var cellStart = 0 // where the current unquoted run of the cell starts
        var pending: [UInt8] = [] // a quoted cell's text so far (quotes undoubled)
        var quoted = false, inQuotes = false, rowStarted = false
        var index = 0
        let count = bytes.count

        func endCell(at end: Int) {
            if quoted {
                pending.append(contentsOf: bytes[cellStart..<end])
                cells.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
                quoted = false
            } else {
                cells.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[cellStart..<end]), as: UTF8.self))
            }
        }

        while index < count {
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    pending.append(contentsOf: bytes[cellStart..<index])
                    if index + 1 < count, bytes[index + 1] == quote {
                        pending.append(quote) // "" is one quote
                        index += 2
                    } else {
                        inQuotes = false
                        index += 1
                    }
                    cellStart = index
                    continue
                }
                if byte == lf || (byte == cr && !(index + 1 < count && bytes[index + 1] == lf)) { line += 1 }
                index += 1
                continue
            }
            switch byte {
            case quote where index == cellStart && !quoted:
                quoted = true
                inQuotes = true
                rowStarted = true
                index += 1
                cellStart = index
            case comma:
                endCell(at: index)
                rowStarted = true
                index += 1
                cellStart = index
            case cr, lf:
                endCell(at: index)
                rows.append(Row(line: rowLine, cells: cells))
                cells = []
                index += (byte == cr && index + 1 < count && bytes[index + 1] == lf) ? 2 : 1
                line += 1
                rowLine = line
                rowStarted = false
                cellStart = index
            default:
                rowStarted = true
                index += 1
            }
        }
        if rowStarted || inQuotes || cellStart < count {
            endCell(at: count)
            rows.append(Row(line: rowLine, cells: cells))
        }
        return rows
    }
}
