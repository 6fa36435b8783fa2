import Domain
import Foundation
import Vapor
import ZIPFoundation

/// The subject-access export as one ZIP: the export as JSON, every document and photo held on the young person
/// beside it, and a manifest naming each file, its record and its SHA-256. Files are opened a chunk at a time into
/// a private folder (owner-only), zipped there and the folder removed once the ZIP has been sent.
enum SubjectAccessZIP {
    /// `attachments/001-consent-form.pdf`: numbered so two files of one name stay apart, with nothing from the name
    /// that a file system or an unzip tool would read as a path.
    static func entryName(index: Int, name: String, kind: AttachmentType?) -> String {
        let base = (name as NSString).deletingPathExtension
        let safe = String(base.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? Character($0) : "-" })
            .prefix(60)
        return String(format: "attachments/%03d-", index + 1) + (safe.isEmpty ? "file" : safe) + "." + (kind?.fileExtension ?? "bin")
    }

    struct ManifestEntry: Encodable {
        let file: String
        let name: String
        let type: String
        let size: Int
        let sha256: String
        let on: String
        let uploadedAt: Date
        let sensitive: Bool
        let metadataRemoved: String?
    }

    static func response(for export: SubjectAccessExport, requestID: UUID, req: Request) async throws -> Response {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reachable-sar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let zipURL = folder.appendingPathComponent("export.zip")
            let archive = try Archive(url: zipURL, accessMode: .create)
            var manifest: [ManifestEntry] = []
            for part in export.attachments {
                guard let attachment = try await Attachment.find(part.attachmentID, on: req.db) else { continue }
                let fileURL = folder.appendingPathComponent("file")
                FileManager.default.createFile(atPath: fileURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
                let handle = try FileHandle(forWritingTo: fileURL)
                var hash = SHA256()
                for try await chunk in try AttachmentStore.bytes(of: attachment, app: req.application) {
                    hash.update(data: chunk)
                    try handle.write(contentsOf: chunk)
                }
                try handle.close()
                try archive.addEntry(with: part.file, fileURL: fileURL, compressionMethod: .none)
                try FileManager.default.removeItem(at: fileURL)
                manifest.append(ManifestEntry(file: part.file, name: part.name, type: part.type, size: part.size,
                                              sha256: Hex.lowercase(Array(hash.finalize())), on: part.on,
                                              uploadedAt: part.uploadedAt, sensitive: part.sensitive, metadataRemoved: part.metadataRemoved))
            }
            for (name, data) in [("subject-access.json", try encoder.encode(export)), ("manifest.json", try encoder.encode(manifest))] {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            let response = try await req.fileio.asyncStreamFile(at: zipURL.path) { _ in
                try? FileManager.default.removeItem(at: folder)
            }
            response.headers.replaceOrAdd(name: .contentType, value: "application/zip")
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"subject-access-\(requestID).zip\"")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }
}
