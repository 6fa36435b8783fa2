import Crypto
import Fluent
import Vapor

/// `Idempotency-Key` on `POST`: the first answer is stored with the write it answers, in one transaction; a
/// retry with the same key gets that answer again and writes nothing. A key reused for a different request
/// (another path or body) is refused with 422. Keys belong to the user, whichever of their tokens sent them.
struct Idempotency: Sendable {
    static let header = "Idempotency-Key"

    let userID: UUID
    let key: String
    let fingerprint: String

    /// The request's key, or nil when it sent none; 400 for a key that is not 1–255 visible ASCII characters.
    static func of(_ req: Request) throws -> Idempotency? {
        guard let key = req.headers.first(name: header) else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw APIRequestProblem(status: .badRequest, reason: "Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        let body = req.body.data.map { Data(buffer: $0) } ?? Data()
        let digest = Hex.lowercase(SHA256.hash(data: body))
        return try Idempotency(userID: req.requireUser().id, key: key,
                           fingerprint: "\(req.method.rawValue) \(req.url.path) \(digest)")
    }

    /// The stored answer for this key, or nil when the key is new.
    func replay(cipher: FieldCipher, on db: any Database) async throws -> Response? {
        guard let record = try await IdempotencyRecord.query(on: db).filter(\.$userID == userID).filter(\.$key == key).first() else {
            return nil
        }
        guard record.fingerprint == fingerprint else {
            throw APIRequestProblem(status: .unprocessableEntity,
                                    reason: "This Idempotency-Key was already used for a different request.")
        }
        let body = try cipher.open(record.body)
        let response = APIResponse.json(status: HTTPResponseStatus(statusCode: record.status), body: Data(body.utf8),
                                        location: record.location)
        response.headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
        return response
    }

    /// Call inside the write's transaction, with the answer about to be sent.
    /// The answer is sealed: it holds what was written (a contact's notes, a young person's name).
    func remember(status: HTTPResponseStatus, body: Data, location: String?, at now: Date, cipher: FieldCipher,
                  on db: any Database) async throws {
        let record = IdempotencyRecord()
        record.userID = userID
        record.key = key
        record.fingerprint = fingerprint
        record.status = Int(status.code)
        record.body = try cipher.seal(String(decoding: body, as: UTF8.self))
        record.location = location
        record.createdAt = now
        try await record.create(on: db)
    }
}

/// Runs one API write: replays a known idempotency key; otherwise the handler makes its change and, inside the
/// same transaction, hands its answer to `Recorder.remember`, which stores it under the key. When two retries
/// race, the loser's transaction fails on the key's unique index and rolls back; it then answers with the
/// winner's stored answer.
enum IdempotentWrite {
    struct Answer: Sendable {
        let status: HTTPResponseStatus
        let body: Data
        let location: String?
    }

    struct Recorder: Sendable {
        let idempotency: Idempotency?
        let now: Date
        let cipher: FieldCipher

        func remember(_ answer: Answer, on db: any Database) async throws {
            try await idempotency?.remember(status: answer.status, body: answer.body, location: answer.location, at: now,
                                            cipher: cipher, on: db)
        }
    }

    static func run(_ req: Request, _ perform: (Recorder) async throws -> Answer) async throws -> Response {
        let idempotency = try Idempotency.of(req)
        let cipher = try req.application.cipher
        if let idempotency, let replayed = try await idempotency.replay(cipher: cipher, on: req.db) { return replayed }
        do {
            let answer = try await perform(Recorder(idempotency: idempotency, now: req.now, cipher: cipher))
            return APIResponse.json(status: answer.status, body: answer.body, location: answer.location)
        } catch {
            if let idempotency, let replayed = try await idempotency.replay(cipher: cipher, on: req.db) { return replayed }
            throw error
        }
    }
}
