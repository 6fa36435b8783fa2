import Fluent
import Foundation
import SQLKit
import Vapor

/// Keeping what a person sent when their session had already timed out, and giving it back after they sign in
/// again: nothing typed at 2 a.m. is lost to the idle timeout.
///
/// Only a form of the signed-in pages (URL-encoded, not signing in or out, not account security or set-up), only
/// from a session that ended by timing out (not signed out, not ended everywhere, not a disabled account), and
/// only when it carries that session's own CSRF token: nothing anyone else can make is kept. Sealed with the data
/// key, bound to the account, gone after `lifetime`.
enum KeptSubmissions {
    static let lifetime: TimeInterval = 12 * 3600
    static let largestBody = 64 * 1024
    private static let neverKept = ["/sign-in", "/sign-out", "/set-up", "/account", "/search", "/api/", "/admin", "/imports",
                                    "/kept"]

    /// The pages whose forms are kept: the casework, not the account or administration.
    private static let keptUnder = ["/cases/", "/referrals", "/rescues", "/people/", "/lone-working", "/partnerships",
                                    "/contexts", "/outreach", "/staff/", "/information-sharing"]

    static func mayKeep(_ req: Request) -> Bool {
        let path = req.url.path
        return req.method == .POST && req.headers.contentType == .urlEncodedForm
            && keptUnder.contains { path.hasPrefix($0) } && !neverKept.contains { path.hasPrefix($0) }
            && path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "/" || $0 == "-") }
            && req.application.routes.all.contains { route in route.method == .POST && Self.matches(path, route.path) }
    }

    /// Whether a path is one of the application's own routes (parameters match any one segment).
    private static func matches(_ path: String, _ pattern: [PathComponent]) -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count == pattern.count else { return false }
        return zip(parts, pattern).allSatisfy { part, component in
            switch component {
            case let .constant(text): text == part
            case .parameter: true
            default: false
            }
        }
    }

    /// Keeps the request's form for `userID` when it carries `csrfToken`; whether it did.
    static func keep(_ req: Request, userID: UUID, csrfToken: String, now: Date) async throws -> Bool {
        guard mayKeep(req),
              let buffer = try? await req.body.collect(max: largestBody).get() else { return false }
        let pairs = FormPairs.decode(String(buffer: buffer))
        guard let token = pairs.first(where: { $0.name == "_csrf" })?.value,
              SecretToken.constantTimeEquals(token, csrfToken) else { return false }
        let cipher = try req.application.cipher
        let kept = KeptSubmission()
        kept.id = UUID()
        kept.userID = userID
        kept.path = req.url.path
        kept.body = try cipher.seal(FormPairs.encode(pairs.filter { $0.name != "_csrf" }))
        kept.keptAt = now
        kept.expiresAt = now.addingTimeInterval(lifetime)
        let entry = AuditEntry(action: .submissionKept, userID: userID, actor: "session timed out", objectType: .keptSubmission,
                               objectID: kept.id!.uuidString, address: req.clientAddress,
                               detail: "a form sent to \(req.url.path) after the session timed out, kept for the next sign-in")
        let sealedBody = kept.body
        try await req.write { db in
            try await KeptSubmission.query(on: db).filter(\.$expiresAt < now).delete()
            // The same form sent twice (a second click while signed out) is kept once: the newer replaces it.
            let earlier = try await KeptSubmission.query(on: db).filter(\.$userID == userID).filter(\.$path == kept.path).all()
            for old in earlier where (try? cipher.open(old.body)) == (try? cipher.open(sealedBody)) { try await old.delete(on: db) }
            try await kept.create(on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return true
    }

    /// A form carrying the token of one of the account's sessions that ended in the last `lifetime` (the person has
    /// since signed in again, and the request carries their new session): kept as above. Only their own browser
    /// holds both the new session's cookie and the old page's token.
    static func keepFromEarlierSession(_ req: Request, userID: UUID, sentToken: String, now: Date) async throws -> Bool {
        guard mayKeep(req), !sentToken.isEmpty else { return false }
        struct Row: Decodable { let csrf_token: String }
        let earlier = try await (req.db as! any SQLDatabase).raw("""
            SELECT csrf_token FROM user_sessions
            WHERE user_id = \(bind: userID) AND ended_at IS NOT NULL AND ended_at > \(bind: now.addingTimeInterval(-lifetime))
            """).all(decoding: Row.self)
        guard let match = earlier.first(where: { SecretToken.constantTimeEquals(sentToken, $0.csrf_token) }) else { return false }
        return try await keep(req, userID: userID, csrfToken: match.csrf_token, now: now)
    }

    /// The account's unexpired kept forms, oldest first.
    static func waiting(for userID: UUID, now: Date, on db: any Database) async throws -> [KeptSubmission] {
        try await KeptSubmission.query(on: db).filter(\.$userID == userID).filter(\.$expiresAt > now).sort(\.$keptAt).all()
    }
}

/// URL-encoded form fields in order, repeated names kept (`present[]`), as a browser sends them.
enum FormPairs {
    struct Pair: Sendable, Equatable {
        let name: String
        let value: String
    }

    static func decode(_ body: String) -> [Pair] {
        body.split(separator: "&").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ text: Substring) -> String? {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = unescape(parts[0]), !name.isEmpty else { return nil }
            return Pair(name: name, value: parts.count > 1 ? (unescape(parts[1]) ?? "") : "")
        }
    }

    static func encode(_ pairs: [Pair]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        func escape(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
        }
        return pairs.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    }
}
