import Domain
import Fluent
import Foundation

/// A document or photo on a referral, a case, a rescue or a register entry (SPEC §2.12). The file is kept in the
/// database in sealed chunks (`AttachmentChunk`), so every instance reads it and every backup holds it. Access goes
/// through the record it hangs on: a case's (and its register entries') through the case, a referral's and a
/// rescue's through the referral.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    enum Owner: String, Codable, Sendable {
        case referral
        case supportCase = "case"
        case rescue
        case registerEntry = "register_entry"

        /// What the audit log calls the owner.
        var audited: AuditedObject {
            switch self {
            case .referral: .referral
            case .supportCase: .supportCase
            case .rescue: .rescue
            case .registerEntry: .registerEntry
            }
        }

        var label: String {
            switch self {
            case .referral: "referral"
            case .supportCase: "case"
            case .rescue: "rescue"
            case .registerEntry: "register entry"
            }
        }
    }

    enum Status: String, Codable, Sendable {
        /// Chunks are arriving; nobody sees it. One left behind by a crash is cleared by the timer.
        case uploading
        case stored
        /// Deleted with a reason (kept, without its file, for the record of who deleted it and why).
        case deleted
        /// Removed by retention with the young person's other identifiers.
        case removed
    }

    @ID(key: .id) var id: UUID?
    @Enum(key: "owner_type") var ownerType: Owner
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "region_id") var regionID: UUID
    /// The record that decides who may see it: the case (for a case and its register entries) or the referral.
    @OptionalField(key: "case_id") var caseID: UUID?
    @OptionalField(key: "referral_id") var referralID: UUID?
    /// Sealed: a file's name may hold a young person's name.
    @OptionalField(key: "file_name") var fileName: String?
    @OptionalField(key: "kind") var kind: AttachmentType?
    @Field(key: "size") var size: Int
    @Field(key: "chunk_count") var chunkCount: Int
    /// What was removed from a photo before it was stored ("Exif and XMP (GPS location, camera…)"), `;`-joined.
    @Field(key: "metadata_removed") var metadataRemoved: String
    @Field(key: "sensitive") var sensitive: Bool
    @Enum(key: "status") var status: Status
    @Field(key: "uploaded_by_id") var uploadedByID: UUID
    @Field(key: "uploaded_at") var uploadedAt: Date
    @OptionalField(key: "deleted_by_id") var deletedByID: UUID?
    @OptionalField(key: "deleted_at") var deletedAt: Date?
    /// Sealed.
    @OptionalField(key: "delete_reason") var deleteReason: String?

    init() {}
}

/// One sealed piece of an attachment's file (AES-GCM under the data key, bound to the attachment and its place
/// with additional data, so pieces cannot be swapped between files or reordered).
final class AttachmentChunk: Model, @unchecked Sendable {
    static let schema = "attachment_chunks"

    @ID(key: .id) var id: UUID?
    @Field(key: "attachment_id") var attachmentID: UUID
    @Field(key: "seq") var seq: Int
    /// The id of the key that sealed it: what key rotation looks for.
    @Field(key: "key_id") var keyID: String
    @Field(key: "data") var data: Data

    init() {}

    init(attachmentID: UUID, seq: Int, keyID: String, data: Data) {
        self.id = UUID()
        self.attachmentID = attachmentID
        self.seq = seq
        self.keyID = keyID
        self.data = data
    }
}
