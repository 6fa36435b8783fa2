import Foundation
import Vapor

/// Why a form could not be read at all, in words that name its field: the form decoder's own errors name Swift
/// types. Such a form does not come from the service's pages (a field sent as a list, a name in brackets, bytes
/// that are not text), so the page is not drawn again; the answer says which field and what to do.
enum UnreadableForm {
    static func sentence(for error: any Error, req: Request) -> String? {
        // Only a form's own fields: a decoding error of anything else (a query string, a stored row) names nothing
        // its sender chose.
        guard let decoding = error as? DecodingError, req.headers.contentType == .urlEncodedForm else { return nil }
        let notText = firstFieldNotText(in: req.body.string ?? "")
        switch decoding {
        case let .keyNotFound(key, context):
            return "The form was sent without its field \(shown(context.codingPath.first ?? key)). " + advice
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            guard let field = context.codingPath.first else { return nil }
            if field.stringValue == notText { return "The field \(shown(field)) held characters that are not text. " + advice }
            return "The field \(shown(field)) was not sent as the page sends it. " + advice
        case let .dataCorrupted(context):
            if let field = context.codingPath.first { return "The field \(shown(field)) could not be read. " + advice }
            return (notText.map { "The field \(shown($0))" } ?? "The form") + " held characters that are not text. " + advice
        @unknown default:
            return nil
        }
    }

    private static let advice = "Go back, reload the page and send the form again."

    /// The field's name as sent, quoted; a name no page uses (markup, a long run) is not repeated.
    private static func shown(_ key: any CodingKey) -> String { shown(key.stringValue) }

    private static func shown(_ name: String) -> String {
        let plain = name.count <= 40 && name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
        return plain && !name.isEmpty ? "“\(name)”" : "with an unexpected name"
    }

    /// The first field of a URL-encoded body whose value's percent-escapes do not make UTF-8 text.
    static func firstFieldNotText(in body: String) -> String? {
        FormBody.pairs(of: body).first { FormBody.decoded($0.value) == nil }
            .map { String((FormBody.decoded($0.name) ?? "").prefix { $0 != "[" }) }
    }
}
