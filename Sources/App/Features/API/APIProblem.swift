import Vapor

/// An API error as `application/problem+json` (RFC 9457). Validation problems list every field at fault;
/// other errors say as much as is safe: our own reasons, and the decoder's (which names the JSON field), but
/// never an internal error's detail.
struct APIProblem: Content {
    struct FieldProblem: Content {
        let field: String
        let message: String
    }

    var type: String = "about:blank"
    let title: String
    let status: Int
    var detail: String
    var errors: [FieldProblem]?

    static let mediaType = HTTPMediaType(type: "application", subType: "problem+json")

    static func defaultDetail(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "The request was malformed."
        case 401: APIUnauthorized().reason
        case 403: "Your role does not allow this."
        case 404: "No such record, or you do not have access to it."
        case 405: "This path does not accept that method."
        case 409: "This has already been done, or no longer applies."
        case 413: "The body is larger than this operation accepts."
        case 415: "Send the body as application/json."
        case 422: "The request could not be processed."
        case 429: "Too many requests: wait as long as Retry-After says."
        default: "Something went wrong. It has been logged; try again in a moment."
        }
    }

    static func response(status: HTTPResponseStatus, error: any Error, headers: HTTPHeaders) throws -> Response {
        var problem = APIProblem(title: status.reasonPhrase, status: Int(status.code), detail: defaultDetail(for: status))
        if let invalid = error as? APIInvalidInput {
            problem.errors = invalid.errors.entries.map { FieldProblem(field: $0.id, message: $0.message) }
            problem.detail = invalid.errors.entries.map { "\($0.id): \($0.message)" }.joined(separator: "; ")
        } else if let explained = error as? any APIExplainedError {
            problem.detail = explained.reason
        } else if status == .badRequest, let abort = error as? any AbortError {
            problem.detail = abort.reason
        }
        let response = Response(status: status)
        try response.content.encode(problem, as: .json)
        response.headers.contentType = mediaType
        for name in ["Retry-After", "WWW-Authenticate", "Allow"] {
            if let value = headers.first(name: name) { response.headers.replaceOrAdd(name: name, value: value) }
        }
        return response
    }
}

/// An error whose reason is written for the API's callers and safe to show them.
protocol APIExplainedError: AbortError {}

extension APIUnauthorized: APIExplainedError {}
extension APIReadOnly: APIExplainedError {}
extension TooManyAttempts: APIExplainedError {}

/// 422 naming every field at fault, by the JSON member's name.
struct APIInvalidInput: AbortError {
    let errors: FieldErrors
    var status: HTTPResponseStatus { .unprocessableEntity }
    var reason: String { errors.entries.map { "\($0.id): \($0.message)" }.joined(separator: "; ") }

    init(_ errors: FieldErrors) { self.errors = errors }

    init(field: String, _ message: String) {
        var errors = FieldErrors()
        errors.add(field, message)
        self.errors = errors
    }
}

/// A problem with a plain explanation (a bad cursor, a reused idempotency key).
struct APIRequestProblem: APIExplainedError {
    let status: HTTPResponseStatus
    let reason: String
}
