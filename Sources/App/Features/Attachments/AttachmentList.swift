import Domain
import Fluent
import SQLKit
import Vapor

/// A record's documents and photos as its page shows them, with the form to add one: read in one query.
struct AttachmentList: Encodable {
    struct Item: Encodable {
        let id: String
        let name: String
        let kind: String
        let size: String
        let uploaded: String
        let sensitive: Bool
        let metadataRemoved: String?
        let href: String
        let deleteAction: String?
    }

    let items: [Item]?
    /// Sensitive files this person does not see, said as a number so nobody thinks there are none.
    let hidden: Int
    /// The upload form's action, with the CSRF token in its query (the body streams to the store unread by the
    /// CSRF check); nil for readers.
    let uploadAction: String?
    let maxSize: String
    let allowed = AttachmentType.allowedText
    /// A refused upload's problem, shown by the form's file input.
    var error: String?
    /// Whether the refused upload's sensitive box was ticked: it stays ticked, so that the file chosen again is not
    /// stored unmarked.
    var sensitiveTicked = false

    /// The key of a refused upload's problem among a page's errors: the file input's id.
    static let fileField = "attachment-file"

    /// The same for a register entry's own upload form (a page of entries, a form each).
    static func fileField(entry id: String) -> String { "file-\(id)" }

    static func make(owner ownerID: UUID, scope: RegionScope, mayReadSensitive: Bool, canWrite: Bool, uploadPath: String,
                     csrfToken: String, settings: Settings, cipher: FieldCipher, error: String? = nil,
                     on db: any Database) async throws -> AttachmentList {
        let all = try await (db as! any SQLDatabase).prepared("""
            SELECT \(unsafeRaw: Attachment.columnList) FROM \(unsafeRaw: Attachment.schema)
            WHERE owner_id = \(bind: ownerID) AND status = \(bind: Attachment.Status.stored.rawValue) ORDER BY uploaded_at, id
            """).all().map { try $0.decode(fluentModel: Attachment.self) }
        return try make(all, scope: scope, mayReadSensitive: mayReadSensitive, canWrite: canWrite, uploadPath: uploadPath,
                        csrfToken: csrfToken, settings: settings, cipher: cipher, error: error)
    }

    static func make(_ all: [Attachment], scope: RegionScope, mayReadSensitive: Bool, canWrite: Bool, uploadPath: String,
                     csrfToken: String, settings: Settings, cipher: FieldCipher, error: String? = nil) throws -> AttachmentList {
        let shown = AttachmentAccess.visible(all, scope: scope, mayReadSensitive: mayReadSensitive)
        let items = try shown.map { attachment in
            Item(id: attachment.id!.uuidString, name: try attachment.fileName.map(cipher.open) ?? "file", kind: attachment.kind?.label ?? "",
                 size: size(attachment.size), uploaded: DateFormats.display.string(from: attachment.uploadedAt),
                 sensitive: attachment.sensitive,
                 metadataRemoved: attachment.metadataRemoved.isEmpty ? nil
                     : "Removed before it was stored: " + StoredCodes.split(attachment.metadataRemoved).joined(separator: "; ") + ".",
                 href: SiteURL.attachment(attachment.id).path,
                 deleteAction: canWrite ? SiteURL.attachmentDelete(attachment.id).path : nil)
        }
        return AttachmentList(items: items.isEmpty ? nil : items, hidden: all.count - shown.count,
                              uploadAction: canWrite ? uploadPath + "?_csrf=" + (csrfToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : nil,
                              maxSize: size(settings.attachmentMaxBytes), error: error)
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1_048_576 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        if bytes >= 1024 { return "\(bytes / 1024) KB" }
        return "\(bytes) bytes"
    }
}
