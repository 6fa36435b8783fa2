import Vapor

/// The outermost middleware: gives each request an id (a proxy's `X-Request-Id` when it is a plain token,
/// otherwise Vapor's own), puts it in every log line of the request and in the response, logs one line per
/// request by route pattern (never the path itself: set-up links carry secrets, paths carry record ids), and
/// counts the request for the metrics.
struct RequestLogMiddleware: AsyncMiddleware {
    static let header = "X-Request-Id"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Not Vapor's `req.id`: it copies the incoming header as it is.
        let id = Self.acceptable(req.headers.first(name: Self.header)) ?? UUID().uuidString.lowercased()
        req.requestID = id
        req.logger[metadataKey: "request-id"] = .string(id)
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: req)
        } catch {
            // Error pages are made inside; anything escaping them is still counted and logged.
            record(req, status: (error as? any AbortError)?.status.code ?? 500, since: started)
            throw error
        }
        response.headers.replaceOrAdd(name: Self.header, value: id)
        record(req, status: response.status.code, since: started)
        return response
    }

    private func record(_ req: Request, status: UInt, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = req.routePattern
        do {
            try req.application.operationalMetrics.recordRequest(method: req.method.rawValue, route: route, status: status, duration: elapsed)
        } catch {
            // Counted or not, the request keeps its own answer (or its own error); the missing set-up is logged.
            req.logger.error("\(error)")
        }
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        req.logger.log(level: status >= 500 ? .error : .info, "\(req.method.rawValue) \(route) \(status)",
                       metadata: ["duration_ms": .string(String(format: "%.1f", milliseconds))])
    }

    private static func acceptable(_ value: String?) -> String? {
        guard let value, (1...64).contains(value.count),
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        return value
    }
}

extension Request {
    /// The route as registered (`/set-up/:token`), what logs and metrics name: never the path, which can carry
    /// secrets (set-up links) and record ids.
    var routePattern: String {
        route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
    }

    private struct RequestIDKey: StorageKey { typealias Value = String }

    /// The id in this request's log lines and its `X-Request-Id` response header; error pages show it as the
    /// reference to quote.
    var requestID: String {
        get { storage[RequestIDKey.self] ?? "none" }
        set { storage[RequestIDKey.self] = newValue }
    }
}
