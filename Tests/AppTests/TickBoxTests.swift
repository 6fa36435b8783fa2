@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// The boxes that mark a contact's notes or a file sensitive take a tick or nothing: anything else is refused with
/// the field named, never read as "not sensitive".
@Suite("Sensitive boxes")
struct TickBoxTests {
    @Test("What a ticked box, a clear box and neither send")
    func parse() {
        for ticked in ["yes", "on", "true", "1", "YES"] { #expect(TickBox.parse(ticked) == true) }
        for clear in [nil, "", "no", "off", "false", "0"] { #expect(TickBox.parse(clear) == false) }
        for neither in ["maybe", "y", "2", " yes", "sensitive"] { #expect(TickBox.parse(neither) == nil) }
    }

    @Test("A contact or a file whose sensitive box sends neither a tick nor nothing is refused, and nothing is stored")
    func neitherIsRefused() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            var form = CaseTests.contact("Told us where the line is run from.", sensitive: false)
            form["sensitive"] = "maybe"
            let contact = try await w.leadBrowser.post(SiteURL.caseContacts(w.caseID).path, form)
            #expect(contact.status == .unprocessableEntity)
            #expect(contact.body.string.contains("Tick the box to mark the notes sensitive, or leave it clear"))
            #expect(contact.body.string.contains("Told us where the line is run from."), "what was typed is kept")
            #expect(try await Contact.query(on: app.db).count() == 0)

            let file = try await AttachmentTests.upload(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path, name: "notes.txt",
                                                        bytes: Array("Where the line is run from.".utf8), sensitive: true, sensitiveAs: "maybe")
            #expect(file.status == .unprocessableEntity)
            #expect(file.body.string.contains("Sensitive: tick the box to mark the file sensitive, or leave it clear"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)

            form["sensitive"] = "yes"
            #expect(try await w.leadBrowser.post(SiteURL.caseContacts(w.caseID).path, form).status == .seeOther)
            #expect(try await Contact.query(on: app.db).first()?.sensitive == true)
        }
    }
}
