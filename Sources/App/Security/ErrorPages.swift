import Vapor

/// Replaces Vapor's ErrorMiddleware, which shows any Abort's reason even in production (ASVS v5.0.0-16.5.1):
/// people see a plain message and a reference; the detail goes to the log under the same reference.
struct ErrorPageMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch {
            let status = (error as? any AbortError)?.status ?? .internalServerError
            // The request id: the same value as in every log line of this request, and its X-Request-Id header.
            let reference = req.requestID
            if status.code >= 500 {
                req.logger.error("\(req.method) \(req.routePattern): \(String(reflecting: error))")
            } else {
                req.logger.info("\(req.method) \(req.routePattern): \(status.code)")
            }
            let headers = (error as? any AbortError)?.headers ?? [:]
            return try await page(for: status, headers: headers, error: error, reference: String(reference), req: req)
        }
    }

    private func page(for status: HTTPResponseStatus, headers: HTTPHeaders, error: any Error, reference: String,
                      req: Request) async throws -> Response {
        var (title, message) = Self.text(for: status)
        // Our own form problems name the field in words meant for people; other errors' detail stays in the log.
        if let problem = error as? FormProblem { message = problem.message + " Go back, correct it and send the form again." }
        if let unreadable = UnreadableForm.sentence(for: error, req: req) { message = unreadable }
        if let limited = error as? TooManyAttempts, let advice = limited.advice { message = advice }
        if let closed = error as? CaseIsClosed { message = closed.reason }
        if req.url.path.hasPrefix("/api/") {
            return try APIProblem.response(status: status, error: error, headers: headers)
        }
        let view: View
        do {
            // The page's frame needs the settings: when even they are missing, the plain answer below still goes.
            let model = try ErrorPage(layout: req.layout(title: title), title: title, message: message, reference: reference)
            view = try await req.view.render("error", model)
        } catch {
            req.logger.error("The error page itself failed: \(String(reflecting: error))")
            return Response(status: status, body: .init(string: "\(title). Reference \(reference)."))
        }
        let response = Response(status: status, body: .init(buffer: view.data))
        response.headers.contentType = .html
        if let wait = headers.first(name: .retryAfter) { response.headers.replaceOrAdd(name: .retryAfter, value: wait) }
        return response
    }

    static func text(for status: HTTPResponseStatus) -> (String, String) {
        switch status.code {
        case 400: ("Something in the request was not right", "Go back and check what you entered.")
        case 403: ("You cannot do that", "Your role does not allow this, or the form had expired. Go back, reload the page and try again.")
        case 404: ("Page not found", "The page or record does not exist, or you do not have access to it.")
        case 409: ("Already done", "Someone has already done this, or it no longer applies. Reload the page to see where things stand.")
        case 413: ("Too large", "What you sent is larger than Reachable accepts.")
        case 422: ("Something in the form was not right", "Go back and check what you entered.")
        case 429: ("Too many attempts", "Wait a few minutes, then try again.")
        default: ("Sorry, something went wrong", "The problem has been logged. Try again in a moment; if it keeps happening, give the reference below to your administrator.")
        }
    }
}

struct ErrorPage: Encodable {
    let layout: Layout
    let title: String
    let message: String
    let reference: String
}

/// A form that cannot be saved, with a sentence naming the field, for forms too small for their own error summary.
struct FormProblem: AbortError {
    let message: String
    var status: HTTPResponseStatus { .unprocessableEntity }
    var reason: String { message }

    init(_ message: String) { self.message = message }
}
