@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import Testing
import VaporTesting

/// A refused upload comes back on the record's own page, the problem beside the file input and in the error
/// summary, the sensitive box as it was sent, nothing stored: on a case, a register entry, a referral and a rescue.
@Suite("Attachments: a refused file, on its page")
struct AttachmentRefusalTests {
    static let textNamedPDF = Array("Consent given by phone.".utf8)

    /// The page's marks of a refused upload: the summary's link, the message by the input, the input described by it.
    static func expectRefusedOnPage(_ page: String, inputID: String, message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(page.contains("There is a problem") && page.contains("href=\"#\(inputID)\""), sourceLocation: sourceLocation)
        #expect(page.contains("id=\"\(inputID)-error\"") && page.contains(message), sourceLocation: sourceLocation)
        #expect(page.contains("\(inputID)-error\""), sourceLocation: sourceLocation)
        #expect(!page.contains("Go back, correct it"), "the record's page, not the error page", sourceLocation: sourceLocation)
    }

    @Test("On a case: the misnamed file is refused on the case page, the sensitive box still ticked, nothing stored; the next file goes in")
    func onCase() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            let path = SiteURL.caseAttachments(w.caseID).path
            let refused = try await AttachmentTests.upload(w.leadBrowser, path, name: "consent.pdf", bytes: Self.textNamedPDF, sensitive: true)
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            Self.expectRefusedOnPage(page, inputID: "attachment-file", message: "The file is named as a PDF but it is plain text")
            #expect(page.contains("Documents and photos") && page.contains("id=\"timeline\""), "the case page itself")
            #expect(page.contains("name=\"sensitive\" value=\"yes\" checked"), "the box stays ticked")
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)

            let unticked = try await AttachmentTests.upload(w.leadBrowser, path, name: "consent.pdf", bytes: Self.textNamedPDF)
            #expect(unticked.status == .unprocessableEntity && !unticked.body.string.contains("value=\"yes\" checked"))
            let nonsense = try await AttachmentTests.upload(w.leadBrowser, path, name: "notes.txt", bytes: Array("x".utf8),
                                                            sensitive: true, sensitiveAs: "maybe")
            #expect(nonsense.status == .unprocessableEntity && nonsense.body.string.contains("Sensitive: tick the box"))
            #expect(nonsense.body.string.contains("value=\"yes\" checked"), "a box sent as nonsense is shown ticked")
            // Sent twice, clear then ticked; sent as a file: shown ticked whatever the order.
            for parts in [[("sensitive", nil, ""), ("sensitive", nil, "yes")], [("sensitive", "s.txt", "yes")]] {
                let boundary = "----refused-\(UUID().uuidString)"
                var body = ByteBuffer()
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(w.leadBrowser.lastToken ?? "")\r\n")
                for (name, file, value) in parts {
                    body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"" + (file.map { "; filename=\"\($0)\"" } ?? "")
                                     + "\r\n\r\n\(value)\r\n")
                }
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nnote\r\n--\(boundary)--\r\n")
                let refusedTwice = try await AttachmentTests.postMultipart(w.leadBrowser, path, boundary: boundary, body: body)
                #expect(refusedTwice.status == .unprocessableEntity && refusedTwice.body.string.contains("value=\"yes\" checked"), "\(parts)")
            }

            // A new token on the refused page; the right file then goes in.
            #expect(try await AttachmentTests.upload(w.leadBrowser, path, name: "consent.txt", bytes: Self.textNamedPDF,
                                                     sensitive: true).status == .seeOther)
            #expect(try await Attachment.query(on: app.db).all().map(\.sensitive) == [true])
        }
    }

    @Test("Too large, or no file at all: the case page with the problem, 413 and 422; a box not read is shown ticked")
    func sizeAndNone() async throws {
        try await withApp(env: ["REACHABLE_ATTACHMENT_MAX_MB": "1"]) { app in
            let w = try await AttachmentTests.world(app)
            let path = SiteURL.caseAttachments(w.caseID).path
            let big = try await AttachmentTests.upload(w.leadBrowser, path, name: "big.txt",
                                                       bytes: [UInt8](repeating: 0x41, count: 1_048_576 + 10))
            #expect(big.status == .payloadTooLarge)
            Self.expectRefusedOnPage(big.body.string, inputID: "attachment-file", message: "1 MB or smaller")
            let none = try await AttachmentTests.upload(w.leadBrowser, path, name: "", bytes: [])
            #expect(none.status == .unprocessableEntity)
            Self.expectRefusedOnPage(none.body.string, inputID: "attachment-file", message: "Choose a file to attach")
            // Declared larger than the limit, it is refused before the form's first field is read: its box is not known,
            // so it is shown ticked rather than clear.
            let declared = try await AttachmentTests.upload(w.leadBrowser, path, name: "big.txt",
                                                            bytes: [UInt8](repeating: 0x41, count: 1_048_576 + 100_000))
            #expect(declared.status == .payloadTooLarge && declared.body.string.contains("value=\"yes\" checked"))
            // A box sent too long to read is shown ticked too.
            let long = try await AttachmentTests.upload(w.leadBrowser, path, name: "a.txt", bytes: Array("a".utf8), sensitive: true,
                                                        sensitiveAs: String(repeating: "y", count: 5_000))
            #expect(long.status == .unprocessableEntity && long.body.string.contains("A field of the form is too long"))
            #expect(long.body.string.contains("value=\"yes\" checked"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
        }
    }

    @Test("On a register entry: the registers page, the problem by that entry's own input and its box ticked")
    func onRegisterEntry() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            try await w.leadBrowser.get(SiteURL.caseRegisters(w.caseID).path)
            for day in ["14", "20"] {
                try await w.leadBrowser.post(SiteURL.caseRegisters(w.caseID).path, [
                    "kind": "missing_episode", "missing_episode.occurred_on": "2024-01-\(day)", "missing_episode.found_on": "2024-01-22"])
            }
            let entries = try await CaseRegisterEntry.query(on: app.db).all()
            #expect(entries.count == 2)
            let entry = try #require(entries.first), other = try #require(entries.last)
            let path = SiteURL.registerEntryAttachments(caseID: w.caseID, entryID: entry.id).path
            let refused = try await AttachmentTests.upload(w.leadBrowser, path, name: "rhi.pdf", bytes: Self.textNamedPDF, sensitive: true)
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            let id = entry.id!.uuidString, otherID = other.id!.uuidString
            Self.expectRefusedOnPage(page, inputID: "file-\(id)", message: "The file is named as a PDF")
            #expect(page.contains("id=\"sensitive-\(id)\" name=\"sensitive\" value=\"yes\" checked"))
            #expect(!page.contains("id=\"sensitive-\(otherID)\" name=\"sensitive\" value=\"yes\" checked"), "only the refused entry's box")
            #expect(!page.contains("id=\"file-\(otherID)-error\""))
            #expect(try await Attachment.query(on: app.db).count() == 0)
        }
    }

    @Test("On a referral and on a rescue: their own pages with the problem; another region's still 404 with nothing said")
    func onReferralAndRescue() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            let supportCase = try #require(try await SupportCase.find(w.caseID, on: app.db))
            try await w.managerBrowser.get(SiteURL.referral(supportCase.$referral.id).path)
            let onReferral = try await AttachmentTests.upload(w.managerBrowser, SiteURL.referralAttachments(supportCase.$referral.id).path,
                                                              name: "letter.pdf", bytes: Self.textNamedPDF)
            #expect(onReferral.status == .unprocessableEntity)
            Self.expectRefusedOnPage(onReferral.body.string, inputID: "attachment-file", message: "The file is named as a PDF")
            let referral = try #require(try await Referral.find(supportCase.$referral.id, on: app.db))
            #expect(onReferral.body.string.contains(referral.ref), "the referral's page")

            try await w.leadBrowser.get(SiteURL.rescueNew.path)
            #expect(try await w.leadBrowser.post(SiteURL.rescueNew.path, RescueTests.form(dispatched: w.lead.id)).location != nil)
            let rescue = try #require(try await Rescue.query(on: app.db).first())
            try await w.leadBrowser.get(SiteURL.rescue(rescue.id).path)
            let onRescue = try await AttachmentTests.upload(w.leadBrowser, SiteURL.rescueAttachments(rescue.id).path,
                                                            name: "ticket.pdf", bytes: Self.textNamedPDF)
            #expect(onRescue.status == .unprocessableEntity)
            Self.expectRefusedOnPage(onRescue.body.string, inputID: "attachment-file", message: "The file is named as a PDF")
            #expect(onRescue.body.string.contains("Kai Mensah"), "the rescue's page")

            let london = Browser(app)
            try await london.signIn(try await Fixtures.account(app, role: .manager, region: "london"))
            try await london.get(SiteURL.home.path)
            for path in [SiteURL.rescueAttachments(rescue.id).path, SiteURL.referralAttachments(supportCase.$referral.id).path,
                         SiteURL.caseAttachments(w.caseID).path] {
                let crossed = try await AttachmentTests.upload(london, path, name: "x.pdf", bytes: Self.textNamedPDF)
                #expect(crossed.status == .notFound && !crossed.body.string.contains("named as a PDF"), "\(path)")
            }
            #expect(try await Attachment.query(on: app.db).count() == 0)
        }
    }
}
