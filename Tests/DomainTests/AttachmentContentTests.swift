import Domain
import Foundation
import Testing

@Suite("Attachments: a file's type from its content, and photos without their location")
struct AttachmentContentTests {
    static func sniff(_ bytes: [UInt8], chunk: Int = 7) -> Result<AttachmentType, AttachmentRefusal> {
        var sniffer = AttachmentSniffer()
        var index = 0
        while index < bytes.count {
            sniffer.feed(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
        }
        return sniffer.finish()
    }

    static func zip(firstEntry: String, laterEntry: String) -> [UInt8] {
        func header(_ name: String) -> [UInt8] {
            let nameBytes = Array(name.utf8)
            return [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0x14, count: 22)
                + [UInt8(nameBytes.count), 0, 0, 0] + nameBytes + Array(repeating: 0xA5, count: 300)
        }
        return header(firstEntry) + header(laterEntry) + [0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18)
    }

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
        #expect(Self.sniff(Self.zip(firstEntry: "[Content_Types].xml", laterEntry: "word/document.xml")) == .success(.docx))
        #expect(Self.sniff(Self.zip(firstEntry: "[Content_Types].xml", laterEntry: "xl/workbook.xml"), chunk: 5) == .success(.xlsx))
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

    @Test("A ZIP that is not Word's or Excel's package is refused")
    func plainZipRefused() {
        #expect(Self.sniff(Self.zip(firstEntry: "payload.exe", laterEntry: "word/document.xml")) == .failure(.notAllowed))
        #expect(Self.sniff(Self.zip(firstEntry: "[Content_Types].xml", laterEntry: "ppt/presentation.xml")) == .failure(.notAllowed))
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
}
