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
    static func upload(_ browser: Browser, _ path: String, name: String, bytes: [UInt8], sensitive: Bool = false,
                       token: String? = nil) async throws -> TestingHTTPResponse {
        let boundary = "----reachable-\(UUID().uuidString)"
        var body = ByteBuffer()
        if sensitive {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\nyes\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
                         + "Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
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

    @Test("The type is the content's: a renamed program, a ZIP and a HEIC are refused with a clear message, and nothing is kept")
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
            if case let .sqlite(path) = app.settings.database {
                try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                for file in [path, path + "-wal"] {
                    let bytes = FileManager.default.contents(atPath: file) ?? Data()
                    #expect(bytes.range(of: Data(marker.utf8)) == nil, "\(file)")
                }
            }
        }
    }

    @Test("Another region gets 404 for every attachment route; a sensitive file is the lead's and the managers' alone")
    func access() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "nrm.pdf", bytes: Self.pdf,
                                          sensitive: true).status == .seeOther)
            let file = try #require(try await Attachment.query(on: app.db).first())
            #expect(file.sensitive)
            let london = Browser(app)
            try await london.signIn(try await Fixtures.account(app, role: .manager, region: "london"))
            try await london.get(SiteURL.home.path)
            #expect(try await london.get(SiteURL.attachment(file.id).path).status == .notFound)
            #expect(try await london.post(SiteURL.attachmentDelete(file.id).path, ["reason": "x"]).status == .notFound)
            #expect(try await Self.upload(london, SiteURL.caseAttachments(w.caseID).path, name: "x.txt", bytes: Array("x".utf8)).status == .notFound)
            let colleague = Browser(app)
            try await colleague.signIn(try await Fixtures.account(app, role: .caseworker, region: "west-midlands"))
            let casePage = try await colleague.get(SiteURL.supportCase(w.caseID).path).body.string
            #expect(!casePage.contains("nrm.pdf") && casePage.contains("1 sensitive file(s)"))
            #expect(try await colleague.get(SiteURL.attachment(file.id).path).status == .notFound)
            #expect(try await w.managerBrowser.get(SiteURL.attachment(file.id).path).status == .ok)
            #expect(try await w.leadBrowser.get(SiteURL.attachment(file.id).path).status == .ok)
            let lead = Browser(app)
            try await lead.signIn(try await Fixtures.account(app, role: .nationalLead))
            #expect(try await lead.get(SiteURL.attachment(file.id).path).status == .notFound, "sensitive: not the national lead's")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused")
                .filter(\.$objectType ~~ ["attachment", "case"]).count() >= 5)
        }
    }

    @Test("A register entry's NRM paperwork: on its entry, listed on the registers page; an entry of another case is not reached through this one")
    func registerEntry() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            try await w.leadBrowser.get(SiteURL.caseRegisters(w.caseID).path)
            try await w.leadBrowser.post(SiteURL.caseRegisters(w.caseID).path, [
                "kind": "missing_episode", "missing_episode.occurred_on": "2024-01-14", "missing_episode.found_on": "2024-01-16"])
            let entry = try #require(try await CaseRegisterEntry.query(on: app.db).first())
            let path = SiteURL.registerEntryAttachments(caseID: w.caseID, entryID: entry.id).path
            #expect(try await Self.upload(w.leadBrowser, path, name: "rhi-notes.pdf", bytes: Self.pdf).status == .seeOther)
            let file = try #require(try await Attachment.query(on: app.db).first())
            #expect(file.ownerType == .registerEntry && file.ownerID == entry.id && file.caseID == w.caseID)
            let page = try await w.leadBrowser.get(SiteURL.caseRegisters(w.caseID).path).body.string
            #expect(page.contains("rhi-notes.pdf") && page.contains(SiteURL.attachment(file.id).path))
            // Another case of the manager's: the entry is not its own.
            let otherCase = try await CaseTests.openCase(app, lead: w.manager, browser: w.managerBrowser)
            try await w.managerBrowser.get(SiteURL.supportCase(otherCase).path)
            let crossed = try await Self.upload(w.managerBrowser, SiteURL.registerEntryAttachments(caseID: otherCase, entryID: entry.id).path,
                                                name: "x.pdf", bytes: Self.pdf)
            #expect(crossed.status == .notFound)
            #expect(try await Attachment.query(on: app.db).count() == 1)
        }
    }

    @Test("A form with two files stores neither and says why; a box ticked as `on` marks the file sensitive")
    func formEdges() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            let boundary = "----two-files"
            var body = ByteBuffer()
            for name in ["a.pdf", "b.pdf"] {
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n\r\n")
                body.writeBytes(Self.pdf)
                body.writeString("\r\n")
            }
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\non\r\n--\(boundary)--\r\n")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            headers.replaceOrAdd(name: .cookie, value: w.leadBrowser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let token = (w.leadBrowser.lastToken ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let path = SiteURL.caseAttachments(w.caseID).path + "?_csrf=" + token
            let two = try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
            #expect(two.status == .unprocessableEntity && two.body.string.contains("Attach one file at a time"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
            // One file, the box after it, sent as "on": sensitive.
            var one = ByteBuffer()
            one.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\\\";b.pdf\"\r\n\r\n")
            one.writeBytes(Self.pdf)
            one.writeString("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\non\r\n--\(boundary)--\r\n")
            #expect(try await app.testing().sendRequest(.POST, path, headers: headers, body: one).status == .seeOther)
            let stored = try #require(try await Attachment.query(on: app.db).first())
            #expect(stored.sensitive)
            #expect(try app.cipher.open(stored.fileName!) == "a\";b.pdf", "a quoted ; is part of the name")
        }
    }

    @Test("Deleting needs a reason; the file goes, the record of who deleted it and why stays")
    func delete() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "wrong.pdf", bytes: Self.pdf).status == .seeOther)
            let file = try #require(try await Attachment.query(on: app.db).first())
            try await w.leadBrowser.get(SiteURL.supportCase(w.caseID).path)
            #expect(try await w.leadBrowser.post(SiteURL.attachmentDelete(file.id).path, ["reason": " "]).status == .unprocessableEntity)
            #expect(try await w.leadBrowser.post(SiteURL.attachmentDelete(file.id).path, ["reason": "Uploaded to the wrong case"]).status == .seeOther)
            let deleted = try #require(try await Attachment.find(file.id, on: app.db))
            #expect(deleted.status == .deleted && deleted.deletedByID == w.lead.id)
            #expect(try app.cipher.open(deleted.deleteReason!) == "Uploaded to the wrong case")
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
            #expect(try await w.leadBrowser.get(SiteURL.attachment(file.id).path).status == .notFound)
            #expect(try await Fixtures.auditActions(app).contains("attachment.deleted"))
        }
    }

    @Test("A hostile file name is escaped on every page and cannot break the download's header")
    func hostileNames() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            let name = "<img src=x onerror=alert(1)>\"; filename=evil.html\r\nX-Bad: 1 Письмо.pdf"
            #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: name, bytes: Self.pdf).status == .seeOther)
            let page = try await w.leadBrowser.get(SiteURL.supportCase(w.caseID).path).body.string
            #expect(!page.contains("<img src=x") && page.contains("&lt;img src=x onerror=alert(1)&gt;"))
            let file = try #require(try await Attachment.query(on: app.db).first())
            let download = try await w.leadBrowser.get(SiteURL.attachment(file.id).path)
            let disposition = try #require(download.headers.first(name: .contentDisposition))
            #expect(download.headers[.contentDisposition].count == 1 && download.headers.first(name: "X-Bad") == nil)
            #expect(disposition.filter { $0 == "\"" }.count == 2, "one quoted name: \(disposition)")
            #expect(disposition.contains("filename*=UTF-8''") && disposition.unicodeScalars.allSatisfy(\.isASCII))
            // The name says HTML; the content is plain text: it downloads as text.
            #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "page.html",
                                          bytes: Array("<script>alert(1)</script>".utf8)).status == .seeOther)
            let html = try #require(try await Attachment.query(on: app.db).filter(\.$kind == .text).first())
            let saved = try await w.leadBrowser.get(SiteURL.attachment(html.id).path)
            #expect(saved.headers.first(name: .contentDisposition)?.hasPrefix("attachment; filename=\"page.html.txt\"") == true)
            #expect(saved.headers.first(name: .contentType) == "text/plain; charset=utf-8")
        }
    }

    @Test("Through the API: upload raw bytes, list, download; a read-only token and another region are refused")
    func api() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            let token = try await APITestSupport.token(app, for: w.lead)
            let created = try await app.testing().sendRequest(
                .POST, SiteURL.apiCaseAttachments(w.caseID).path + "?sensitive=false",
                headers: ["Authorization": "Bearer \(token)", "Content-Disposition": "attachment; filename=\"school letter.pdf\""],
                body: ByteBuffer(bytes: Self.pdf))
            #expect(created.status == .created)
            let json = try APITestSupport.object(created)
            #expect(json["name"] as? String == "school letter.pdf" && json["type"] as? String == "pdf")
            let listed = try await APITestSupport.send(app, .GET, SiteURL.apiCaseAttachments(w.caseID).path, token: token)
            #expect(((try APITestSupport.object(listed))["items"] as? [Any])?.count == 1)
            let download = try await APITestSupport.send(app, .GET, json["href"] as! String, token: token)
            #expect(Array(download.body.readableBytesView) == Self.pdf)
            let refused = try await app.testing().sendRequest(.POST, SiteURL.apiCaseAttachments(w.caseID).path,
                                                              headers: ["Authorization": "Bearer \(token)"],
                                                              body: ByteBuffer(bytes: [0x7F, 0x45, 0x4C, 0x46] + [UInt8](repeating: 0, count: 100)))
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("cannot be attached"))
            // A Word document as a real ZIP library writes it (deflated entries, a central directory).
            let docx = try Archive(data: Data(), accessMode: .create)
            for (name, text) in [("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
                                 ("word/document.xml", String(repeating: "<w:p>Letter from the school</w:p>", count: 500))] {
                let data = Data(text.utf8)
                try docx.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { at, size in
                    data.subdata(in: Int(at)..<Int(at) + size)
                }
            }
            let word = try await app.testing().sendRequest(.POST, SiteURL.apiCaseAttachments(w.caseID).path + "?name=letter.docx",
                                                           headers: ["Authorization": "Bearer \(token)"], body: ByteBuffer(data: docx.data!))
            #expect(word.status == .created)
            let wordType = try APITestSupport.object(word)["type"] as? String
            #expect(wordType == "docx")
            let readOnly = try await APITestSupport.token(app, for: w.lead, readOnly: true)
            let write = try await app.testing().sendRequest(.POST, SiteURL.apiCaseAttachments(w.caseID).path,
                                                            headers: ["Authorization": "Bearer \(readOnly)"], body: ByteBuffer(bytes: Self.pdf))
            #expect(write.status == .forbidden)
            let other = try await Fixtures.account(app, role: .caseworker, region: "london")
            let otherToken = try await APITestSupport.token(app, for: other)
            #expect(try await APITestSupport.send(app, .GET, json["href"] as! String, token: otherToken).status == .notFound)
            #expect(try await Attachment.query(on: app.db).count() == 2)
        }
    }

    @Test("Subject access: one ZIP with the export, every file and a manifest; after a merge the files follow; retention removes them")
    func dataProtection() async throws {
        try await withApp { app in
            let w = try await Self.world(app)
            #expect(try await Self.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "consent.pdf", bytes: Self.pdf).status == .seeOther)
            let supportCase = try #require(try await SupportCase.find(w.caseID, on: app.db))
            let personID = supportCase.$person.id
            // A second record of the same young person, with a letter on its referral, merged into the first.
            var second = ReferralTests.form(first: "Zara", last: "Quinn", born: "2008-03-04")
            second["receivedDate"] = "2024-06-10"
            try await ReferralTests.record(w.managerBrowser, second)
            let other = try #require(try await Referral.query(on: app.db).filter(\.$firstName == "Zara").first())
            try await w.managerBrowser.get(SiteURL.referral(other.id).path)
            #expect(try await Self.upload(w.managerBrowser, SiteURL.referralAttachments(other.id).path, name: "letter.txt",
                                          bytes: Array("From the school".utf8)).status == .seeOther)
            try await w.managerBrowser.get(SiteURL.personMerge(personID).path + "?with=\(other.$person.id)")
            let merged = try await w.managerBrowser.post(SiteURL.personMerge(personID).path,
                                                         ["other": other.$person.id.uuidString, "keep": personID.uuidString])
            #expect(merged.status == .seeOther)
            try await w.managerBrowser.get(SiteURL.person(personID).path)
            try await w.managerBrowser.post(SiteURL.personSubjectAccess(personID).path, ["receivedOn": "2024-01-31", "requester": "Self"])
            let request = try #require(try await SubjectAccessRequest.query(on: app.db).first())
            let zip = try await w.managerBrowser.get(SiteURL.subjectAccessZIP(request.id).path)
            #expect(zip.status == .ok && zip.headers.first(name: .contentType) == "application/zip")
            let archive = try Archive(data: Data(zip.body.readableBytesView), accessMode: .read)
            let names = archive.map(\.path)
            #expect(names.contains("subject-access.json") && names.contains("manifest.json"))
            let file = try #require(names.first { $0.hasPrefix("attachments/") && $0.hasSuffix("-consent.pdf") })
            var extracted = Data()
            _ = try archive.extract(archive[file]!) { extracted.append($0) }
            #expect(Array(extracted) == Self.pdf)
            var manifest = Data()
            _ = try archive.extract(archive["manifest.json"]!) { manifest.append($0) }
            #expect(String(decoding: manifest, as: UTF8.self).contains(file))
            #expect(names.contains { $0.hasSuffix("-letter.txt") }, "the merged record's file follows it")

            // Retention: the file and its name go; the case's figures stay.
            let entry = AuditEntry(action: "retention", actor: "test")
            try await app.writes.transaction(on: app.db) { db in
                try await Retention.anonymise(personID, actor: entry, now: app.clock.now(), on: db)
            }
            let removed = try #require(try await Attachment.query(on: app.db).first())
            #expect(removed.status == .removed && removed.fileName == nil)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
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
                #expect(try await AttachmentChunk.query(on: rotating.db).all().allSatisfy { $0.keyID == rotating.cipher.currentKeyID })
                #expect(try await AttachmentStore.rotate(app: rotating) == 0, "nothing left to do")
            }
            settings.oldDataKeys = []
            try await phase(settings) { after in
                let file = try #require(try await Attachment.find(fileID, on: after.db))
                var bytes: [UInt8] = []
                for try await chunk in AttachmentStore.bytes(of: file, app: after) { bytes += chunk }
                #expect(bytes == text)
                #expect(try after.cipher.open(file.fileName!) == "rhi.txt")
            }
        } catch {
            Issue.record("\(String(reflecting: error))")
        }
        try await database.remove()
    }
}
