import Domain
import Fluent
import Vapor

/// JSON as the API writes it: ISO 8601 dates, keys as declared, stable member order.
enum APIResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder.encode(value) }

    static func json(status: HTTPResponseStatus, body: Data, location: String? = nil) -> Response {
        let response = Response(status: status, body: .init(data: body))
        response.headers.contentType = .json
        if let location { response.headers.replaceOrAdd(name: .location, value: location) }
        return response
    }

    static func ok<T: Encodable>(_ value: T) throws -> Response { json(status: .ok, body: try encode(value)) }
}

/// Decodes an API body, turning the decoder's complaint into a 400 that names the member.
extension Request {
    func apiBody<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw APIRequestProblem(status: .badRequest, reason: "Send a JSON object as the request body.")
        }
        // The route's body limit holds on the wire (Vapor stops collecting); checked here too for bodies that
        // arrived whole, as in-process tests send them.
        if let limit = route?.maxBodySize, buffer.readableBytes > limit { throw Abort(.payloadTooLarge) }
        guard headers.contentType?.type == "application", headers.contentType?.subType == "json" else {
            throw APIRequestProblem(status: .unsupportedMediaType, reason: "Send the body as application/json.")
        }
        // What a form would clean (`CleanedContent`), a system sending JSON is told of: it is not silently changed, and a
        // text's length is checked as sent.
        guard CleanedJSONDecoder.cleaned(buffer) == buffer else {
            throw APIRequestProblem(status: .unprocessableEntity, reason: "A text holds control characters or invisible formatting "
                                    + "(a NUL, a direction override, zero-width text) or nothing visible: send it without them.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw APIRequestProblem(status: .badRequest, reason: "\(Self.path(context)): wrong type of value.")
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIRequestProblem(status: .badRequest, reason: "\(Self.path(context, key)): missing.")
        } catch {
            throw APIRequestProblem(status: .badRequest, reason: "The body is not valid JSON.")
        }
    }

    private static func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
        let keys = context.codingPath + (key.map { [$0] } ?? [])
        return keys.isEmpty ? "body" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// `limit` (1–200, default 50) and an opaque `cursor` naming the last item of the previous page. Lists are in a
/// stable order (a date, then the id), so a cursor stays valid while records are added.
struct APIPaging: Sendable {
    static let maximum = 200
    static let standard = 50

    let limit: Int
    let after: (key: String, id: UUID)?

    init(_ req: Request) throws {
        var errors = FieldErrors()
        let limitText = req.query[String.self, at: "limit"]
        if let limitText, Int(limitText).map({ (1...Self.maximum).contains($0) }) != true {
            errors.add("limit", "Must be a whole number from 1 to \(Self.maximum)")
        }
        limit = limitText.flatMap(Int.init) ?? Self.standard
        if let cursor = req.query[String.self, at: "cursor"] {
            after = Self.decode(cursor)
            if after == nil { errors.add("cursor", "Not a cursor this API gave out; start again without it") }
        } else {
            after = nil
        }
        if !errors.isEmpty { throw APIInvalidInput(errors) }
    }

    static func cursor(key: String, id: UUID) -> String {
        SecretToken.base64URL(Array("\(key)|\(id.uuidString)".utf8))
    }

    private static func decode(_ cursor: String) -> (String, UUID)? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard cursor.count <= 200, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[1])), CivilDate(String(parts[0])) != nil else { return nil }
        return (String(parts[0]), id)
    }

    /// Newest first by `date`, then by id: the rows after the cursor, one more than the limit to tell whether
    /// another page follows.
    func apply<M: Model>(to query: QueryBuilder<M>, date: KeyPath<M, FieldProperty<M, String>>) -> QueryBuilder<M>
    where M.IDValue == UUID {
        var query = query
        if let after {
            query = query.group(.or) { or in
                or.filter(date < after.key)
                or.group(.and) { same in same.filter(date == after.key).filter(\M._$id < after.id) }
            }
        }
        return query.sort(date, .descending).sort(\M._$id, .descending).limit(limit + 1)
    }

    /// The page's items and the cursor for the next page, if there is one.
    func page<M: Model, Item: Encodable>(_ rows: [M], key: (M) -> String, _ item: (M) throws -> Item) rethrows
    -> APIPage<Item> where M.IDValue == UUID {
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { Self.cursor(key: key($0), id: $0.id!) } : nil
        return APIPage(items: try shown.map(item), nextCursor: next)
    }
}

struct APIPage<Item: Encodable>: Encodable {
    let items: [Item]
    let nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present (null on the last page), so clients test one member.
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    private enum CodingKeys: String, CodingKey { case items, nextCursor }
}

/// A JSON number meant to be whole. JSON does not tell `6` from `6.0` (JSON Schema's "integer" accepts both),
/// so both are 6; `6.5` or a number too large is kept as typed, and the field's check refuses it by name.
struct WholeNumber: Decodable, Equatable, Sendable {
    let value: Int?
    let typed: String

    init(from decoder: any Decoder) throws {
        let number = try decoder.singleValueContainer().decode(Double.self)
        typed = String(number)
        value = number.rounded() == number && abs(number) < 1e15 ? Int(number) : nil
    }
}
