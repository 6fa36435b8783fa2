import Fluent
import Vapor

/// A case's registers on a page of their own (missing episodes, NRM decisions, onward referrals and the rest):
/// the case page lists their entries and links here to add one.
struct RegistersPage: Encodable {
    let layout: Layout
    let name: String
    let region: String
    let casePath: String
    let postPath: String
    let canWrite: Bool
    let errorLinks: [FormErrorLink]?
    let registers: Registers

    static func make(req: Request, supportCase: SupportCase, canWrite: Bool, typed: [String: String] = [:],
                     errors: FieldErrors = FieldErrors()) async throws -> View {
        let caseID = try supportCase.requireID()
        var registers = try await Registers.make(caseID: caseID, cipher: req.application.cipher, forms: canWrite, typed: typed,
                                                 errors: errors, on: req.db)
        // Every entry's documents in one query.
        let entryIDs = registers.registers.flatMap { $0.entries.compactMap { UUID(uuidString: $0.id) } }
        let files = try await Attachment.query(on: req.db).filter(\.$ownerID ~~ entryIDs).filter(\.$status == .stored)
            .sort(\.$uploadedAt).all()
        let scope = try req.scope
        for (r, register) in registers.registers.enumerated() {
            for (e, entry) in register.entries.enumerated() {
                let entryID = UUID(uuidString: entry.id)
                registers.registers[r].entries[e].files = try AttachmentList.make(
                    files.filter { $0.ownerID == entryID }, scope: scope, mayReadSensitive: scope.canReadSensitive(supportCase),
                    canWrite: canWrite, uploadPath: SiteURL.registerEntryAttachments(caseID: caseID, entryID: entryID).path,
                    csrfToken: req.csrfToken, settings: req.application.settings, cipher: req.application.cipher)
            }
        }
        let name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
        let page = RegistersPage(
            layout: req.layout(title: (errors.isEmpty ? "" : "Error: ") + "Registers: \(name)"), name: name,
            region: supportCase.region.name, casePath: SiteURL.supportCase(caseID).path,
            postPath: SiteURL.caseRegisters(caseID).path, canWrite: canWrite, errorLinks: errors.links,
            registers: registers)
        return try await req.view.render("cases/registers", page)
    }
}
