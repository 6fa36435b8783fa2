import Foundation

/// The kinds of file a record may hold (SPEC §2.12), decided by the file's content, never by its name or by the
/// type the browser claims.
public enum AttachmentType: String, Sendable, CaseIterable, Codable {
    case pdf
    case jpeg
    case png
    case text
    case docx
    case xlsx

    /// The type the file is served with, whatever it was uploaded as.
    public var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .text: "text/plain; charset=utf-8"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    public var label: String {
        switch self {
        case .pdf: "PDF"
        case .jpeg: "JPEG photo"
        case .png: "PNG image"
        case .text: "Plain text"
        case .docx: "Word document"
        case .xlsx: "Excel spreadsheet"
        }
    }

    /// "a PDF", "plain text": the type in the middle of a sentence.
    public var inSentence: String {
        switch self {
        case .pdf: "a PDF"
        case .jpeg: "a JPEG photo"
        case .png: "a PNG image"
        case .text: "plain text"
        case .docx: "a Word document"
        case .xlsx: "an Excel spreadsheet"
        }
    }

    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        case .text: "txt"
        case .docx: "docx"
        case .xlsx: "xlsx"
        }
    }

    public var isPhoto: Bool { self == .jpeg || self == .png }

    /// The extensions a file of this type may keep when downloaded.
    var extensions: Set<String> {
        switch self {
        case .jpeg: ["jpg", "jpeg"]
        default: [fileExtension]
        }
    }

    /// The type a file's name claims by its extension, if it is one of the types the service takes (`report.PDF`
    /// claims a PDF; `letter.hta` and `notes` claim nothing).
    public static func named(_ name: String) -> AttachmentType? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        return allCases.first { $0.extensions.contains(ext) }
    }

    /// Refuses a file whose name claims a type its content is not: a caseworker who attaches `report.pdf` expects
    /// a PDF on the record, not a text file under that name.
    public static func check(name: String, content: AttachmentType) -> AttachmentRefusal? {
        guard let named = named(name), named != content else { return nil }
        return .nameDoesNotMatch(named: named, content: content)
    }

    /// The name a file is downloaded as: its own name when its extension is its type's, else with its type's
    /// extension added (`letter.hta` stored as plain text downloads as `letter.hta.txt`), so that a saved file
    /// opens as what it is, never as a program.
    public func downloadName(_ name: String) -> String {
        let dot = name.lastIndex(of: ".")
        let ext = dot.map { name[name.index(after: $0)...].lowercased() } ?? ""
        return extensions.contains(ext) ? name : name + "." + fileExtension
    }

    /// A name people can read back and a file system takes: no folders, no control or invisible formatting
    /// characters, no leading dots (nothing hidden, no `.` or `..`), at most 200 characters; "file" when nothing is
    /// left.
    public static func cleanName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let visible = last.unicodeScalars.filter { scalar in
            !(scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format)
        }
        var clean = String(String.UnicodeScalarView(visible)).trimmingCharacters(in: .whitespaces)
        while clean.hasPrefix(".") { clean.removeFirst() }
        clean = String(clean.prefix(200)).trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "file" : clean
    }

    /// What the people uploading are told is allowed.
    public static let allowedText = "PDF, JPEG or PNG photos, plain text, Word (.docx) or Excel (.xlsx)"
}

/// Why a file was refused, in words for the person who chose it.
public enum AttachmentRefusal: Error, Equatable, Sendable {
    case empty
    case notAllowed
    case heic
    case tooLarge(limitBytes: Int)
    case damaged
    case macros
    /// The name says one kind of file the service takes, the content is another: a text file named `.pdf`.
    case nameDoesNotMatch(named: AttachmentType, content: AttachmentType)

    public var message: String {
        switch self {
        case .empty: "The file is empty"
        case .notAllowed: "This kind of file cannot be attached. Attach a \(AttachmentType.allowedText) file"
        case .heic: "HEIC photos cannot be attached yet, because their location data cannot be removed. On an iPhone, "
            + "share the photo as JPEG (Settings, Camera, Formats, Most Compatible), then attach it"
        case let .tooLarge(limit): "The file must be \(limit / 1_048_576) MB or smaller"
        case .damaged: "The photo could not be read, so its location data could not be removed. Attach it again, or as a PDF"
        case .macros: "Word and Excel files with macros cannot be attached. Save it without macros (.docx or .xlsx), then attach it"
        case let .nameDoesNotMatch(named, content):
            "The file is named as \(named.inSentence) but it is \(content.inSentence). Attach the real file, or rename it "
                + "to end .\(content.fileExtension)"
        }
    }
}

/// Decides a file's type from its bytes as they stream past, holding only a few bytes at a time: the first bytes
/// name the candidate (`%PDF-`, the JPEG and PNG signatures, a ZIP's local header, an ISO media `ftyp`), and the
/// rest confirms it (plain text must be UTF-8 without control characters; a ZIP must be Word's or Excel's
/// package, whose first entry is `[Content_Types].xml` and which holds `word/document.xml` or `xl/workbook.xml`).
public struct AttachmentSniffer: Sendable {
    private var head: [UInt8] = []
    private var candidate: Candidate?
    private var utf8 = UTF8Validator()
    /// A ZIP's last bytes, where its central directory is (at most `tailLimit` kept).
    private var tail: [UInt8] = []
    private var total = 0

    private enum Candidate: Sendable { case pdf, jpeg, png, heic, zip, text, refused }

    static let headLength = 64
    static let tailLimit = 1_048_576

    public init() {}

    public mutating func feed(_ bytes: some Collection<UInt8>) {
        total += bytes.count
        guard candidate == nil else { return scan(bytes) }
        // Until the head is complete nothing is scanned: every byte so far is in `head`.
        let earlier = head.count
        head.append(contentsOf: bytes.prefix(Self.headLength - head.count))
        guard head.count >= Self.headLength else { return }
        candidate = Self.candidate(for: head)
        scan(head[0..<earlier])
        scan(bytes)
    }

    private mutating func scan(_ bytes: some Collection<UInt8>) {
        switch candidate {
        case .text?: utf8.feed(bytes)
        case .zip?:
            tail.append(contentsOf: bytes)
            if tail.count > 2 * Self.tailLimit { tail.removeFirst(tail.count - Self.tailLimit) }
        case nil:
            // Still gathering the head: everything so far is in `head`; scanned once the candidate is known.
            break
        default: break
        }
    }

    /// Known before the end: the file cannot be allowed, whatever follows (its first bytes name no allowed kind,
    /// or its text has already broken), so reading it can stop.
    public var refusedSoFar: AttachmentRefusal? {
        switch candidate {
        case .refused?: .notAllowed
        case .heic?: .heic
        case .text?: utf8.couldBeText ? nil : .notAllowed
        default: nil
        }
    }

    /// A photo whose metadata must be removed, once the first bytes have named it.
    public var photoType: AttachmentType? {
        switch candidate {
        case .jpeg?: .jpeg
        case .png?: .png
        default: nil
        }
    }

    /// Whether enough has been seen to name the candidate (`refusedSoFar`, `photoType`).
    public var knowsCandidate: Bool { candidate != nil }

    /// The type, once every byte has been fed.
    public mutating func finish() -> Result<AttachmentType, AttachmentRefusal> {
        if total == 0 { return .failure(.empty) }
        if candidate == nil {
            candidate = Self.candidate(for: head)
            // A file shorter than the head: its bytes were not scanned yet.
            utf8 = UTF8Validator()
            tail = []
            scan(head)
        }
        switch candidate! {
        case .pdf: return .success(.pdf)
        case .jpeg: return .success(.jpeg)
        case .png: return .success(.png)
        case .heic: return .failure(.heic)
        case .text: return utf8.isValidText ? .success(.text) : .failure(.notAllowed)
        case .zip: return OfficePackage.kind(tail: tail, fileSize: total)
        case .refused: return .failure(.notAllowed)
        }
    }

    private static func candidate(for head: [UInt8]) -> Candidate {
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .zip }
        if head.count >= 12, Array(head[4..<8]) == Array("ftyp".utf8) {
            let brand = String(decoding: head[8..<12], as: UTF8.self)
            return ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(brand) ? .heic : .refused
        }
        // Anything else is plain text or nothing: an executable, a script with a NUL, a file of another kind.
        var probe = UTF8Validator()
        probe.feed(head)
        return probe.couldBeText ? .text : .refused
    }
}

/// UTF-8 checked as it streams (a character may be split between two chunks), refusing control characters other
/// than tab, line feed, form feed and carriage return: what "plain text" means here.
public struct UTF8Validator: Sendable {
    private var need = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    private var failed = false

    public init() {}

    public mutating func feed(_ bytes: some Collection<UInt8>) {
        guard !failed else { return }
        for byte in bytes {
            if need == 0 {
                switch byte {
                case 0x09, 0x0A, 0x0C, 0x0D, 0x20...0x7E: continue
                case 0xC2...0xDF: need = 1
                case 0xE0: need = 2; lower = 0xA0
                case 0xE1...0xEC, 0xEE, 0xEF: need = 2
                case 0xED: need = 2; upper = 0x9F
                case 0xF0: need = 3; lower = 0x90
                case 0xF1...0xF3: need = 3
                case 0xF4: need = 3; upper = 0x8F
                default: failed = true; return
                }
            } else {
                guard byte >= lower, byte <= upper else { failed = true; return }
                lower = 0x80
                upper = 0xBF
                need -= 1
            }
        }
    }

    /// Valid so far (a character may still be open at the end of what was fed).
    public var couldBeText: Bool { !failed }
    /// Valid and complete.
    public var isValidText: Bool { !failed && need == 0 }
}
