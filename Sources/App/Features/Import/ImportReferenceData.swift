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

    var sentence: String {
        "\(created) created, \(updated) updated, \(unchanged) unchanged; \(peopleCreated) new young people"
    }
}

enum ImportFile {
    /// Reads a CSV file's rows with one parser, collecting every problem; duplicate refs are problems too.
    static func rows<Row>(_ text: String, columns: [String], required: Set<String>, ref: (Row) -> String,
                          line: (Row) -> Int, parse: ([String: String], Int) -> Result<Row, ImportProblems>) throws -> [Row] {
        let table = try CSVTable(text: text)
        var problems = table.problems
        if !table.header.isEmpty {
            let headerProblems = ImportHeader.problems(header: table.header, known: columns, required: required)
            // With the columns wrong, every row would repeat the same complaint: report the header alone.
            if !headerProblems.isEmpty { throw ImportProblems(headerProblems + problems) }
        }
        guard !table.header.isEmpty else { throw ImportProblems(problems) }
        var rows: [Row] = []
        var firstLineOfRef: [String: Int] = [:]
        for record in table.records {
            switch parse(record.cells, record.line) {
            case let .success(row):
                if let first = firstLineOfRef[ref(row)] {
                    problems.append(ImportProblem(line: line(row), column: columns[0],
                                                  problem: "\"\(ref(row))\" appears again (first on line \(first))"))
                } else {
                    firstLineOfRef[ref(row)] = line(row)
                    rows.append(row)
                }
            case let .failure(found):
                problems += found.problems
            }
        }
        if table.records.isEmpty && problems.isEmpty {
            problems.append(ImportProblem(line: 2, column: "(file)", problem: "the file has a header but no rows"))
        }
        guard problems.isEmpty else {
            throw ImportProblems(problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return rows
    }

    static func sha256(_ text: String) -> String {
        SecretToken.hash(text)
    }
}
