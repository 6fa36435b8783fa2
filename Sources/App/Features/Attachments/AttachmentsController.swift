import Domain
import Fluent
import SQLKit
import Vapor

/// Documents and photos on referrals, cases, rescues and register entries (SPEC §2.12): added from the record's
/// page with a plain file input (no script), downloaded through the same access rules as the record, deleted with a
/// reason. Every upload, download and deletion is audited.
struct AttachmentsController {
    func register(_ routes: any RoutesBuilder) {
        let writers: AccessRule = .roles(ReferralsController.writers)
        routes.onStreaming(.POST, .caseAttachments(nil), access: writers) { req in
            try await self.upload(req, .supportCase, back: SiteURL.supportCase(req.parameters.get("caseID", as: UUID.self)).path + "#attachments")
        }
        routes.onStreaming(.POST, .registerEntryAttachments(caseID: nil, entryID: nil), access: writers) { req in
            try await self.upload(req, .registerEntry, back: SiteURL.caseRegisters(req.parameters.get("caseID", as: UUID.self)).path)
        }
        routes.onStreaming(.POST, .referralAttachments(nil), access: writers) { req in
            try await self.upload(req, .referral, back: SiteURL.referral(req.parameters.get("referralID", as: UUID.self)).path + "#attachments")
        }
        routes.onStreaming(.POST, .rescueAttachments(nil), access: writers) { req in
            try await self.upload(req, .rescue, back: SiteURL.rescue(req.parameters.get("rescueID", as: UUID.self)).path + "#attachments")
        }
        routes.on(.GET, .attachment(nil), access: .roles(ReferralsController.readers), use: download)
        routes.on(.POST, .attachmentDelete(nil), access: writers, use: delete)
    }

    func upload(_ req: Request, _ type: Attachment.Owner, back: String) async throws -> Response {
        let owner = try await AttachmentAccess.owner(type, req: req)
        let user = try req.requireUser()
        var fields: [String: String] = [:]
        let attachment: Attachment?
        do {
            attachment = try await MultipartUpload.receive(req, file: "file", fields: &fields) { fileName in
                try AttachmentIntake(owner: owner, fileName: fileName, sensitive: false, user: user, req: req)
            } finish: { intake, fields in
                guard let sensitive = TickBox.parse(all: fields.filter { TickBox.isNamed($0.key, "sensitive") }.map(\.value)) else {
                    throw FormProblem("Sensitive: tick the box to mark the file sensitive, or leave it clear")
                }
                intake.sensitive = sensitive
            }
        } catch let problem as FormProblem {
            return try await RefusedUploadPage.render(req, owner, problem: problem.message, status: problem.status, fields: fields)
        } catch let problem as AttachmentProblem {
            return try await RefusedUploadPage.render(req, owner, problem: problem.reason, status: problem.status, fields: fields)
        }
        guard attachment != nil else {
            return try await RefusedUploadPage.render(req, owner, problem: "Choose a file to attach", status: .unprocessableEntity,
                                                    fields: fields)
        }
        return try req.redirect(to: back, saved: .attachmentUploaded)
    }

    func download(req: Request) async throws -> Response {
        let (attachment, _) = try await AttachmentAccess.readable(req.parameters.get("attachmentID", as: UUID.self), req: req)
        try await req.audit(.attachmentDownloaded, objectType: .attachment, objectID: attachment.id!.uuidString,
                            region: try await AttachmentAccess.regionCode(of: attachment, on: req.db),
                            detail: "\(attachment.kind?.rawValue ?? ""), \(attachment.size) bytes")
        return try AttachmentDownload.response(attachment, req: req)
    }

    func delete(req: Request) async throws -> Response {
        let (attachment, canDelete) = try await AttachmentAccess.readable(req.parameters.get("attachmentID", as: UUID.self), req: req)
        guard canDelete else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .attachment, objectID: attachment.id!.uuidString,
                                detail: "may not delete")
            throw Abort(.forbidden)
        }
        struct Form: Content { var reason: String? }
        let reason = try (req.content.decode(Form.self).reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw FormProblem("Say why the file is being deleted") }
        guard reason.count <= 500 else { throw FormProblem("The reason must be 500 characters or fewer") }
        let sealedReason = try req.application.cipher.seal(reason)
        let id = attachment.id!, user = try req.requireUser(), now = req.now
        let entry = req.auditEntry(.attachmentDeleted, objectType: .attachment, objectID: id.uuidString,
                                   region: try await AttachmentAccess.regionCode(of: attachment, on: req.db),
                                   detail: "on \(attachment.ownerType.label) \(attachment.ownerID)")
        try await req.write { db in
            // One statement decides: of two deletions at once (on any instance), one finds the file still stored.
            let deleted = try await (db as! any SQLDatabase).raw("""
                UPDATE attachments SET status = 'deleted', deleted_at = \(bind: now), deleted_by_id = \(bind: user.id),
                    delete_reason = \(bind: sealedReason), size = 0, chunk_count = 0
                WHERE id = \(bind: id) AND status = 'stored' RETURNING id
                """).first()
            guard deleted != nil else { throw Abort(.conflict) }
            try await AttachmentStore.purge(id, on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return try req.redirect(to: AttachmentDownload.recordPath(of: attachment), saved: .attachmentDeleted)
    }
}

/// Sending a file back: streamed chunk by chunk, as a download (never shown in the browser), with its own type and
/// nothing it could run.
enum AttachmentDownload {
    static func response(_ attachment: Attachment, req: Request) throws -> Response {
        let stored = try attachment.fileName.map(req.application.cipher.open) ?? "file"
        let name = attachment.kind?.downloadName(stored) ?? stored
        let bytes = try AttachmentStore.bytes(of: attachment, app: req.application)
        let response = Response(status: .ok, body: .init(managedAsyncStream: { writer in
            for try await chunk in bytes { try await writer.write(.buffer(ByteBuffer(data: chunk))) }
        }, count: attachment.size))
        response.headers.replaceOrAdd(name: .contentType, value: attachment.kind?.mediaType ?? "application/octet-stream")
        response.headers.replaceOrAdd(name: .contentDisposition, value: contentDisposition(name))
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "sandbox; default-src 'none'")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII stand-in with nothing that could end the
    /// header or the quoted string, and the real name percent-encoded.
    static func contentDisposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" && $0 != ";" ? Character($0) : "_" })
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "file"
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    static func recordPath(of attachment: Attachment) -> String {
        switch attachment.ownerType {
        case .supportCase: SiteURL.supportCase(attachment.ownerID).path + "#attachments"
        case .registerEntry: SiteURL.caseRegisters(attachment.caseID).path
        case .referral: SiteURL.referral(attachment.ownerID).path + "#attachments"
        case .rescue: SiteURL.rescue(attachment.ownerID).path + "#attachments"
        }
    }
}
