/// Whether a ZIP is Word's or Excel's package, read from its central directory (the list of entries at the end of
/// the file): a `.docx` holds `[Content_Types].xml` and `word/document.xml` (an `.xlsx`, `xl/workbook.xml`), every
/// entry under the package's own folders, no macros (`vbaProject.bin`), no name that climbs out of its folder, and
/// no program inside, and no more than 100 MB once inflated by what its directory declares (a small file that says
/// it inflates to gigabytes is refused; one that lies about it is not caught here, and is served only as a download).
public enum OfficePackage {
    public static let maximumExpandedSize = 100 * 1_048_576
    public static let maximumEntries = 10_000
    /// Files no document needs inside it, whatever folder they are in.
    static let programs = ["exe", "dll", "com", "scr", "bat", "cmd", "ps1", "vbs", "js", "jse", "wsf", "hta", "msi", "jar", "lnk", "sh"]

    /// `tail` holds the file's last bytes (at least its central directory and end record); `fileSize` its length.
    public static func kind(tail: [UInt8], fileSize: Int) -> Result<AttachmentType, AttachmentRefusal> {
        guard let entries = directory(tail: tail, fileSize: fileSize) else { return .failure(.notAllowed) }
        let names = entries.map(\.name)
        // Part names are compared as Office compares them, whatever their case.
        let lowered = names.map { $0.lowercased() }
        if lowered.contains(where: { $0.hasSuffix("vbaproject.bin") || $0.hasSuffix("vbadata.xml") || $0.contains("/activex/") }) {
            return .failure(.macros)
        }
        if lowered.contains(where: { name in programs.contains { name.hasSuffix("." + $0) } }) { return .failure(.notAllowed) }
        guard entries.count <= maximumEntries, entries.reduce(0, { $0 + $1.expandedSize }) <= maximumExpandedSize,
              names.contains("[Content_Types].xml"),
              names.allSatisfy({ !$0.contains("..") && !$0.hasPrefix("/") && !$0.contains("\\") && !$0.contains(":") })
        else { return .failure(.notAllowed) }
        for (kind, part, folder) in [(AttachmentType.docx, "word/document.xml", "word/"), (.xlsx, "xl/workbook.xml", "xl/")]
        where names.contains(part) {
            let roots = ["[Content_Types].xml", "_rels/", "docProps/", "customXml/", folder]
            let inside = names.allSatisfy { name in roots.contains { $0.hasSuffix("/") ? name.hasPrefix($0) : name == $0 } }
            return inside ? .success(kind) : .failure(.notAllowed)
        }
        return .failure(.notAllowed)
    }

    struct Entry {
        let name: String
        let expandedSize: Int
    }

    private static func read16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    private static func read32(_ bytes: [UInt8], _ at: Int) -> Int { read16(bytes, at) | read16(bytes, at + 2) << 16 }

    /// The central directory's entries, or nil when it cannot be read from `tail` (absent, cut, or ZIP64).
    static func directory(tail: [UInt8], fileSize: Int) -> [Entry]? {
        guard tail.count >= 22 else { return nil }
        // The end record: its signature within the last 22 bytes plus the longest comment.
        var end = tail.count - 22
        let lowest = max(0, tail.count - 22 - 65_535)
        while end >= lowest, !(tail[end] == 0x50 && tail[end + 1] == 0x4B && tail[end + 2] == 0x05 && tail[end + 3] == 0x06) {
            end -= 1
        }
        guard end >= lowest else { return nil }
        let count = read16(tail, end + 10), size = read32(tail, end + 12), offset = read32(tail, end + 16)
        guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF else { return nil }
        let tailStart = fileSize - tail.count
        guard offset >= tailStart, offset + size <= tailStart + end else { return nil }
        var at = offset - tailStart
        var entries: [Entry] = []
        while entries.count < count {
            guard at + 46 <= tail.count, read32(tail, at) == 0x0201_4B50 else { return nil }
            let expanded = read32(tail, at + 24)
            let nameLength = read16(tail, at + 28), extra = read16(tail, at + 30), comment = read16(tail, at + 32)
            guard expanded != 0xFFFF_FFFF, at + 46 + nameLength <= tail.count else { return nil }
            entries.append(Entry(name: String(decoding: tail[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                                 expandedSize: expanded))
            at += 46 + nameLength + extra + comment
        }
        return entries
    }
}
