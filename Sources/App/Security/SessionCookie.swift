import Vapor

/// The session cookie: HttpOnly, SameSite=Strict, and over TLS Secure with the `__Host-` prefix, which pins it
/// to this host and path (ASVS v5.0.0-3.3.1/3.3.2/3.3.4). No expiry: it dies with the browser, and the server
/// ends it sooner.
enum SessionCookie {
    static func name(for req: Request) throws -> String {
        try req.arrivedOverTLS ? "__Host-reachable" : "reachable"
    }

    static func set(_ token: String, on response: Response, for req: Request) throws {
        response.cookies[try name(for: req)] = try value(token, req: req)
    }

    static func clear(on response: Response, for req: Request) throws {
        var expired = try value("", req: req)
        expired.expires = Date(timeIntervalSince1970: 0)
        expired.maxAge = 0
        response.cookies[try name(for: req)] = expired
    }

    static func value(_ token: String, req: Request) throws -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, path: "/", isSecure: try req.arrivedOverTLS, isHTTPOnly: true, sameSite: .strict)
    }
}
