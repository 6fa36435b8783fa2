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

@Suite("Attachments: who may, what may, and where they go")
struct AttachmentRightsTests {
    @Test("Another region gets 404 for every attachment route; a sensitive file is the lead's and the managers' alone")
    func access() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            #expect(try await AttachmentTests.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "nrm.pdf", bytes: AttachmentTests.pdf,
                                          sensitive: true).status == .seeOther)
            let file = try #require(try await Attachment.query(on: app.db).first())
            #expect(file.sensitive)
            let london = Browser(app)
            try await london.signIn(try await Fixtures.account(app, role: .manager, region: "london"))
            try await london.get(SiteURL.home.path)
            #expect(try await london.get(SiteURL.attachment(file.id).path).status == .notFound)
            #expect(try await london.post(SiteURL.attachmentDelete(file.id).path, ["reason": "x"]).status == .notFound)
            #expect(try await AttachmentTests.upload(london, SiteURL.caseAttachments(w.caseID).path, name: "x.txt", bytes: Array("x".utf8)).status == .notFound)
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
            let w = try await AttachmentTests.world(app)
            try await w.leadBrowser.get(SiteURL.caseRegisters(w.caseID).path)
            try await w.leadBrowser.post(SiteURL.caseRegisters(w.caseID).path, [
                "kind": "missing_episode", "missing_episode.occurred_on": "2024-01-14", "missing_episode.found_on": "2024-01-16"])
            let entry = try #require(try await CaseRegisterEntry.query(on: app.db).first())
            let path = SiteURL.registerEntryAttachments(caseID: w.caseID, entryID: entry.id).path
            #expect(try await AttachmentTests.upload(w.leadBrowser, path, name: "rhi-notes.pdf", bytes: AttachmentTests.pdf).status == .seeOther)
            let file = try #require(try await Attachment.query(on: app.db).first())
            #expect(file.ownerType == .registerEntry && file.ownerID == entry.id && file.caseID == w.caseID)
            let page = try await w.leadBrowser.get(SiteURL.caseRegisters(w.caseID).path).body.string
            #expect(page.contains("rhi-notes.pdf") && page.contains(SiteURL.attachment(file.id).path))
            // Another case of the manager's: the entry is not its own.
            let otherCase = try await CaseTests.openCase(app, lead: w.manager, browser: w.managerBrowser)
            try await w.managerBrowser.get(SiteURL.supportCase(otherCase).path)
            let crossed = try await AttachmentTests.upload(w.managerBrowser, SiteURL.registerEntryAttachments(caseID: otherCase, entryID: entry.id).path,
                                                name: "x.pdf", bytes: AttachmentTests.pdf)
            #expect(crossed.status == .notFound)
            #expect(try await Attachment.query(on: app.db).count() == 1)
        }
    }

    @Test("A form with two files stores neither and says why; a box ticked as `on` marks the file sensitive")
    func formEdges() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            let boundary = "----two-files"
            var body = ByteBuffer()
            let formToken = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(w.leadBrowser.lastToken ?? "")\r\n"
            body.writeString(formToken)
            for name in ["a.pdf", "b.pdf"] {
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n\r\n")
                body.writeBytes(AttachmentTests.pdf)
                body.writeString("\r\n")
            }
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\non\r\n--\(boundary)--\r\n")
            let path = SiteURL.caseAttachments(w.caseID).path
            // Without the form's own token before its file: refused, nothing kept.
            var tokenless = ByteBuffer()
            tokenless.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n")
            tokenless.writeBytes(AttachmentTests.pdf)
            tokenless.writeString("\r\n--\(boundary)--\r\n")
            #expect(try await AttachmentTests.postMultipart(w.leadBrowser, path, boundary: boundary, body: tokenless).status == .forbidden)
            let two = try await AttachmentTests.postMultipart(w.leadBrowser, path, boundary: boundary, body: body)
            #expect(two.status == .unprocessableEntity && two.body.string.contains("Attach one file at a time"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
            // One file, the box after it, sent as "on": sensitive.
            var one = ByteBuffer()
            one.writeString(formToken)
            one.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\\\";b.pdf\"\r\n\r\n")
            one.writeBytes(AttachmentTests.pdf)
            one.writeString("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\non\r\n--\(boundary)--\r\n")
            #expect(try await AttachmentTests.postMultipart(w.leadBrowser, path, boundary: boundary, body: one).status == .seeOther)
            let stored = try #require(try await Attachment.query(on: app.db).first())
            #expect(stored.sensitive)
            #expect(try app.cipher.open(stored.fileName!) == "a\";b.pdf", "a quoted ; is part of the name")
        }
    }

    @Test("Deleting needs a reason; the file goes, the record of who deleted it and why stays")
    func delete() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            #expect(try await AttachmentTests.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "wrong.pdf", bytes: AttachmentTests.pdf).status == .seeOther)
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
            let w = try await AttachmentTests.world(app)
            let name = "<img src=x onerror=alert(1)>\"; filename=evil.html\r\nX-Bad: 1 Письмо.pdf"
            #expect(try await AttachmentTests.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: name, bytes: AttachmentTests.pdf).status == .seeOther)
            let page = try await w.leadBrowser.get(SiteURL.supportCase(w.caseID).path).body.string
            #expect(!page.contains("<img src=x") && page.contains("&lt;img src=x onerror=alert(1)&gt;"))
            let file = try #require(try await Attachment.query(on: app.db).first())
            let download = try await w.leadBrowser.get(SiteURL.attachment(file.id).path)
            let disposition = try #require(download.headers.first(name: .contentDisposition))
            #expect(download.headers[.contentDisposition].count == 1 && download.headers.first(name: "X-Bad") == nil)
            #expect(disposition.filter { $0 == "\"" }.count == 2, "one quoted name: \(disposition)")
            #expect(disposition.contains("filename*=UTF-8''") && disposition.unicodeScalars.allSatisfy(\.isASCII))
            // The name says HTML; the content is plain text: it downloads as text.
            #expect(try await AttachmentTests.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "page.html",
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
            let w = try await AttachmentTests.world(app)
            let token = try await APITestSupport.token(app, for: w.lead)
            let created = try await app.testing().sendRequest(
                .POST, SiteURL.apiCaseAttachments(w.caseID).path + "?sensitive=false",
                headers: ["Authorization": "Bearer \(token)", "Content-Disposition": "attachment; filename=\"school letter.pdf\""],
                body: ByteBuffer(bytes: AttachmentTests.pdf))
            #expect(created.status == .created)
            let json = try APITestSupport.object(created)
            #expect(json["name"] as? String == "school letter.pdf" && json["type"] as? String == "pdf")
            let listed = try await APITestSupport.send(app, .GET, SiteURL.apiCaseAttachments(w.caseID).path, token: token)
            #expect(((try APITestSupport.object(listed))["items"] as? [Any])?.count == 1)
            let download = try await APITestSupport.send(app, .GET, json["href"] as! String, token: token)
            #expect(Array(download.body.readableBytesView) == AttachmentTests.pdf)
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
            let form = try await app.testing().sendRequest(.POST, SiteURL.apiCaseAttachments(w.caseID).path,
                                                           headers: ["Authorization": "Bearer \(token)",
                                                                     "Content-Type": "multipart/form-data; boundary=x"],
                                                           body: ByteBuffer(string: "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nhi\r\n--x--\r\n"))
            #expect(form.status == .unprocessableEntity && form.body.string.contains("not a form"))
            let readOnly = try await APITestSupport.token(app, for: w.lead, readOnly: true)
            let write = try await app.testing().sendRequest(.POST, SiteURL.apiCaseAttachments(w.caseID).path,
                                                            headers: ["Authorization": "Bearer \(readOnly)"], body: ByteBuffer(bytes: AttachmentTests.pdf))
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
            let w = try await AttachmentTests.world(app)
            #expect(try await AttachmentTests.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "consent.pdf", bytes: AttachmentTests.pdf).status == .seeOther)
            let supportCase = try #require(try await SupportCase.find(w.caseID, on: app.db))
            let personID = supportCase.$person.id
            // A second record of the same young person, with a letter on its referral, merged into the first.
            var second = ReferralTests.form(first: "Zara", last: "Quinn", born: "2008-03-04")
            second["receivedDate"] = "2024-06-10"
            try await ReferralTests.record(w.managerBrowser, second)
            let other = try #require(try await Referral.query(on: app.db).filter(\.$firstName == "Zara").first())
            try await w.managerBrowser.get(SiteURL.referral(other.id).path)
            #expect(try await AttachmentTests.upload(w.managerBrowser, SiteURL.referralAttachments(other.id).path, name: "letter.txt",
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
            #expect(Array(extracted) == AttachmentTests.pdf)
            var manifest = Data()
            _ = try archive.extract(archive["manifest.json"]!) { manifest.append($0) }
            #expect(String(decoding: manifest, as: UTF8.self).contains(file))
            #expect(names.contains { $0.hasSuffix("-letter.txt") }, "the merged record's file follows it")

            // Retention: the file and its name go; the case's figures stay.
            let entry = AuditEntry(action: .personAnonymised, actor: "test")
            try await app.writes.transaction(on: app.db) { db in
                try await Retention.anonymise(personID, actor: entry, now: app.clock.now(), on: db)
            }
            let removed = try #require(try await Attachment.query(on: app.db).first())
            #expect(removed.status == .removed && removed.fileName == nil)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
        }
    }

}
