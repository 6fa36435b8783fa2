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
    /// Whether the add-entry forms are drawn: for those who may write to the case, while it is open.
    let canAdd: Bool
    let errorLinks: [FormErrorLink]?
    var registers: Registers

    /// The registers of a case the caller has found in `scope`; `typed` and `errors` are a refused entry's.
    static func make(_ supportCase: SupportCase, scope: RegionScope, canWrite: Bool, typed: [String: String] = [:],
                     errors: FieldErrors = FieldErrors(), layout: Layout, settings: Settings, cipher: FieldCipher,
                     on db: any Database) async throws -> RegistersPage {
        let caseID = try supportCase.requireID()
        let canAdd = canWrite && supportCase.isOpen
        var registers = try await Registers.make(caseID: caseID, cipher: cipher, forms: canAdd, typed: typed,
                                                 errors: errors, on: db)
        // Every entry's documents in one query.
        let entryIDs = registers.registers.flatMap { $0.entries.compactMap { UUID(uuidString: $0.id) } }
        let files = try await Attachment.query(on: db).filter(\.$ownerID ~~ entryIDs).filter(\.$status == .stored)
            .sort(\.$uploadedAt).all()
        for (r, register) in registers.registers.enumerated() {
            for (e, entry) in register.entries.enumerated() {
                let entryID = UUID(uuidString: entry.id)
                registers.registers[r].entries[e].files = try AttachmentList.make(
                    files.filter { $0.ownerID == entryID }, scope: scope, mayReadSensitive: scope.canReadSensitive(supportCase),
                    canWrite: canWrite, uploadPath: SiteURL.registerEntryAttachments(caseID: caseID, entryID: entryID).path,
                    csrfToken: layout.csrfToken, settings: settings, cipher: cipher,
                    error: errors[AttachmentList.fileField(entry: entry.id)])
            }
        }
        let name = "\(supportCase.person.firstName) \(supportCase.person.lastName)"
        return RegistersPage(
            layout: layout, name: name,
            region: supportCase.region.name, casePath: SiteURL.supportCase(caseID).path,
            postPath: SiteURL.caseRegisters(caseID).path, canAdd: canAdd, errorLinks: errors.links,
            registers: registers)
    }
}
