import Domain
import Fluent
import Vapor

extension SubjectAccessExport {
    /// A document or photo on one of their records. In the ZIP export the file itself is beside the document, at
    /// `file`; the JSON and the printable export list it.
    struct AttachmentPart: Content {
        let attachmentID: UUID
        let file: String
        let name: String
        let type: String
        let size: Int
        let on: String
        let uploadedAt: Date
        let sensitive: Bool
        let metadataRemoved: String?
    }

    /// Every stored document and photo on these referrals and cases (their register entries and rescues
    /// included), oldest first, each named for the ZIP and by the record it is on.
    static func attachmentParts(cases: [SupportCase], referrals: [Referral], cipher: FieldCipher,
                                on db: any Database) async throws -> [AttachmentPart] {
        let files = try await Attachment.query(on: db).filter(\.$status == .stored)
            .group(.or) { $0.filter(\.$caseID ~~ cases.compactMap(\.id)).filter(\.$referralID ~~ referrals.compactMap(\.id)) }
            .sort(\.$uploadedAt).all()
        func record(of file: Attachment) -> String {
            if let episode = cases.first(where: { $0.id == file.caseID }) {
                return (file.ownerType == .registerEntry ? "a register entry of " : "") + "the case opened \(episode.openedDate)"
            }
            let ref = referrals.first { $0.id == file.referralID }?.ref ?? ""
            return (file.ownerType == .rescue ? "the rescue of referral " : "referral ") + ref
        }
        return try files.enumerated().map { index, file in
            let name = try file.fileName.map(cipher.open) ?? "file"
            return AttachmentPart(
                attachmentID: try file.requireID(), file: SubjectAccessZIP.entryName(index: index, name: name, kind: file.kind),
                name: name, type: file.kind?.label ?? "", size: file.size, on: record(of: file), uploadedAt: file.uploadedAt,
                sensitive: file.sensitive, metadataRemoved: file.metadataRemoved.isEmpty ? nil : file.metadataRemoved)
        }
    }
}
