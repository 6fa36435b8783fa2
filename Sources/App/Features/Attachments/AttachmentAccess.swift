import Domain
import Fluent
import Vapor

/// Who may add, see and delete an attachment: decided by the record it hangs on, through the region scope, as for
/// the record itself. A sensitive attachment is seen, like a sensitive note, by the case's lead caseworker and the
/// region's managers only (on a referral or a rescue with no case: the region's managers and whoever uploaded it).
enum AttachmentAccess {
    /// The record named in the path, for adding a file to it: 404 outside the scope, 403 for a reader who may not
    /// write to it (both audited).
    static func owner(_ type: Attachment.Owner, req: Request) async throws -> AttachmentOwner {
        let scope = try req.scope
        switch type {
        case .supportCase, .registerEntry:
            let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
            try await require(scope.canWrite(supportCase), req, supportCase.id)
            var ownerID = try supportCase.requireID()
            if type == .registerEntry {
                guard let entryID = req.parameters.get("entryID", as: UUID.self),
                      let entry = try await CaseRegisterEntry.query(on: req.db).filter(\.$id == entryID)
                          .filter(\.$supportCase.$id == ownerID).first() else {
                    try await req.audit(.accessRefused, outcome: .refused, objectType: .registerEntry,
                                        objectID: req.parameters.get("entryID") ?? "")
                    throw Abort(.notFound)
                }
                ownerID = try entry.requireID()
            }
            return AttachmentOwner(type: type, id: ownerID, regionID: supportCase.$region.id, regionCode: supportCase.region.code,
                                   caseID: supportCase.id, referralID: nil)
        case .referral, .rescue:
            var referralID = req.parameters.get("referralID", as: UUID.self)
            var ownerID = referralID
            if type == .rescue {
                let rescueID = req.parameters.get("rescueID", as: UUID.self)
                let rescue = try await rescueID.asyncMap { try await Rescue.find($0, on: req.db) } ?? nil
                referralID = rescue?.$referral.id
                ownerID = rescue?.id
            }
            let referral = try await scope.findReferral(referralID, req: req)
            try await require(scope.canWrite && scope.contains(regionID: referral.$region.id), req, referral.id)
            return AttachmentOwner(type: type, id: ownerID!, regionID: referral.$region.id, regionCode: referral.region.code,
                                   caseID: nil, referralID: referral.id)
        }
    }

    /// A stored attachment this person may see, or 404 (audited): the same answer as for one that does not exist.
    static func readable(_ id: UUID?, req: Request) async throws -> (Attachment, canDelete: Bool) {
        let scope = try req.scope
        guard let id, let attachment = try await Attachment.query(on: req.db).filter(\.$id == id).filter(\.$status == .stored).first() else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .attachment, objectID: req.parameters.get("attachmentID") ?? "")
            throw Abort(.notFound)
        }
        let (visible, writable) = try await rights(to: attachment, scope: scope, req: req)
        guard visible else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .attachment, objectID: id.uuidString,
                                detail: "sensitive")
            throw Abort(.notFound)
        }
        return (attachment, writable)
    }

    /// Whether this person sees the attachment and may delete it; its record is fetched through the scope (404 and
    /// audited outside it).
    static func rights(to attachment: Attachment, scope: RegionScope, req: Request) async throws -> (see: Bool, delete: Bool) {
        if let caseID = attachment.caseID {
            let supportCase = try await scope.findCase(caseID, req: req)
            return (!attachment.sensitive || scope.canReadSensitive(supportCase), scope.canWrite(supportCase))
        }
        let referral = try await scope.findReferral(attachment.referralID, req: req)
        let writes = scope.canWrite && scope.contains(regionID: referral.$region.id)
        let sees = !attachment.sensitive || (scope.isManager && writes) || attachment.uploadedByID == scope.user.id
        return (sees, writes)
    }

    /// The sensitive rule for a list already in scope: which of a record's attachments this person sees (the
    /// uploader sees their own only on a referral or a rescue, which has no lead caseworker).
    static func visible(_ attachments: [Attachment], scope: RegionScope, mayReadSensitive: Bool) -> [Attachment] {
        attachments.filter { !$0.sensitive || mayReadSensitive || ($0.caseID == nil && $0.uploadedByID == scope.user.id) }
    }

    /// The region's code, for the audit entry of a read or a deletion.
    static func regionCode(of attachment: Attachment, on db: any Database) async throws -> String {
        try await Region.find(attachment.regionID, on: db)?.code ?? ""
    }

    private static func require(_ allowed: Bool, _ req: Request, _ id: UUID?) async throws {
        guard allowed else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .attachment, objectID: id?.uuidString ?? "",
                                detail: "may not add files to this record")
            throw Abort(.forbidden)
        }
    }
}
