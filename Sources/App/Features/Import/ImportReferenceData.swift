import Domain
import Fluent
import Foundation

/// The reference data an import checks rows against, read once per file.
struct ImportReferenceData: Sendable {
    let regionIDs: [String: UUID]
    let localAuthoritiesByRegion: [String: Set<String>]
    let codes: [CodeList: Set<String>]

    static func load(on db: any Database) async throws -> ImportReferenceData {
        let regions = try await Region.query(on: db).with(\.$localAuthorities).all()
        var codes: [CodeList: Set<String>] = [:]
        for item in try await CodeListRows.all(on: db) {
            if let list = CodeList(rawValue: item.list) { codes[list, default: []].insert(item.code) }
        }
        return ImportReferenceData(
            regionIDs: Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0.id!) }),
            localAuthoritiesByRegion: Dictionary(uniqueKeysWithValues: regions.map { ($0.code, Set($0.localAuthorities.map(\.code))) }),
            codes: codes)
    }

    func context(today: CivilDate, onlyRegion: String?) -> ImportContext {
        ImportContext(regions: Set(regionIDs.keys), codes: codes, today: today, onlyRegion: onlyRegion)
    }
}

/// What an import did, for the person who ran it and for the audit log.
struct ImportSummary: Codable, Sendable, Equatable {
    var created = 0
    var updated = 0
    var unchanged = 0
    var peopleCreated = 0
    /// The refs of the records created and changed, named in the import's audit entry.
    var createdRefs: [String] = []
    var updatedRefs: [String] = []

    private enum CodingKeys: String, CodingKey { case created, updated, unchanged, peopleCreated }

    /// Two summaries are the same when they count the same: the refs are what the audit entry names.
    static func == (a: ImportSummary, b: ImportSummary) -> Bool {
        (a.created, a.updated, a.unchanged, a.peopleCreated) == (b.created, b.updated, b.unchanged, b.peopleCreated)
    }

    var sentence: String {
        "\(created) created, \(updated) updated, \(unchanged) unchanged; \(peopleCreated) new young people"
    }

    /// The import's audit entry, appended inside its transaction: the file (by its SHA-256), the region it was
    /// limited to, and what it did.
    func audit(_ actor: AuditEntry, action: AuditAction, file source: String, region onlyRegion: String?, at now: Date,
               on db: any Database) async throws {
        var entry = actor
        entry.action = action
        entry.objectType = .file
        entry.objectID = source
        entry.region = onlyRegion ?? ""
        entry.detail = sentence + "; created: " + (createdRefs.isEmpty ? "none" : createdRefs.joined(separator: " "))
            + "; updated: " + (updatedRefs.isEmpty ? "none" : updatedRefs.joined(separator: " "))
        try await Audit.append(entry, on: db, at: now)
    }
}

enum ImportFile {
    /// A file opened for reading part by part, its header checked: with the columns wrong every row would repeat
    /// the same complaint, so the header's problems are reported alone (with any the file's layout has).
    static func open(_ text: String, columns: [String], required: Set<String>) throws -> CSVStream {
        let file = CSVStream(text: text)
        guard !file.header.isEmpty else { throw ImportProblems(file.problems) }
        let headerProblems = ImportHeader.problems(header: file.header, known: columns, required: required)
        if !headerProblems.isEmpty {
            var rest = file
            throw ImportProblems(headerProblems + rest.next(Int.max).problems)
        }
        return file
    }

    /// Reads a CSV file's rows with one parser, collecting every problem; duplicate refs are problems too.
    static func rows<Row>(_ text: String, columns: [String], required: Set<String>, ref: @escaping (Row) -> String,
                          line: @escaping (Row) -> Int, parse: ([String: String], Int) -> Result<Row, ImportProblems>) throws -> [Row] {
        var file = try open(text, columns: columns, required: required)
        let read = file.next(Int.max)
        var checker = ImportChecker(refColumn: columns[0], ref: ref, line: line)
        checker.note(layoutProblems: read.problems)
        let rows = checker.accept(read.records.map { parse(file.cells(of: $0), $0.line) })
        try checker.finish()
        return rows
    }

    static func sha256(_ text: String) -> String {
        SecretToken.hash(text)
    }
}

/// Takes a file's parsed records in order, part by part: keeps every problem, and a ref seen earlier in the file
/// is a problem of its own. `finish` throws them all, sorted by line, if there are any.
struct ImportChecker<Row> {
    private(set) var problems: [ImportProblem] = []
    /// The file's records taken so far (each record is one result, good or not).
    private(set) var recordCount = 0
    private let refColumn: String
    private let ref: (Row) -> String
    private let line: (Row) -> Int
    private var firstLineOfRef: [String: Int] = [:]

    init(refColumn: String, ref: @escaping (Row) -> String, line: @escaping (Row) -> Int) {
        self.refColumn = refColumn
        self.ref = ref
        self.line = line
    }

    /// Keeps problems found outside a row's own checks: a part's layout (a row with too many or too few cells, a
    /// quoted cell never closed), or a ref that is another region's record.
    mutating func note(layoutProblems: [ImportProblem]) {
        problems += layoutProblems
    }

    /// The rows of this part that are good and new to the file.
    mutating func accept(_ results: [Result<Row, ImportProblems>]) -> [Row] {
        recordCount += results.count
        var rows: [Row] = []
        rows.reserveCapacity(results.count)
        for result in results {
            switch result {
            case let .success(row):
                if let first = firstLineOfRef[ref(row)] {
                    problems.append(ImportProblem(line: line(row), column: refColumn,
                                                  problem: "\"\(ref(row))\" appears again (first on line \(first))"))
                } else {
                    firstLineOfRef[ref(row)] = line(row)
                    rows.append(row)
                }
            case let .failure(found):
                problems += found.problems
            }
        }
        return rows
    }

    func finish() throws {
        var problems = problems
        if recordCount == 0 && problems.isEmpty {
            problems.append(ImportProblem(line: 2, column: "(file)", problem: "the file has a header but no rows"))
        }
        guard problems.isEmpty else {
            throw ImportProblems(problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
    }
}
