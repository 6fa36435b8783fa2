import MultipartKit
import NIOCore
import Vapor

/// Reads a page's upload form (`multipart/form-data`) as it streams: the small fields are kept (at most 1 KB each),
/// and the one file's bytes go straight to the intake, so the server holds one network read at a time, never the
/// file.
enum MultipartUpload {
    enum Event {
        case header(String, String)
        case body(ByteBuffer)
        case end
    }

    /// Reads the form and stores its file once every part has arrived (so the fields after the file count, and a
    /// form with two files stores neither); nil when it holds no file.
    /// `fields` holds the small fields read, also when the form is refused (a refused form's page keeps its boxes).
    static func receive(_ req: Request, file fieldName: String, fields: inout [String: String],
                        intake makeIntake: (_ fileName: String) throws -> AttachmentIntake,
                        finish: (AttachmentIntake, _ fields: [String: String]) throws -> Void) async throws -> Attachment? {
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
              let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.count <= 70 else {
            throw FormProblem("Choose a file to attach")
        }
        let limit = try req.application.settings.attachmentMaxBytes
        if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit + 64 * 1024 {
            throw AttachmentProblem(.tooLarge(limitBytes: limit))
        }
        let parser = MultipartParser(boundary: boundary)
        var events: [Event] = []
        parser.onHeader = { events.append(.header($0, $1)) }
        parser.onBody = { events.append(.body($0)) }
        parser.onPartComplete = { events.append(.end) }

        fields = [:]
        var name: String?, fileName: String?, value: [UInt8] = []
        var intake: AttachmentIntake?, fileEnded = false
        do {
            var body = req.body.makeAsyncIterator()
            while var buffer = try await nextPiece(of: &body) {
                // In pieces of at most 64 KB, whatever size the network read was (a test's body arrives whole).
                while let piece = buffer.readSlice(length: min(buffer.readableBytes, 64 * 1024)), piece.readableBytes > 0 {
                    do { try parser.execute(piece) } catch { throw FormProblem("The upload could not be read: send the form again") }
                }
                let batch = events
                events = []
                for event in batch {
                    switch event {
                    case let .header(header, text) where header.lowercased() == "content-disposition":
                        name = parameter("name", in: text)
                        fileName = parameter("filename", in: text)
                    case .header:
                        break
                    case let .body(bytes):
                        if name == fieldName, let fileName, !fileName.isEmpty {
                            // One file a form: a second is refused rather than quietly dropped.
                            guard !fileEnded else { throw FormProblem("Attach one file at a time") }
                            // The form's own token comes before its file, as in every form (the query's was checked
                            // before the body was read): no byte of a file is taken without it.
                            if intake == nil {
                                guard let expected = req.sessionHolder?.csrfToken,
                                      SecretToken.constantTimeEquals(fields[CSRFMiddleware.field] ?? "", expected) else {
                                    throw Abort(.forbidden, reason: "csrf")
                                }
                            }
                            if intake == nil { intake = try makeIntake(fileName) }
                            try await intake!.write(bytes)
                        } else if let fileName, !fileName.isEmpty {
                            // A file under another field's name: refused rather than quietly dropped (and the field
                            // unreadable, so that a tick box sent as a file shows ticked on the page again).
                            if let name { fields[name] = unreadable }
                            throw FormProblem("Attach one file at a time")
                        } else if fileName == nil {
                            guard value.count + bytes.readableBytes <= 1024 else {
                                // Kept as unreadable, so that a tick box sent too long shows ticked on the page again.
                                if let name { fields[name] = unreadable }
                                throw FormProblem("A field of the form is too long")
                            }
                            value += bytes.readableBytesView
                        }
                    case .end:
                        if intake != nil, name == fieldName {
                            fileEnded = true
                        } else if let name, fileName == nil {
                            let text = String(decoding: value, as: UTF8.self)
                            // A box sent twice with different answers (`sensitive` yes, then no) is no answer.
                            if let earlier = fields[name], earlier != text {
                                fields[name] = unreadable
                                throw FormProblem("The form sent \"\(name)\" twice with different values: send it again from the page")
                            }
                            fields[name] = text
                        }
                        name = nil
                        fileName = nil
                        value = []
                    }
                }
            }
            guard let intake, fileEnded else { return nil }
            try finish(intake, fields)
            return try await intake.finish()
        } catch {
            await intake?.abandon()
            throw error
        }
    }

    /// What a refused field is kept as: no tick box's answer, so the page again shows such a box ticked.
    private static let unreadable = "\u{FFFD}"

    /// The body's next network read; a body that ends before its length, or breaks off, is the sender's problem
    /// (answered 400 and logged as such), not the server's.
    private static func nextPiece(of body: inout Request.Body.AsyncIterator) async throws -> ByteBuffer? {
        do {
            return try await body.next()
        } catch {
            throw FormProblem("The upload was cut off before it ended: send the form again")
        }
    }

    /// `name="file"` from a Content-Disposition value: quoted (with `\"` inside) or not, a `;` inside quotes
    /// being part of the value.
    static func parameter(_ key: String, in header: String) -> String? {
        var parts: [String] = [], current = "", quoted = false, escaped = false
        for character in header {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle(); current.append(character)
            case ";" where !quoted: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
