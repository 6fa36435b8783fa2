import Domain
import Foundation

/// A CSV file (RFC 4180 quoting) read part by part: the header when it is opened, then the records of as many
/// rows at a time as asked for, with those rows' problems. Each record has its line number in the file, so that
/// problems can be named as a spreadsheet user sees them. A byte-order mark is dropped; CRLF, LF and CR each end
/// a line; a record with more or fewer cells than the header is a problem of its own. A copy carries on where
/// the original stopped, so each part can be read by the task that checks it (on another core).
struct CSVStream: Sendable {
    struct Record: Sendable {
        let line: Int
        /// In the header's order (as many as it has columns).
        let values: [String]
    }

    let header: [String]
    /// The file's own problem, found when it is opened: it is empty.
    let problems: [ImportProblem]
    private var reader: CSVRecords.Reader
    /// Whether the end of the file has been reported (its unclosed quote, if any, is named once).
    private var endReported = false

    init(text: String) {
        let byteOrderMark = "\u{FEFF}"
        let hasMark = text.hasPrefix(byteOrderMark)
        guard !text.dropFirst(hasMark ? 1 : 0).isBlank else {
            header = []
            problems = [ImportProblem(line: 1, column: "(file)", problem: "the file is empty: expected a header row")]
            reader = CSVRecords.Reader("")
            return
        }
        reader = CSVRecords.Reader(text, skipping: hasMark ? byteOrderMark.utf8.count : 0)
        header = (reader.next()?.cells ?? []).map(\.trimmingSpaces)
        problems = []
    }

    var atEnd: Bool { reader.atEnd }

    /// The records of the next `rows` rows (a spreadsheet's empty rows are not records), and their problems; the
    /// call that reaches the end of the file (or is made there) also names a quoted cell that was never closed.
    mutating func next(_ rows: Int) -> (records: [Record], problems: [ImportProblem]) {
        var records: [Record] = []
        var problems: [ImportProblem] = []
        var read = 0
        while read < rows, let row = reader.next() {
            read += 1
            if row.cells.allSatisfy(\.isBlank) { continue }
            guard row.cells.count == header.count else {
                problems.append(ImportProblem(line: row.line, column: "(row)",
                                              problem: "has \(row.cells.count) cells but the header has \(header.count)"))
                continue
            }
            records.append(Record(line: row.line, values: row.cells))
        }
        // An unclosed quote runs to the end of the file; an odd number of quotes shows it.
        if reader.atEnd && !endReported {
            endReported = true
            if reader.quotes % 2 == 1 {
                problems.append(ImportProblem(line: reader.lastLine, column: "(row)", problem: "a quoted cell is not closed"))
            }
        }
        return (records, problems)
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
    struct Row: Sendable {
        let line: Int
        let cells: [String]
    }

    static func read(_ text: String) -> [Row] {
        var reader = Reader(text)
        var rows: [Row] = []
        while let row = reader.next() { rows.append(row) }
        return rows
    }

    /// Reads one record at a time, so that a file can be read part by part: the import reads and checks each
    /// part on another core while the part before is written, and writing starts once the first part is read.
    /// A copy carries on from where the original stopped (the file's bytes are shared, not copied).
    struct Reader: Sendable {
        private let bytes: [UInt8]
        private var index: Int
        private var line = 1
        /// Double quotes read so far, quoting or quoted: an odd number at the end of the file shows a quoted cell
        /// that was never closed.
        private(set) var quotes = 0
        /// The line the last record read starts on.
        private(set) var lastLine = 1

        /// `skipping` bytes at the start (a byte-order mark).
        init(_ text: String, skipping: Int = 0) {
            bytes = Array(text.utf8)
            index = min(skipping, bytes.count)
        }

        var atEnd: Bool { index >= bytes.count }

        mutating func next() -> Row? {
            guard index < bytes.count else { return nil }
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            let count = bytes.count
            let rowLine = line
            var cells: [String] = []
            var cellStart = index // where the current unquoted run of the cell starts
            var pending: [UInt8] = [] // a quoted cell's text so far (quotes undoubled)
            var quoted = false, inQuotes = false

            func endCell(at end: Int) {
                if quoted {
                    pending.append(contentsOf: bytes[cellStart..<end])
                    cells.append(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                    quoted = false
                } else {
                    cells.append(bytes.withUnsafeBufferPointer {
                        String(decoding: UnsafeBufferPointer(rebasing: $0[cellStart..<end]), as: UTF8.self)
                    })
                }
            }

            while index < count {
                let byte = bytes[index]
                if inQuotes {
                    if byte == quote {
                        quotes += 1
                        pending.append(contentsOf: bytes[cellStart..<index])
                        if index + 1 < count, bytes[index + 1] == quote {
                            quotes += 1
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
                    quotes += 1
                    quoted = true
                    inQuotes = true
                    index += 1
                    cellStart = index
                case comma:
                    endCell(at: index)
                    index += 1
                    cellStart = index
                case cr, lf:
                    endCell(at: index)
                    index += (byte == cr && index + 1 < count && bytes[index + 1] == lf) ? 2 : 1
                    line += 1
                    lastLine = rowLine
                    return Row(line: rowLine, cells: cells)
                default:
                    if byte == quote { quotes += 1 }
                    index += 1
                }
            }
            // The file ends without a line break: its last record ends here.
            endCell(at: count)
            lastLine = rowLine
            return Row(line: rowLine, cells: cells)
        }
    }
}
