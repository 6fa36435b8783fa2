import Vapor

/// An API path that exists, asked with a method it does not take, is 405 with `Allow` (RFC 9110 §15.5.6),
/// not 404: a client learns it has the method wrong, not the address.
struct APIMethodMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: req)
        } catch let error as any AbortError where error.status == .notFound && req.route == nil && req.url.path.hasPrefix("/api/") {
            let methods = Self.methods(for: req.url.path, in: req.application.routes.all)
            guard !methods.isEmpty else { throw error }
            throw MethodNotAllowed(allowed: methods)
        }
    }

    /// The methods registered for routes whose pattern matches the path.
    static func methods(for path: String, in routes: [Route]) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var methods = Set<String>()
        for route in routes where route.path.count == parts.count {
            let matches = zip(route.path, parts).allSatisfy { component, part in
                if case let .constant(text) = component { return text == part }
                return true
            }
            if matches { methods.insert(route.method.rawValue) }
        }
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }

    struct MethodNotAllowed: APIExplainedError {
        let allowed: [String]
        var status: HTTPResponseStatus { .methodNotAllowed }
        var reason: String { "This path takes \(allowed.joined(separator: ", ")) only." }
        var headers: HTTPHeaders { ["Allow": allowed.joined(separator: ", ")] }
    }
}
