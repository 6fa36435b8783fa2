import Domain
import Fluent
import Vapor

/// `/api/v1/cases/{id}/attachments`, `/api/v1/referrals/{id}/attachments` and `/api/v1/attachments/{id}`: the
/// same files as the pages, under the same rules. An upload's body is the file itself (any content type: the type
/// is decided from the bytes), named by `Content-Disposition: attachment; filename="…"` or `?name=`.
struct APIAttachmentsController {
    func register(_ routes: any RoutesBuilder) {
        let writers: AccessRule = .roles(ReferralsController.writers)
        let readers: AccessRule = .roles(ReferralsController.readers)
        routes.onStreaming(.POST, .apiCaseAttachments(nil), access: writers) { req in try await self.upload(req, .supportCase) }
        routes.onStreaming(.POST, .apiReferralAttachments(nil), access: writers) { req in try await self.upload(req, .referral) }
        routes.on(.GET, .apiCaseAttachments(nil), access: readers) { req in try await self.list(req, .supportCase) }
        routes.on(.GET, .apiReferralAttachments(nil), access: readers) { req in try await self.list(req, .referral) }
        routes.on(.GET, .apiAttachment(nil), access: readers, use: download)
    }

    func upload(_ req: Request, _ type: Attachment.Owner) async throws -> Response {
        let owner = try await AttachmentAccess.owner(type, req: req)
        // The body is the file itself: a form would be stored whole, its fields (a "sensitive" box) with it.
        if req.headers.contentType?.type == "multipart" {
            throw APIInvalidInput(field: "body", "Send the file itself as the body (with ?name= and ?sensitive=), not a form")
        }
        let name = req.headers.first(name: .contentDisposition).flatMap { MultipartUpload.parameter("filename", in: $0) }
            ?? req.query[String.self, at: "name"] ?? "file"
        guard name.count <= 200 else { throw APIInvalidInput(field: "name", "Must be 200 characters or fewer") }
        let sensitive = try Self.flag(req.query[String.self, at: "sensitive"])
        let limit = try req.application.settings.attachmentMaxBytes
        if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
            throw AttachmentProblem(.tooLarge(limitBytes: limit))
        }
        let intake = try AttachmentIntake(owner: owner, fileName: name, sensitive: sensitive, user: try req.requireUser(), req: req)
        let attachment: Attachment
        do {
            for try await buffer in req.body { try await intake.write(buffer) }
            attachment = try await intake.finish()
        } catch {
            await intake.abandon()
            throw error
        }
        let body = try AttachmentJSON(attachment, cipher: req.application.cipher)
        return try APIResponse.json(status: .created, body: APIResponse.encode(body), location: body.href)
    }

    func list(_ req: Request, _ type: Attachment.Owner) async throws -> Response {
        let scope = try req.scope
        let ownerID: UUID, mayReadSensitive: Bool, region: String
        if type == .supportCase {
            let supportCase = try await scope.findCase(req.parameters.get("caseID", as: UUID.self), req: req)
            ownerID = try supportCase.requireID()
            mayReadSensitive = scope.canReadSensitive(supportCase)
            region = supportCase.region.code
        } else {
            let referral = try await scope.findReferral(req.parameters.get("referralID", as: UUID.self), req: req)
            ownerID = try referral.requireID()
            mayReadSensitive = scope.isManager && scope.canWrite && scope.contains(regionID: referral.$region.id)
            region = referral.region.code
        }
        let all = try await Attachment.query(on: req.db).filter(\.$ownerID == ownerID).filter(\.$status == .stored)
            .sort(\.$uploadedAt).all()
        let shown = AttachmentAccess.visible(all, scope: scope, mayReadSensitive: mayReadSensitive)
        try await req.audit(.attachmentList, objectType: type.audited, objectID: ownerID.uuidString, region: region,
                            detail: "api, \(shown.count) listed")
        struct Items: Encodable { let items: [AttachmentJSON] }
        return try APIResponse.ok(Items(items: try shown.map { try AttachmentJSON($0, cipher: req.application.cipher) }))
    }

    func download(req: Request) async throws -> Response {
        let (attachment, _) = try await AttachmentAccess.readable(req.parameters.get("attachmentID", as: UUID.self), req: req)
        try await req.audit(.attachmentDownloaded, objectType: .attachment, objectID: attachment.id!.uuidString,
                            region: try await AttachmentAccess.regionCode(of: attachment, on: req.db), detail: "api")
        return try AttachmentDownload.response(attachment, req: req)
    }

    static func flag(_ value: String?) throws -> Bool {
        switch value {
        case nil, "false"?: false
        case "true"?: true
        default: throw APIInvalidInput(field: "sensitive", "Must be true or false")
        }
    }
}

struct AttachmentJSON: Encodable {
    let id: UUID
    let name: String
    let type: String
    let mediaType: String
    let size: Int
    let sensitive: Bool
    let uploadedAt: Date
    let metadataRemoved: [String]
    let href: String

    init(_ attachment: Attachment, cipher: FieldCipher) throws {
        id = try attachment.requireID()
        name = try attachment.fileName.map(cipher.open) ?? "file"
        type = attachment.kind?.rawValue ?? ""
        mediaType = attachment.kind?.mediaType ?? "application/octet-stream"
        size = attachment.size
        sensitive = attachment.sensitive
        uploadedAt = attachment.uploadedAt
        metadataRemoved = StoredCodes.split(attachment.metadataRemoved)
        href = SiteURL.apiAttachment(attachment.id).path
    }
}

extension AttachmentProblem: APIExplainedError {}
extension FormProblem: APIExplainedError {}
