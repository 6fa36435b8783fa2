@testable import App
import Foundation
import NIOCore
import NIOHTTP1
import VaporTesting

/// A person's browser for tests: keeps cookies between requests and puts the last page's CSRF token into forms,
/// as a real browser submitting the form would.
final class Browser: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    private(set) var lastToken: String?
    var extraHeaders: HTTPHeaders = [:]

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil)
    }

    /// Posts a form; `_csrf` is added from the last page unless the form sets it (or `withToken` is false).
    @discardableResult
    func post(_ path: String, _ form: [String: String] = [:], withToken: Bool = true) async throws -> TestingHTTPResponse {
        var fields = form
        if withToken, fields["_csrf"] == nil, let token = lastToken { fields["_csrf"] = token }
        return try await send(.POST, path, body: Self.encode(fields), contentType: "application/x-www-form-urlencoded")
    }

    /// Posts a form whose names repeat (checkboxes: `channels[]` twice), in the order given.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        var all = pairs
        if !all.contains(where: { $0.0 == "_csrf" }), let token = lastToken { all.append(("_csrf", token)) }
        let body = all.map { Self.encode([$0.0: $0.1]) }.joined(separator: "&")
        return try await send(.POST, path, body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// Posts a multipart form with one file, as a browser uploading a spreadsheet does.
    @discardableResult
    func upload(_ path: String, _ form: [String: String], fileField: String, filename: String, content: String) async throws -> TestingHTTPResponse {
        var fields = form
        if fields["_csrf"] == nil, let token = lastToken { fields["_csrf"] = token }
        let boundary = "reachable-test-boundary"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(filename)\"\r\n"
        body += "Content-Type: text/csv\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
        return try await send(.POST, path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    var sessionCookie: String? { cookies["reachable"] }

    func setCookie(_ name: String, _ value: String?) { cookies[name] = value }

    /// Posts a URL-encoded body exactly as given (the token appended), as a script rather than a browser might.
    func postRaw(_ path: String, _ body: String) async throws -> TestingHTTPResponse {
        let token = (lastToken ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await send(.POST, path, body: body + "&_csrf=" + token, contentType: "application/x-www-form-urlencoded")
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?, contentType: String = "") async throws -> TestingHTTPResponse {
        var headers = extraHeaders
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var buffer: ByteBuffer?
        if let body {
            headers.replaceOrAdd(name: .contentType, value: contentType)
            buffer = ByteBuffer(string: body)
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: buffer)
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pair.count == 2 else { continue }
            // Expired by its attributes, not by what its random value happens to contain.
            let attributes = header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let expired = attributes.contains("max-age=0") || attributes.contains { $0.hasPrefix("expires=") && $0.contains("1970") }
            cookies[pair[0]] = expired || pair[1].isEmpty ? nil : pair[1]
        }
        if let token = Self.firstMatch(in: response.body.string, after: "name=\"_csrf\" value=\"") {
            lastToken = token
        }
        return response
    }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return fields.map { key, value in
            let k = key.addingPercentEncoding(withAllowedCharacters: allowed)!
            let v = value.addingPercentEncoding(withAllowedCharacters: allowed)!
            return "\(k)=\(v)"
        }.joined(separator: "&")
    }

    /// The text after `marker` up to the next `"` or `<`.
    static func firstMatch(in html: String, after marker: String) -> String? {
        guard let start = html.range(of: marker) else { return nil }
        let rest = html[start.upperBound...]
        let end = rest.firstIndex { $0 == "\"" || $0 == "<" } ?? rest.endIndex
        return String(rest[..<end])
    }
}
