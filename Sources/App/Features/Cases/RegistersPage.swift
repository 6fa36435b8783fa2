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
        let name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
        let page = RegistersPage(
            layout: req.layout(title: (errors.isEmpty ? "" : "Error: ") + "Registers: \(name)"), name: name,
            region: supportCase.region.name, casePath: SiteURL.supportCase(caseID).path,
            postPath: SiteURL.caseRegisters(caseID).path, canWrite: canWrite, errorLinks: errors.links,
            registers: try await Registers.make(caseID: caseID, cipher: req.application.cipher, forms: canWrite, typed: typed,
                                                errors: errors, on: req.db))
        return try await req.view.render("cases/registers", page)
    }
}
