import Fluent
import Foundation
import SQLKit
import Vapor

/// Where an attachment's file lives: sealed chunks in the database, written one short transaction at a time (a slow
/// upload never holds the database's write lock) and read back one chunk at a time (a 20 MB file never sits in
/// memory whole).
enum AttachmentStore {
    /// 256 KB: large enough that a 20 MB file is 80 rows, small enough that a download holds little.
    static let chunkSize = 256 * 1024

    /// The additional data each chunk is sealed with: it opens only as this piece of this file.
    static func context(_ attachmentID: UUID, _ seq: Int) -> String { "reachable attachment \(attachmentID) \(seq)" }

    static func append(_ bytes: [UInt8], to attachmentID: UUID, seq: Int, app: Application) async throws {
        let sealed = try app.cipher.sealBytes(bytes, context: context(attachmentID, seq))
        let chunk = AttachmentChunk(attachmentID: attachmentID, seq: seq, keyID: sealed.keyID, data: sealed.sealed)
        try await app.writes.transaction(on: app.db) { db in try await chunk.create(on: db) }
    }

    /// The file's bytes, opened chunk by chunk as they are asked for.
    static func bytes(of attachment: Attachment, app: Application) throws -> Bytes {
        Bytes(id: attachment.id!, count: attachment.chunkCount, cipher: try app.cipher, db: app.db)
    }

    struct Bytes: AsyncSequence, Sendable {
        typealias Element = Data
        let id: UUID
        let count: Int
        let cipher: FieldCipher
        let db: any Database

        struct AsyncIterator: AsyncIteratorProtocol {
            let source: Bytes
            var seq = 0

            mutating func next() async throws -> Data? {
                guard seq < source.count else { return nil }
                let (id, seq) = (source.id, seq)
                guard let chunk = try await AttachmentChunk.query(on: source.db).filter(\.$attachmentID == id)
                    .filter(\.$seq == seq).first() else {
                    throw Abort(.internalServerError, reason: "Attachment \(id) has lost its chunk \(seq)")
                }
                self.seq += 1
                return try source.cipher.openBytes(chunk.data, keyID: chunk.keyID, context: AttachmentStore.context(id, seq))
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
    }

    /// Removes a file's chunks (deletion, retention, an upload abandoned part-way).
    static func purge(_ attachmentID: UUID, on db: any Database) async throws {
        try await AttachmentChunk.query(on: db).filter(\.$attachmentID == attachmentID).delete()
    }

    /// Re-seals every chunk not sealed under the current key, a few at a time, each batch in its own transaction.
    static func rotate(app: Application, batchSize: Int = 16) async throws -> Int {
        let cipher = try app.cipher
        var total = 0
        while true {
            let chunks = try await AttachmentChunk.query(on: app.db).filter(\.$keyID != cipher.currentKeyID).limit(batchSize).all()
            if chunks.isEmpty { return total }
            let resealed = try chunks.map { chunk in
                let context = context(chunk.attachmentID, chunk.seq)
                let plain = try cipher.openBytes(chunk.data, keyID: chunk.keyID, context: context)
                return try (chunk.id!, cipher.sealBytes(plain, context: context))
            }
            try await app.writes.transaction(on: app.db) { db in
                for (id, sealed) in resealed {
                    try await AttachmentChunk.query(on: db).filter(\.$id == id)
                        .set(\.$keyID, to: sealed.keyID).set(\.$data, to: sealed.sealed).update()
                }
            }
            total += chunks.count
        }
    }

    /// Uploads left part-way by a crash or a dropped connection, older than `before`: their chunks and rows go.
    static func clearAbandoned(before: Date, app: Application) async throws -> Int {
        let stale = try await Attachment.query(on: app.db).filter(\.$status == .uploading).filter(\.$uploadedAt < before).all()
        for attachment in stale {
            try await app.writes.transaction(on: app.db) { db in
                try await purge(attachment.id!, on: db)
                try await attachment.delete(on: db)
            }
        }
        return stale.count
    }
}
