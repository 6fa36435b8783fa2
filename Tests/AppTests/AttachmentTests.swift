@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing
import VaporTesting
import ZIPFoundation

/// Documents and photos (SPEC §2.12), tried as the people who use them and the people who must not.
@Suite("Attachments")
struct AttachmentTests {
    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nConsent form signed by Jordan\n%%EOF\n".utf8)

    /// A JPEG with GPS in its Exif, a comment, and a tiny picture.
    static let photo: [UInt8] = {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\u{0}".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0]
        let exif = Array("Exif\u{0}\u{0}GPSLatitude 52.4862 N GPSLongitude 1.8904 W Make iPhone".utf8)
        bytes += [0xFF, 0xE1, 0x00, UInt8(exif.count + 2)] + exif
        bytes += [0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01, 0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02, 0x11, 0x22, 0x33, 0xFF, 0xD9]
        return bytes
    }()

    /// A page's upload form as a browser sends it: the token in the action's query, the file a multipart part.
    /// `sensitiveAs`: what the ticked box sends (a browser sends "yes").
    static func upload(_ browser: Browser, _ path: String, name: String, bytes: [UInt8], sensitive: Bool = false,
                       sensitiveAs: String = "yes", token: String? = nil) async throws -> TestingHTTPResponse {
        let boundary = "----reachable-\(UUID().uuidString)"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token ?? browser.lastToken ?? "")\r\n")
        if sensitive {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\n\(sensitiveAs)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
                         + "Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        return try await postMultipart(browser, path, boundary: boundary, body: body, token: token)
    }

    /// Posts a multipart body as the browser's session, the token in the action's query as the page's form has it.
    static func postMultipart(_ browser: Browser, _ path: String, boundary: String, body: ByteBuffer,
                              token: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        headers.replaceOrAdd(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        let csrf = (token ?? browser.lastToken ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await browser.app.testing().sendRequest(.POST, path + "?_csrf=" + csrf, headers: headers, body: body)
    }

    struct World {
        let app: Application
        let caseID: UUID
        let lead: Account
        let leadBrowser: Browser
        let manager: Account
        let managerBrowser: Browser
    }

    static func world(_ app: Application) async throws -> World {
        let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
        let managerBrowser = Browser(app)
        try await managerBrowser.signIn(manager)
        let lead = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
        let caseID = try await CaseTests.openCase(app, lead: lead, browser: managerBrowser)
        let leadBrowser = Browser(app)
        try await leadBrowser.signIn(lead)
        try await leadBrowser.get(SiteURL.supportCase(caseID).path)
        return World(app: app, caseID: caseID, lead: lead, leadBrowser: leadBrowser, manager: manager, managerBrowser: managerBrowser)
    }

    @Test("A consent form and a photo on a case: listed, downloaded by the manager as an attachment, the photo without its GPS; audited")
    func uploadAndDownload() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            let path = SiteURL.caseAttachments(w.caseID).path
            #expect(try await Self.upload(w.leadBrowser, path, name: "consent.pdf", bytes: Self.pdf).status == .seeOther)
            #expect(try await Self.upload(w.leadBrowser, path, name: "IMG_0042.JPG", bytes: Self.photo).status == .seeOther)
            let page = try await w.managerBrowser.get(SiteURL.supportCase(w.caseID).path).body.string
            #expect(page.contains("consent.pdf") && page.contains("IMG_0042.JPG") && page.contains("GPS location"))
            let stored = try await Attachment.query(on: app.db).sort(\.$uploadedAt).all()
            #expect(stored.map(\.kind) == [.pdf, .jpeg] && stored.allSatisfy { $0.status == .stored })
            let consent = try await w.managerBrowser.get(SiteURL.attachment(stored[0].id).path)
            #expect(consent.status == .ok && Array(consent.body.readableBytesView) == Self.pdf)
            #expect(consent.headers.first(name: .contentType) == "application/pdf")
            #expect(consent.headers.first(name: .contentDisposition)?.hasPrefix("attachment; filename=\"consent.pdf\"") == true)
            #expect(consent.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(consent.headers.first(name: "Content-Security-Policy") == "sandbox; default-src 'none'")
            let picture = Array(try await w.managerBrowser.get(SiteURL.attachment(stored[1].id).path).body.readableBytesView)
            #expect(!String(decoding: picture, as: UTF8.self).contains("GPS") && !String(decoding: picture, as: UTF8.self).contains("iPhone"))
            #expect(picture.prefix(2) == [0xFF, 0xD8] && picture.suffix(2) == [0xFF, 0xD9] && picture.count < Self.photo.count)
            let actions = try await Fixtures.auditActions(app)
            #expect(actions.filter { $0 == "attachment.uploaded" }.count == 2 && actions.filter { $0 == "attachment.downloaded" }.count == 2)
        }
    }

    @Test("The type is the content's: a renamed program, a text file named as a PDF, a ZIP and a HEIC are refused with a clear message, and nothing is kept")
    func typeByContent() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            let path = SiteURL.caseAttachments(w.caseID).path
            let program = [0x4D, 0x5A, 0x90, 0x00] + [UInt8](repeating: 0, count: 300_000)
            let renamed = try await Self.upload(w.leadBrowser, path, name: "consent.pdf", bytes: program)
            #expect(renamed.status == .unprocessableEntity && renamed.body.string.contains("This kind of file cannot be attached"))
            let heic = try await Self.upload(w.leadBrowser, path, name: "photo.heic",
                                             bytes: [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [UInt8](repeating: 1, count: 100))
            #expect(heic.status == .unprocessableEntity && heic.body.string.contains("HEIC"))
            let empty = try await Self.upload(w.leadBrowser, path, name: "empty.txt", bytes: [])
            #expect(empty.status == .unprocessableEntity)
            let misnamed = try await Self.upload(w.leadBrowser, path, name: "consent.pdf", bytes: Array("Consent given by phone.".utf8))
            #expect(misnamed.status == .unprocessableEntity
                    && misnamed.body.string.contains("The file is named as a PDF but it is plain text"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
        }
    }

    @Test("The size limit holds as the file streams: over it is refused with 413 and nothing is kept")
    func sizeLimit() async throws {
        try await withApp(env: ["REACHABLE_ATTACHMENT_MAX_MB": "1"]) { app in
            let w = try await Self.world(app)
            let big = [UInt8](repeating: 0x41, count: 1_048_576 + 10)
            let refused = try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "big.txt", bytes: big)
            #expect(refused.status == .payloadTooLarge && refused.body.string.contains("1 MB or smaller"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0, "the chunks written before the limit are gone")
            let fits = try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "fits.txt",
                                             bytes: [UInt8](repeating: 0x41, count: 1_000_000))
            #expect(fits.status == .seeOther)
            #expect(try await Attachment.query(on: app.db).first()?.chunkCount == 4)
        }
    }

    @Test("At rest the file is sealed: its bytes are in no chunk and not in the database file; the name is sealed too")
    func sealedAtRest() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            let marker = "Quillfeatherstone-\(UUID().uuidString)"
            #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "\(marker).txt",
                                          bytes: Array(String(repeating: marker + "\n", count: 2000).utf8)).status == .seeOther)
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT data FROM attachment_chunks").all()
            #expect(rows.count == 1)
            for row in rows {
                let data = try row.decode(column: "data", as: Data.self)
                #expect(data.range(of: Data(marker.utf8)) == nil)
            }
            #expect(try await Attachment.query(on: app.db).first()?.fileName?.contains(marker) == false)
            if case let .sqlite(path) = try app.settings.database {
                try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                for file in [path, path + "-wal"] {
                    let bytes = FileManager.default.contents(atPath: file) ?? Data()
                    #expect(bytes.range(of: Data(marker.utf8)) == nil, "\(file)")
                }
            }
        }
    }

    @Test("keys rotate re-seals every chunk of every file; afterwards the old key is not needed")
    func rotation() async throws {
        let database = try await TestDatabase.make()
        /// One instance's life on the shared database, shut down whatever happens.
        func phase(_ settings: Settings, _ body: (Application) async throws -> Void) async throws {
            let app = try await Application.make(.testing)
            do {
                try await configure(app, settings: settings)
                try await body(app)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
        let text = Array(String(repeating: "Notes from the return-home interview. ", count: 20_000).utf8)
        var fileID: UUID?
        do {
            try await phase(try TestSettings.make(database: database.location)) { first in
                let w = try await Self.world(first)
                #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "rhi.txt", bytes: text).status == .seeOther)
                fileID = try await Attachment.query(on: first.db).first()?.id
            }
            var settings = try TestSettings.make(database: database.location)
            settings.dataKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            settings.oldDataKeys = [TestSettings.dataKey]
            try await phase(settings) { rotating in
                let chunks = try await AttachmentChunk.query(on: rotating.db).count()
                #expect(chunks == 3, "760,000 bytes: three chunks")
                let rotated = try await AttachmentStore.rotate(app: rotating, batchSize: 2)
                #expect(rotated == chunks)
                _ = try await SealedColumns.rotate(app: rotating)
                let currentKey = try rotating.cipher.currentKeyID
                #expect(try await AttachmentChunk.query(on: rotating.db).all().allSatisfy { $0.keyID == currentKey })
                #expect(try await AttachmentStore.rotate(app: rotating) == 0, "nothing left to do")
            }
            settings.oldDataKeys = []
            try await phase(settings) { after in
                let file = try #require(try await Attachment.find(fileID, on: after.db))
                var bytes: [UInt8] = []
                for try await chunk in try AttachmentStore.bytes(of: file, app: after) { bytes += chunk }
                #expect(bytes == text)
                #expect(try after.cipher.open(file.fileName!) == "rhi.txt")
            }
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await database.remove()
    }
}
