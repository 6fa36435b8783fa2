import Domain
import Fluent
import Vapor

/// A refused upload answered on the page it came from: the record's page again, the problem in its error summary
/// and beside the file input, the sensitive box as it was sent, nothing stored. A caseworker who chose the wrong
/// file at a station at night chooses another on the same page, rather than reading an error page and going back.
enum RefusedUploadPage {
    static func render(_ req: Request, _ owner: AttachmentOwner, problem: String, status: HTTPResponseStatus,
                     fields: [String: String]) async throws -> Response {
        let scope = try req.scope
        // Ticked unless the form said plainly that it was not: a box sent as nonsense is shown ticked, and so is one
        // never read (a file declared too large is refused before the form's first field, its token), so that the
        // file chosen again is not stored unmarked by mistake.
        let read = fields[CSRFMiddleware.field] != nil
        let ticked = !read || fields.contains { TickBox.isNamed($0.key, "sensitive") && TickBox.parse($0.value) != false }
        /// The record's page drawn with the problem by its upload form.
        func page<Page: ShowsAttachments>(_ template: String, _ make: (FieldErrors) async throws -> Page) async throws -> View {
            var errors = FieldErrors()
            errors.add(AttachmentList.fileField, problem)
            var page = try await make(errors)
            page.attachments.sensitiveTicked = ticked
            return try await req.view.render(template, page)
        }
        let view: View
        switch owner.type {
        case .supportCase:
            let supportCase = try await scope.findCase(owner.caseID, req: req)
            view = try await page("cases/show") { try await CaseWrites.page(req, supportCase, scope: scope, errors: $0) }
        case .registerEntry:
            let supportCase = try await scope.findCase(owner.caseID, req: req)
            let entryID = owner.id.uuidString
            var errors = FieldErrors()
            errors.add(AttachmentList.fileField(entry: entryID), problem)
            var page = try await PathwayController.registers(req, supportCase, scope: scope, canWrite: true, errors: errors)
            for r in page.registers.registers.indices {
                for e in page.registers.registers[r].entries.indices where page.registers.registers[r].entries[e].id == entryID {
                    page.registers.registers[r].entries[e].files?.sensitiveTicked = ticked
                }
            }
            view = try await req.view.render("cases/registers", page)
        case .referral:
            let referral = try await scope.findReferral(owner.referralID, req: req)
            view = try await page("referrals/show") { try await ReferralsController.page(req, referral, scope: scope, errors: $0) }
        case .rescue:
            let referral = try await scope.findReferral(owner.referralID, req: req)
            guard let rescue = try await Rescue.query(on: req.db).filter(\.$id == owner.id)
                .filter(\.$referral.$id == referral.requireID()).first() else { throw Abort(.notFound) }
            view = try await page("rescues/show") {
                try await RescuesController.page(req, rescue, referral: referral, scope: scope, errors: $0)
            }
        }
        return try await view.encodeResponse(status: status, for: req)
    }
}

/// A record's page with a documents-and-photos section (a case, a referral, a rescue).
protocol ShowsAttachments: Encodable {
    var attachments: AttachmentList { get set }
}

extension CasePage: ShowsAttachments {}
extension ReferralPage: ShowsAttachments {}
extension RescuePage: ShowsAttachments {}
