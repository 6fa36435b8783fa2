import Domain
import Foundation
import Vapor

/// Every form and JSON body is read through `TypedText.clean` before any handler sees it: one place drops the
/// characters nobody types on purpose (a NUL, direction overrides that disguise a name, zero-width text) and empties
/// a field with nothing visible in it, so that every required field refuses it and no page shows it back. Secrets
/// (passwords, the duress word) are left exactly as typed: they are compared, never shown. The API's own bodies
/// are not changed but refused when they hold such text (`Request.apiBody`): a system is told what it sent.
enum CleanedContent {
    static let secretFields: Set<String> = ["password", "confirmation", "duressWord"]

    /// Installs the cleaning decoders in Vapor's content configuration (process-wide), once however many
    /// applications the process makes.
    static func use() { _ = installed }

    private static let installed: Bool = {
        let configuration = ContentConfiguration.global
        let urlEncoded = (try? configuration.requireDecoder(for: .urlEncodedForm)) ?? URLEncodedFormDecoder()
        let json = (try? configuration.requireDecoder(for: .json)) ?? JSONDecoder()
        ContentConfiguration.global.use(decoder: CleaningDecoder(base: urlEncoded, clean: CleanedFormDecoder.cleaned), for: .urlEncodedForm)
        ContentConfiguration.global.use(decoder: CleaningDecoder(base: json, clean: CleanedJSONDecoder.cleaned), for: .json)
        return true
    }()
}

/// A content type's own decoder, given the body once `clean` has cleaned it.
struct CleaningDecoder: ContentDecoder {
    let base: any ContentDecoder
    let clean: @Sendable (ByteBuffer) -> ByteBuffer

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try base.decode(D.self, from: clean(body), headers: headers)
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        try base.decode(D.self, from: clean(body), headers: headers, userInfo: userInfo)
    }
}

/// `application/x-www-form-urlencoded`: each value is decoded, cleaned and encoded again for Vapor's own decoder.
enum CleanedFormDecoder {

    /// Only the characters a query's name or value may hold unencoded.
    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func cleaned(_ body: ByteBuffer) -> ByteBuffer {
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes) else { return body }
        var changed = false
        let pairs = text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals], raw = pair[pair.index(after: equals)...]
            let field = String(name).removingPercentEncoding ?? String(name)
            // A value that is not valid percent-encoding goes on as it came, for Vapor's decoder to refuse.
            guard !CleanedContent.secretFields.contains(fieldName(field)),
                  let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else { return String(pair) }
            let clean = TypedText.clean(value)
            guard clean != value else { return String(pair) }
            changed = true
            return String(name) + "=" + (clean.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
        }
        // Unchanged, the body goes on byte for byte (bytes that are not UTF-8 included, for Vapor to refuse).
        return changed ? ByteBuffer(string: pairs.joined(separator: "&")) : body
    }

    /// `cases[]` and `cases[0]` are the field `cases`.
    private static func fieldName(_ name: String) -> String {
        name.firstIndex(of: "[").map { String(name[..<$0]) } ?? name
    }
}

/// `application/json`: every string in the document, at any depth, is cleaned (but a secret's).
enum CleanedJSONDecoder {

    static func cleaned(_ body: ByteBuffer) -> ByteBuffer {
        let data = Data(body.readableBytesView)
        // What is not JSON goes on as it came, for the decoder to refuse with its own message.
        guard let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return body }
        var changed = false
        let clean = cleaned(document, key: nil, changed: &changed)
        guard changed, let out = try? JSONSerialization.data(withJSONObject: clean, options: [.fragmentsAllowed]) else { return body }
        return ByteBuffer(data: out)
    }

    private static func cleaned(_ value: Any, key: String?, changed: inout Bool) -> Any {
        switch value {
        case let text as String:
            guard !CleanedContent.secretFields.contains(key ?? "") else { return text }
            let clean = TypedText.clean(text)
            if clean != text { changed = true }
            return clean
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { $0[$1.key] = cleaned($1.value, key: $1.key, changed: &changed) }
        case let array as [Any]:
            return array.map { cleaned($0, key: key, changed: &changed) }
        default:
            return value
        }
    }
}
