/// One thing wrong with an import file, reported as `line N: column: problem` (SPEC §6).
public struct ImportProblem: Equatable, Sendable, CustomStringConvertible, Codable {
    public let line: Int
    public let column: String
    public let problem: String

    public init(line: Int, column: String, problem: String) {
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String { "line \(line): \(column): \(problem)" }
}

/// What a file's rows are checked against: the reference data as it stands, today's date, and for a
/// manager's upload the one region they may import.
public struct ImportContext: Sendable {
    public let regions: Set<String>
    public let codes: [CodeList: Set<String>]
    public let today: CivilDate
    public let onlyRegion: String?

    public init(regions: Set<String>, codes: [CodeList: Set<String>], today: CivilDate, onlyRegion: String? = nil) {
        self.regions = regions
        self.codes = codes
        self.today = today
        self.onlyRegion = onlyRegion
    }

    func allows(_ code: String, in list: CodeList) -> Bool {
        codes[list]?.contains(code) ?? false
    }
}

/// The checks shared by both kinds of import: each reads one cell, records a problem naming the line and the
/// column when the value is wrong, and returns the typed value (nil when empty or wrong).
struct CellReader {
    let cells: [String: String]
    let line: Int
    let context: ImportContext
    var problems: [ImportProblem] = []

    init(cells: [String: String], line: Int, context: ImportContext) {
        self.cells = cells
        self.line = line
        self.context = context
    }

    mutating func fail(_ column: String, _ problem: String) {
        problems.append(ImportProblem(line: line, column: column, problem: problem))
    }

    /// The trimmed text, or nil for an empty cell (empty means unknown).
    func text(_ column: String) -> String? {
        guard let raw = cells[column]?.trimmingSpaces, !raw.isEmpty else { return nil }
        return raw
    }

    mutating func required(_ column: String) -> String? {
        guard let value = text(column) else {
            fail(column, "is required")
            return nil
        }
        return value
    }

    mutating func date(_ column: String, required isRequired: Bool = false) -> CivilDate? {
        guard let value = isRequired ? required(column) : text(column) else { return nil }
        guard let date = CivilDate(value) else {
            fail(column, "\"\(value)\" is not a date written YYYY-MM-DD")
            return nil
        }
        if date > context.today { fail(column, "\(value) is in the future") }
        return date
    }

    mutating func code(_ column: String, in list: CodeList, required isRequired: Bool = false) -> String? {
        guard let value = isRequired ? required(column) : text(column) else { return nil }
        guard context.allows(value, in: list) else {
            fail(column, "\"\(value)\" is not a \(list.label.lowercased()) code")
            return nil
        }
        return value
    }

    mutating func region(_ column: String) -> String? {
        guard let value = required(column) else { return nil }
        guard context.regions.contains(value) else {
            fail(column, "\"\(value)\" is not a region")
            return nil
        }
        if let only = context.onlyRegion, value != only {
            fail(column, "you can import rows for \(only) only")
            return nil
        }
        return value
    }

    mutating func integer(_ column: String, in range: ClosedRange<Int>, required isRequired: Bool = false) -> Int? {
        guard let value = isRequired ? required(column) : text(column) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            let bound = range.upperBound == Int.max ? "a whole number of \(range.lowerBound) or more"
                : "a whole number from \(range.lowerBound) to \(range.upperBound)"
            fail(column, "\"\(value)\" is not \(bound)")
            return nil
        }
        return number
    }

    mutating func yesNo(_ column: String) -> Bool? {
        guard let value = text(column) else { return nil }
        switch value == "yes" || value == "no" ? value : value.lowercased() {
        case "yes": return true
        case "no": return false
        default:
            fail(column, "\"\(value)\" is not yes or no")
            return nil
        }
    }

    mutating func limited(_ column: String, maxLength: Int, required isRequired: Bool = false) -> String? {
        guard let value = isRequired ? required(column) : text(column) else { return nil }
        // A character is at least one UTF-8 byte: count characters only when the bytes could be too many.
        if value.utf8.count > maxLength, value.count > maxLength {
            fail(column, "is longer than \(maxLength) characters")
            return nil
        }
        return value
    }

    /// A young person's name: it must have a letter of some script, or it names nobody and matches everyone
    /// who has none.
    mutating func name(_ column: String) -> String? {
        guard let value = limited(column, maxLength: 100, required: true) else { return nil }
        guard NameFolding.hasLetters(value) else {
            fail(column, "has no letters: enter the name as the young person gives it")
            return nil
        }
        return value
    }
}

/// Every problem of a file or a row: a file with any is imported not at all.
public struct ImportProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public let problems: [ImportProblem]

    public init(_ problems: [ImportProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
