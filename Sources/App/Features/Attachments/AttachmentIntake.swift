import Domain
import Fluent
import Foundation
import Vapor

/// The record an upload hangs on, found through the region scope by the route that takes the upload.
struct AttachmentOwner: Sendable {
    let type: Attachment.Owner
    let id: UUID
    let regionID: UUID
    let regionCode: String
    let caseID: UUID?
    let referralID: UUID?
}

/// Takes a file as it streams in: checks its size as bytes arrive, decides its type from its content, removes a
/// photo's metadata, and stores it in sealed chunks; only when every byte has passed is it shown on its record, with
/// an audit entry, in one transaction. Anything refused part-way leaves nothing behind.
final class AttachmentIntake: @unchecked Sendable {
    let owner: AttachmentOwner
    let fileName: String
    var sensitive: Bool
    let user: CurrentUser
    let maxBytes: Int
    private let app: Application
    private let entryTemplate: AuditEntry
    private let now: Date

    private var sniffer = AttachmentSniffer()
    private var head: [UInt8] = []
    private var stripper: (any PhotoMetadataStripper)?
    private var decided = false
    private var pending: [UInt8] = []
    private var received = 0
    private var stored = 0
    private var chunks = 0
    private var attachmentID: UUID?

    init(owner: AttachmentOwner, fileName: String, sensitive: Bool, user: CurrentUser, req: Request) throws {
        self.owner = owner
        self.fileName = AttachmentType.cleanName(fileName)
        self.sensitive = sensitive
        self.user = user
        maxBytes = try req.application.settings.attachmentMaxBytes
        app = req.application
        now = req.now
        entryTemplate = req.auditEntry(.attachmentUploaded, objectType: .attachment, region: owner.regionCode)
    }

    func write(_ buffer: ByteBuffer) async throws {
        received += buffer.readableBytes
        if received > maxBytes { throw AttachmentProblem(.tooLarge(limitBytes: maxBytes)) }
        let bytes = buffer.readableBytesView
        sniffer.feed(bytes)
        if let refusal = sniffer.refusedSoFar { throw AttachmentProblem(refusal) }
        if decided {
            try await emit(bytes)
            return
        }
        head.append(contentsOf: bytes)
        if sniffer.knowsCandidate { try await decide() }
    }

    /// Every byte has arrived: the type is settled, the rest stored, and the attachment shown on its record.
    func finish() async throws -> Attachment {
        let kind: AttachmentType
        switch sniffer.finish() {
        case let .success(type): kind = type
        case let .failure(refusal): throw AttachmentProblem(refusal)
        }
        if let mismatch = AttachmentType.check(name: fileName, content: kind) { throw AttachmentProblem(mismatch) }
        if !decided { try await decide() }
        do { try stripper?.finish() } catch { throw AttachmentProblem(error) }
        if !pending.isEmpty || chunks == 0 { try await flush() }
        let attachmentID = self.attachmentID!
        var entry = entryTemplate
        entry.objectID = attachmentID.uuidString
        entry.detail = "\(kind.rawValue), \(stored) bytes, on \(owner.type.label) \(owner.id)" + (sensitive ? ", sensitive" : "")
        let removed = stripper.map { StoredCodes.join($0.removed) } ?? ""
        let (chunkCount, size, sensitive, now, uploaded) = (chunks, stored, self.sensitive, self.now, entry)
        return try await app.writes.transaction(on: app.db) { db in
            guard let attachment = try await Attachment.find(attachmentID, on: db) else { throw Abort(.internalServerError) }
            attachment.kind = kind
            attachment.size = size
            attachment.chunkCount = chunkCount
            attachment.metadataRemoved = removed
            attachment.sensitive = sensitive
            attachment.status = .stored
            try await attachment.save(on: db)
            try await Audit.append(uploaded, on: db, at: now)
            return attachment
        }
    }

    /// Removes whatever was stored of a refused or broken upload.
    func abandon() async {
        guard let id = attachmentID else { return }
        try? await app.writes.transaction(on: app.db) { db in
            try await AttachmentStore.purge(id, on: db)
            try await Attachment.query(on: db).filter(\.$id == id).delete()
        }
    }

    private func decide() async throws {
        decided = true
        switch sniffer.photoType {
        case .jpeg?: stripper = JPEGMetadataStripper()
        case .png?: stripper = PNGMetadataStripper()
        default: stripper = nil
        }
        let bytes = head
        head = []
        try await emit(bytes)
    }

    private func emit(_ bytes: some Collection<UInt8>) async throws {
        if var photo = stripper {
            do { pending += try photo.process(bytes) } catch { throw AttachmentProblem(error) }
            stripper = photo
        } else {
            pending.append(contentsOf: bytes)
        }
        while pending.count >= AttachmentStore.chunkSize {
            let chunk = Array(pending.prefix(AttachmentStore.chunkSize))
            pending.removeFirst(AttachmentStore.chunkSize)
            try await store(chunk)
        }
    }

    private func flush() async throws {
        let chunk = pending
        pending = []
        try await store(chunk)
    }

    private func store(_ chunk: [UInt8]) async throws {
        let id = try await startIfNeeded()
        try await AttachmentStore.append(chunk, to: id, seq: chunks, app: app)
        chunks += 1
        stored += chunk.count
    }

    /// The row is made with the first chunk, as `uploading`: nobody sees it until `finish`.
    private func startIfNeeded() async throws -> UUID {
        if let attachmentID { return attachmentID }
        let attachment = Attachment()
        attachment.id = UUID()
        attachment.ownerType = owner.type
        attachment.ownerID = owner.id
        attachment.regionID = owner.regionID
        attachment.caseID = owner.caseID
        attachment.referralID = owner.referralID
        attachment.fileName = try app.cipher.seal(fileName)
        attachment.size = 0
        attachment.chunkCount = 0
        attachment.metadataRemoved = ""
        attachment.sensitive = sensitive
        attachment.status = .uploading
        attachment.uploadedByID = user.id
        attachment.uploadedAt = now
        try await app.writes.transaction(on: app.db) { db in try await attachment.create(on: db) }
        attachmentID = attachment.id
        return attachment.id!
    }
}

/// A file refused, with the sentence its uploader reads.
struct AttachmentProblem: AbortError {
    let refusal: AttachmentRefusal

    init(_ refusal: AttachmentRefusal) { self.refusal = refusal }

    var status: HTTPResponseStatus {
        if case .tooLarge = refusal { return .payloadTooLarge }
        return .unprocessableEntity
    }
    var reason: String { refusal.message }
}
