import Domain
import Foundation
import Testing

@Suite("Attachments: a file's type from its content, and photos without their location")
struct AttachmentContentTests {
    @Test("A name that claims a type the content is not is refused; a name that claims none, or the right one, is not")
    func nameAgainstContent() {
        #expect(AttachmentType.check(name: "report.pdf", content: .text) == .nameDoesNotMatch(named: .pdf, content: .text))
        #expect(AttachmentType.check(name: "photo.JPG", content: .png) == .nameDoesNotMatch(named: .jpeg, content: .png))
        #expect(AttachmentType.check(name: "minutes.xlsx", content: .docx) == .nameDoesNotMatch(named: .xlsx, content: .docx))
        #expect(AttachmentType.check(name: "photo.jpeg", content: .jpeg) == nil)
        #expect(AttachmentType.check(name: "Report.PDF", content: .pdf) == nil)
        #expect(AttachmentType.check(name: "notes", content: .text) == nil)
        #expect(AttachmentType.check(name: "letter.hta", content: .text) == nil) // claims nothing the service takes
        #expect(AttachmentType.check(name: "report.pdf.txt", content: .text) == nil)
        #expect(AttachmentRefusal.nameDoesNotMatch(named: .pdf, content: .text).message
                == "The file is named as a PDF but it is plain text. Attach the real file, or rename it to end .txt")
    }

    static func sniff(_ bytes: [UInt8], chunk: Int = 7) -> Result<AttachmentType, AttachmentRefusal> {
        var sniffer = AttachmentSniffer()
        var index = 0
        while index < bytes.count {
            sniffer.feed(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
        }
        return sniffer.finish()
    }

    /// A ZIP with these entries (stored, each 300 bytes, claiming `expanded` bytes inflated), with its central
    /// directory and end record.
    static func zip(_ names: [String], expanded: Int = 300) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        var body: [UInt8] = [], directory: [UInt8] = []
        for name in names {
            let nameBytes = Array(name.utf8), offset = body.count
            body += [0x50, 0x4B, 0x03, 0x04] + le16(20) + le16(0) + le16(0) + le32(0) + le32(0) + le32(300) + le32(expanded)
                + le16(nameBytes.count) + le16(0) + nameBytes + Array(repeating: 0xA5, count: 300)
            directory += [0x50, 0x4B, 0x01, 0x02] + le16(20) + le16(20) + le16(0) + le16(0) + le32(0) + le32(0) + le32(300)
                + le32(expanded) + le16(nameBytes.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        return body + directory + [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(names.count) + le16(names.count)
            + le32(directory.count) + le32(body.count) + le16(0)
    }

    static let word = ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml", "word/styles.xml"]
    static let excel = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]

    static let jpeg: [UInt8] = {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\u{0}".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]
        let exif = Array("Exif\u{0}\u{0}GPSLatitude 51.5074 N GPSLongitude 0.1278 W Canon EOS".utf8)
        bytes += [0xFF, 0xE1, 0x00, UInt8(exif.count + 2)] + exif
        bytes += [0xFF, 0xFE, 0x00, 0x07] + Array("hello".utf8)
        bytes += [0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01]
        bytes += [0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02] + [0x12, 0xFF, 0x00, 0x34, 0x56] + [0xFF, 0xD9]
        return bytes
    }()

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let length = UInt32(data.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + Array(type.utf8) + data + [0xDE, 0xAD, 0xBE, 0xEF]
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        + pngChunk("IHDR", Array(repeating: 1, count: 13))
        + pngChunk("eXIf", Array("MM GPSLatitude 53.4808".utf8))
        + pngChunk("tEXt", Array("Comment\u{0}found at the car park".utf8))
        + pngChunk("IDAT", Array(repeating: 0x42, count: 100))
        + pngChunk("IEND", [])

    @Test("Allowed kinds are known by their bytes, in any chunking")
    func allowedKinds() {
        #expect(Self.sniff(Array("%PDF-1.7\n%âãÏÓ\n1 0 obj".utf8) + Array(repeating: 0, count: 50)) == .success(.pdf))
        #expect(Self.sniff(Self.jpeg) == .success(.jpeg))
        #expect(Self.sniff(Self.png) == .success(.png))
        #expect(Self.sniff(Self.zip(Self.word)) == .success(.docx))
        #expect(Self.sniff(Self.zip(Self.excel), chunk: 5) == .success(.xlsx))
        let text = Array("Письмо из школы: 李, مرحبا, Zoë\r\n\tEnd.".utf8)
        for chunk in [1, 2, 3, 5, 64] { #expect(Self.sniff(text, chunk: chunk) == .success(.text)) }
        #expect(Self.sniff(Array("short".utf8)) == .success(.text))
    }

    @Test("Anything else is refused, whatever its name would say", arguments: [
        ([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00] + Array(repeating: 0, count: 40), AttachmentRefusal.notAllowed),   // a Windows program
        ([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01] + Array(repeating: 0, count: 40), .notAllowed),                   // a Linux program
        (Array("#!/bin/sh\nrm -rf /\n\u{0}".utf8) + Array(repeating: 0x41, count: 40), .notAllowed),             // a script with a NUL
        (Array("text then a bad byte ".utf8) + [0xC0, 0xAF] + Array(repeating: 0x41, count: 20), .notAllowed),    // overlong UTF-8
        (Array("ends part-way through a letter ".utf8) + [0xE2, 0x82], .notAllowed),
        ([0, 0, 0, 0x18] + Array("ftypheic".utf8) + Array(repeating: 0, count: 40), .heic),
        ([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + Array(repeating: 0, count: 40), .notAllowed),                // a video
        ([], .empty),
    ] as [([UInt8], AttachmentRefusal)])
    func refused(bytes: [UInt8], refusal: AttachmentRefusal) {
        #expect(Self.sniff(bytes) == .failure(refusal))
    }

    @Test("A ZIP that is not Word's or Excel's package is refused, and so are macros, escaping names and bombs", arguments: [
        (["payload.exe", "word/document.xml"], AttachmentRefusal.notAllowed),
        (["[Content_Types].xml", "ppt/presentation.xml"], .notAllowed),
        (word + ["evil.exe"], .notAllowed),
        (word + ["word/../../etc/x"], .notAllowed),
        (word + ["word/vbaProject.bin"], .macros),
        (word + ["word/VBAPROJECT.BIN"], .macros),
        (word + ["word/activeX/activeX1.bin"], .macros),
        (word + ["word/media/evil.exe"], .notAllowed),
        (word + ["word/media/x.HTA"], .notAllowed),
        (["word/document.xml", "word/styles.xml"], .notAllowed),
    ] as [([String], AttachmentRefusal)])
    func packagesRefused(names: [String], refusal: AttachmentRefusal) {
        #expect(Self.sniff(Self.zip(names)) == .failure(refusal))
    }

    @Test("A package that inflates past 100 MB is refused; one without its directory too")
    func bombsRefused() {
        #expect(Self.sniff(Self.zip(Self.word, expanded: 30 * 1_048_576)) == .failure(.notAllowed))
        #expect(Self.sniff(Array(Self.zip(Self.word).dropLast(30))) == .failure(.notAllowed))
        #expect(Self.sniff(Self.zip(Self.word, expanded: 10 * 1_048_576)) == .success(.docx))
    }

    @Test("A JPEG loses its Exif (GPS), IPTC and comments, byte for byte the same picture, in any chunking")
    func jpegStripped() throws {
        var whole = JPEGMetadataStripper()
        let once = try whole.process(Self.jpeg)
        try whole.finish()
        #expect(!String(decoding: once, as: UTF8.self).contains("GPS"))
        #expect(!String(decoding: once, as: UTF8.self).contains("hello"))
        #expect(String(decoding: once, as: UTF8.self).contains("JFIF"))
        #expect(once.suffix(7) == [0x12, 0xFF, 0x00, 0x34, 0x56, 0xFF, 0xD9])
        #expect(whole.removed.count == 2)
        for chunk in [1, 2, 3, 13] {
            var stripper = JPEGMetadataStripper()
            var out: [UInt8] = []
            var index = 0
            while index < Self.jpeg.count {
                out += try stripper.process(Self.jpeg[index..<min(Self.jpeg.count, index + chunk)])
                index += chunk
            }
            try stripper.finish()
            #expect(out == once, "chunks of \(chunk)")
        }
    }

    @Test("A PNG loses eXIf, text and time chunks; the rest is kept")
    func pngStripped() throws {
        for chunk in [1, 4, 9, 1000] {
            var stripper = PNGMetadataStripper()
            var out: [UInt8] = []
            var index = 0
            while index < Self.png.count {
                out += try stripper.process(Self.png[index..<min(Self.png.count, index + chunk)])
                index += chunk
            }
            try stripper.finish()
            let text = String(decoding: out, as: UTF8.self)
            #expect(!text.contains("GPS") && !text.contains("car park") && text.contains("IHDR") && text.contains("IDAT"))
            #expect(out.count == Self.png.count - Self.pngChunk("eXIf", Array("MM GPSLatitude 53.4808".utf8)).count
                    - Self.pngChunk("tEXt", Array("Comment\u{0}found at the car park".utf8)).count)
        }
    }

    @Test("A photo cut short, or not what it claims, is refused rather than stored with what it carries")
    func damagedPhotos() throws {
        var stripper = JPEGMetadataStripper()
        _ = try stripper.process(Self.jpeg.prefix(30))
        #expect(throws: AttachmentRefusal.damaged) { try stripper.finish() }
        var wrong = JPEGMetadataStripper()
        #expect(throws: AttachmentRefusal.damaged) { _ = try wrong.process([0xFF, 0xD8, 0x00, 0x01]) }
    }

    static func strip(_ stripper: some PhotoMetadataStripper, _ bytes: [UInt8], chunk: Int = 5) throws -> (bytes: [UInt8], removed: [String]) {
        var stripper = stripper
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            out += try stripper.process(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
        }
        try stripper.finish()
        return (out, stripper.removed)
    }

    static func segment(_ marker: UInt8, _ payload: String) -> [UInt8] {
        let bytes = Array(payload.utf8)
        return [0xFF, marker, UInt8((bytes.count + 2) >> 8), UInt8((bytes.count + 2) & 0xFF)] + bytes
    }

    @Test("Location hidden anywhere else in a JPEG goes too: other application segments, between scans, after the end")
    func jpegHidingPlaces() throws {
        let start: [UInt8] = [0xFF, 0xD8] + Self.segment(0xE0, "JFIF\u{0}\u{1}\u{1}\u{0}\u{0}\u{1}\u{0}\u{1}\u{0}\u{0}")
        let scan: [UInt8] = [0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]
        let hidden = start
            + Self.segment(0xE0, "Exif\u{0}\u{0}GPS 51.50 N in APP0")       // Exif where JFIF should be
            + Self.segment(0xE3, "GPS 51.50 N in APP3")
            + Self.segment(0xE2, "MPF\u{0}GPS 51.50 N")
            + Self.segment(0xE2, "ICC_PROFILE\u{0}\u{1}\u{1}colours")
            + [0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01] + scan
            + Self.segment(0xE1, "Exif\u{0}\u{0}GPS 51.50 N between scans") + scan
            + [0xFF, 0xD9] + Array("ftypmp42 ©xyz+51.5072-000.1276/".utf8) + [0xFF, 0xD8, 0xFF, 0xD9]
        for chunk in [1, 3, 7, 1000] {
            let (bytes, removed) = try Self.strip(JPEGMetadataStripper(), hidden, chunk: chunk)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("GPS") && !text.contains("51.50") && !text.contains("xyz"), "chunks of \(chunk)")
            #expect(text.contains("JFIF") && text.contains("ICC_PROFILE"))
            #expect(bytes.suffix(2) == [0xFF, 0xD9] && bytes.filter { $0 == 0xDA }.count >= 2, "both scans kept, ending at the end marker")
            #expect(removed.contains("whatever followed the picture") && removed.contains { $0.hasPrefix("Exif") })
        }
    }

    @Test("A JPEG cut off before its end marker is refused")
    func truncatedJPEG() {
        var stripper = JPEGMetadataStripper()
        #expect(throws: AttachmentRefusal.damaged) {
            _ = try stripper.process(Array(Self.jpeg.prefix(Self.jpeg.count - 2)))
            try stripper.finish()
        }
    }

    @Test("A PNG keeps only the picture's chunks: provenance, private chunks and what follows IEND go")
    func pngAllowList() throws {
        let png = Array(Self.png.prefix(Self.png.count - 12)) + Self.pngChunk("caBX", Array("GPS 53.48 provenance".utf8))
            + Self.pngChunk("prVt", Array("GPS 53.48 private".utf8)) + Self.pngChunk("IEND", []) + Array("GPS 53.48 trailing".utf8)
        let (bytes, removed) = try Self.strip(PNGMetadataStripper(), Array(png), chunk: 6)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("GPS") && !text.contains("53.48") && text.contains("IHDR") && text.contains("IDAT"))
        #expect(Array(bytes.suffix(12).prefix(8)) == [0, 0, 0, 0] + Array("IEND".utf8))
        #expect(removed.contains("whatever followed the picture") && removed.contains { $0.contains("caBX") })
    }

    @Test("A download keeps its name only when its extension is its type's", arguments: [
        (AttachmentType.text, "letter.hta", "letter.hta.txt"), (.text, "notes.txt", "notes.txt"), (.text, "run.BAT", "run.BAT.txt"),
        (.png, "photo.jpg.exe", "photo.jpg.exe.png"), (.jpeg, "IMG_1.JPEG", "IMG_1.JPEG"), (.pdf, "report.pdf.html", "report.pdf.html.pdf"),
        (.docx, "macro.docm", "macro.docm.docx"), (.pdf, "no extension", "no extension.pdf"),
    ] as [(AttachmentType, String, String)])
    func downloadNames(type: AttachmentType, name: String, expected: String) {
        #expect(type.downloadName(name) == expected)
    }

    @Test("Names lose folders, invisible characters and leading dots", arguments: [
        ("../../etc/passwd", "passwd"), ("..", "file"), (".", "file"), ("a/..", "file"), ("\u{200B}.txt", "txt"),
        ("C:\\Users\\x\\scan.pdf", "scan.pdf"), ("evil\u{202E}fdp.exe", "evilfdp.exe"), ("  ", "file"), ("line\r\nbreak.pdf", "linebreak.pdf"),
    ] as [(String, String)])
    func cleanNames(name: String, expected: String) {
        #expect(AttachmentType.cleanName(name) == expected)
    }

    @Test("What a kept segment or chunk carries beyond its definition goes: a JFIF thumbnail, Adobe's extra bytes, an oversized sRGB")
    func keptSegmentsTrimmed() throws {
        let jfif = Self.segment(0xE0, "JFIF\u{0}\u{1}\u{1}\u{0}\u{0}\u{1}\u{0}\u{1}\u{2}\u{1}" + "GPS thumb")
        let adobe = Self.segment(0xEE, "Adobe\u{0}\u{64}\u{0}\u{0}\u{0}\u{0}\u{1}GPS after Adobe")
        let photo: [UInt8] = [0xFF, 0xD8] + jfif + adobe + Self.segment(0xF0, "GPS in JPG0") + [0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01]
            + [0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02, 0x12, 0x34, 0xFF, 0xD9]
        let (bytes, removed) = try Self.strip(JPEGMetadataStripper(), photo, chunk: 4)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("GPS") && text.contains("JFIF") && text.contains("Adobe") && !removed.isEmpty)
        let png = Array(Self.png.prefix(33)) + Self.pngChunk("sRGB", Array("GPS 53.48 in sRGB".utf8))
            + Array(Self.png.suffix(from: 33))
        let (pngBytes, _) = try Self.strip(PNGMetadataStripper(), png, chunk: 7)
        #expect(!String(decoding: pngBytes, as: UTF8.self).contains("GPS"))
    }
}
