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
        for neither in ["maybe", "y", "2", " yes", "sensitive", "yes\u{0}"] { #expect(TickBox.parse(neither) == nil) }
        #expect(TickBox.parse(all: []) == false)
        #expect(TickBox.parse(all: ["yes", "yes"]) == true)
        #expect(TickBox.parse(all: ["yes", "no"]) == nil)
        #expect(TickBox.parse(all: ["no", "yes"]) == nil)
    }

    @Test("A contact or a file whose sensitive box sends neither a tick nor nothing is refused, and nothing is stored")
    func neitherIsRefused() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            var form = CaseTests.contact("Told us where the line is run from.", sensitive: false)
            form["sensitive"] = "maybe"
            let contact = try await w.leadBrowser.post(SiteURL.caseContacts(w.caseID).path, form)
            #expect(contact.status == .unprocessableEntity)
            #expect(contact.body.string.contains("Sensitive: tick the box to mark the notes sensitive, or leave it clear"))
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

    /// The adversary's: `sensitive=yes&sensitive=no` had been stored as not sensitive (the decoder keeps the last).
    @Test("A box sent twice with different answers is refused, on a contact and on a file")
    func sentTwice() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            let base = CaseTests.contact("Named who runs the line.", sensitive: false).map { ($0.key, $0.value) }
            for pairs in [base + [("sensitive", "yes"), ("sensitive", "no")], base + [("sensitive", "no"), ("sensitive", "yes")]] {
                let refused = try await w.leadBrowser.post(SiteURL.caseContacts(w.caseID).path, pairs: pairs)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("Sensitive: tick the box"))
            }
            #expect(try await Contact.query(on: app.db).count() == 0)
            #expect(try await w.leadBrowser.post(SiteURL.caseContacts(w.caseID).path,
                                                 pairs: base + [("sensitive", "yes"), ("sensitive", "yes")]).status == .seeOther)
            #expect(try await Contact.query(on: app.db).first()?.sensitive == true)

            // A multipart form: the box before the file, then again after it.
            let boundary = "----reachable-\(UUID().uuidString)"
            var body = ByteBuffer()
            for (name, value) in [("_csrf", w.leadBrowser.lastToken ?? ""), ("sensitive", "yes")] {
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
            }
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n\r\nNotes\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"sensitive\"\r\n\r\nno\r\n--\(boundary)--\r\n")
            let file = try await AttachmentTests.postMultipart(w.leadBrowser, SiteURL.caseAttachments(w.caseID).path,
                                                               boundary: boundary, body: body)
            #expect(file.status == .unprocessableEntity)
            #expect(file.body.string.contains("The form sent &quot;sensitive&quot; twice with different values"))
            #expect(try await Attachment.query(on: app.db).count() == 0)
            #expect(try await AttachmentChunk.query(on: app.db).count() == 0)
        }
    }

    /// The adversary's: 3,000 characters of safe-contact details had been saved as their first 1,000, said to be saved.
    @Test("Safe-contact details too long, or a box that is neither, come back on the case page with the field named; nothing is saved")
    func safeContact() async throws {
        try await withApp { app in
            let (_, browser, caseID) = try await CaseTests.leadWithOpenCase(app)
            let supportCase = try #require(try await SupportCase.find(caseID, on: app.db))
            let path = SiteURL.personSafeContact(supportCase.$person.id).path
            let long = String(repeating: "Aunt's landline after 6pm. ", count: 60)
            let refused = try await browser.post(path, ["safeContact": long, "caseID": caseID.uuidString, "doNotText": "maybe"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Safe times and numbers must be 1,000 characters or fewer"))
            #expect(refused.body.string.contains("Do not text: tick the box or leave it clear"))
            #expect(refused.body.string.contains("Aunt&#39;s landline after 6pm. Aunt"), "what was typed is kept")
            let person = try #require(try await Person.find(supportCase.$person.id, on: app.db))
            #expect(person.safeContact == nil && person.doNotText == false)

            let saved = try await browser.post(path, ["safeContact": "Aunt's landline after 6pm", "caseID": caseID.uuidString,
                                                      "doNotText": "yes"])
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location)?.hasPrefix(SiteURL.supportCase(caseID).path) == true)
            #expect(try await Person.find(supportCase.$person.id, on: app.db)?.doNotText == true)

            // Another young person's case as the way back is not followed; a case nobody may see is refused, audited.
            let (lead, leadBrowser, _) = try await CaseTests.leadWithOpenCase(app)
            let otherCase = try await CaseTests.openCase(app, lead: lead, browser: leadBrowser,
                                                          referral: ReferralTests.form(first: "Amal", last: "Haddad", born: "2007-05-06"))
            let elsewhere = try await browser.post(path, ["safeContact": "Aunt's landline", "caseID": otherCase.uuidString])
            #expect(elsewhere.status == .seeOther)
            #expect(elsewhere.headers.first(name: .location)?.hasPrefix(SiteURL.person(supportCase.$person.id).path) == true)
            let nowhere = try await browser.post(path, ["safeContact": "Call the man at the shop", "caseID": UUID().uuidString])
            #expect(nowhere.status == .notFound)
            #expect(try await Person.find(supportCase.$person.id, on: app.db)?.safeContact.map(app.cipher.open) == "Aunt's landline")
        }
    }

    /// The adversary's second round: a raw space, bracket or accented letter in a form's body stopped the whole
    /// process (Foundation's URL parser traps on them), and a tick under a near-miss name (`Sensitive=yes`,
    /// `sensitive[]=yes`) was read as an unknown field, the box as clear.
    @Test("A body as a script sends it neither stops the server nor slips a tick past the box")
    func rawBodies() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            let path = SiteURL.caseContacts(w.caseID).path
            let base = "happenedAt=2024-01-12T10:00&kind=face_to_face&durationMinutes=45&present[0]=young_person"
            // Characters a URL may not hold: answered (the form decoder may refuse them as a whole), never a stop.
            let odd = try await w.leadBrowser.postRaw(path, base + "&notes=Met at the café [by the \"bridge\"] {ok} | ^ \\ <b> ` # 100%")
            #expect([.seeOther, .badRequest].contains(odd.status), "\(odd.status)")
            #expect(try await w.leadBrowser.postRaw(path, base + "&notes=a b&sensitive=yes").status == .seeOther)
            #expect(try await Contact.query(on: app.db).filter(\.$sensitive == true).count() == 1)
            for (raw, stored) in [("&notes=Named&Sensitive=yes", true), ("&notes=Named&sensitive%00=yes", true),
                                  ("&notes=Named&SENSITIVE=on", true), ("&notes=Named&sensitive+=no", false)] {
                let before = try await Contact.query(on: app.db).filter(\.$sensitive == stored).count()
                #expect(try await w.leadBrowser.postRaw(path, base + raw).status == .seeOther, "\(raw)")
                #expect(try await Contact.query(on: app.db).filter(\.$sensitive == stored).count() == before + 1, "\(raw)")
            }
            let count = try await Contact.query(on: app.db).count()
            for raw in ["&notes=Named&sensitive%5B%5D=yes&sensitive=no", "&notes=Named&Sensitive=yes&sensitive=no"] {
                #expect(try await w.leadBrowser.postRaw(path, base + raw).status != .seeOther, "\(raw)")
            }
            #expect(try await Contact.query(on: app.db).count() == count)

            let supportCase = try #require(try await SupportCase.find(w.caseID, on: app.db))
            let safe = try await w.leadBrowser.postRaw(SiteURL.personSafeContact(supportCase.$person.id).path,
                                                       "caseID=\(w.caseID.uuidString)&safeContact=Aunt on 0700 [evenings]&DoNotText=yes")
            #expect(safe.status == .seeOther)
            let person = try #require(try await Person.find(supportCase.$person.id, on: app.db))
            #expect(person.doNotText == true)
            #expect(try person.safeContact.map(app.cipher.open) == "Aunt on 0700 [evenings]")
        }
    }
}
