@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// A form the server cannot read at all (a field sent in a shape no page sends, bytes that are not text) is refused
/// with the field named, as every other problem with a form is, and nothing is stored.
@Suite("Forms that cannot be read")
struct FormReadingTests {
    @Test("A field sent as a list, as a bracketed name or as bytes that are not text: 400 naming the field, nothing stored")
    func namesTheField() async throws {
        try await withApp { app in
            let w = try await AttachmentTests.world(app)
            let path = SiteURL.caseContacts(w.caseID).path
            let base = "happenedAt=2024-01-12T10:00&kind=face_to_face&present[0]=young_person&notes=Met"
            for (raw, field) in [("&durationMinutes[0]=45", "durationMinutes"), ("&durationMinutes=45&sensitive[0]=yes", "sensitive")] {
                let refused = try await w.leadBrowser.postRaw(path, base + raw)
                #expect(refused.status == .badRequest, "\(raw)")
                #expect(refused.body.string.contains("“\(field)”"), "\(raw): \(refused.body.string.suffix(1200))")
            }
            let notText = try await w.leadBrowser.postRaw(path, "happenedAt=2024-01-12T10:00&kind=face_to_face&durationMinutes=45"
                                                          + "&present[0]=young_person&notes=%FF%FE")
            #expect(notText.status == .badRequest)
            #expect(notText.body.string.contains("not text"), "\(notText.body.string.suffix(1200))")
            #expect(try await Contact.query(on: app.db).count() == 0)
            // A hostile name is not echoed as markup, nor a long one repeated (an unknown field is ignored).
            let hostile = try await w.leadBrowser.postRaw(path, base + "&durationMinutes=45&<b>" + String(repeating: "x", count: 500) + "[0]=1")
            #expect(hostile.status != .internalServerError && !hostile.body.string.contains("<b>x"))
            #expect(!hostile.body.string.contains(String(repeating: "x", count: 200)))
            let hostileList = try await w.leadBrowser.postRaw(path, base + "&durationMinutes[<b>" + String(repeating: "x", count: 500) + "]=1")
            #expect(hostileList.status == .badRequest && !hostileList.body.string.contains("<b>x"), "\(hostileList.status)")
            #expect(hostileList.body.string.contains("“durationMinutes”"))
        }
    }
}
