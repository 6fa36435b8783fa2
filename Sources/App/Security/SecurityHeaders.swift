import Vapor

/// Headers on every response (ASVS v5.0.0-3.4.x, 14.3.2). The policy allows our own stylesheet and images and
/// nothing inline, so an injected script or style does not run even if escaping were ever missed.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
        "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
    ].joined(separator: "; ")

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        let headers = try Self.headers(isStatic: Self.isStatic(req.url.path), tls: req.arrivedOverTLS)
        for (name, value) in headers where !response.headers.contains(name: name) || name == "Cache-Control" {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }

    static func isStatic(_ path: String) -> Bool {
        path.hasPrefix("/css/") || path.hasPrefix("/images/") || path == "/favicon.ico"
    }

    static func headers(isStatic: Bool, tls: Bool) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cross-Origin-Resource-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
            // Personal data must not sit in shared or browser caches (ASVS v5.0.0-14.3.2).
            ("Cache-Control", isStatic ? "public, max-age=3600" : "no-store"),
        ]
        if tls { headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains")) }
        return headers
    }
}
