import Fluent
import Foundation
import SQLKit
import Vapor

/// The sessions the HTTP benchmark uses (scripts/bench, bench/load.py): one signed-in session for each demo
/// account, with the cases it is to view in random order and, for a caseworker, the open cases it leads (where
/// the load writes a contact each second). One JSON object per line on standard output.
///
/// Demo accounts only: the session skips the second factor, so no other account may be given one.
enum BenchSessions {
    struct Line: Encodable {
        let email: String
        let role: String
        let cookie: String
        let csrf: String
        /// Case pages in the account's scope, in random order: empty for roles that do not read case content.
        let cases: [String]
        /// Open cases the account leads (caseworkers), for writes.
        let leads: [String]
        /// What the search box is asked, about young people in the account's scope: names, a name with a slip,
        /// a last name alone, a name with a date of birth, a reference.
        let searches: [String]
    }

    static func print(app: Application, casesPerSession: Int) async throws {
        let users = try await User.query(on: app.db).filter(\.$disabled == false).sort(\.$email).all()
            .filter { $0.email.hasSuffix("@demo.reachable.example") }
        guard !users.isEmpty else { throw CommandError(message: "No demo accounts: run `reachable demo` first") }
        let sql = app.db as! any SQLDatabase
        let encoder = JSONEncoder()
        struct Row: Decodable { let id: UUID }
        for user in users {
            let cases: [Row]
            switch user.role {
            case .caseworker, .manager:
                guard let regionID = user.$region.id else { continue }
                cases = try await sql.raw("""
                    SELECT id FROM cases WHERE region_id = \(bind: regionID) ORDER BY random() LIMIT \(literal: casesPerSession)
                    """).all(decoding: Row.self)
            case .nationalLead:
                cases = try await sql.raw("SELECT id FROM cases ORDER BY random() LIMIT \(literal: casesPerSession)")
                    .all(decoding: Row.self)
            default:
                cases = []
            }
            let leads = user.role == .caseworker ? try await sql.raw("""
                SELECT id FROM cases WHERE lead_caseworker_id = \(bind: try user.requireID()) AND closed_date IS NULL
                ORDER BY random() LIMIT 100
                """).all(decoding: Row.self) : []
            let searches = try await searchesFor(user, on: sql)
            let (token, csrf) = try await signIn(user, app: app)
            let line = Line(email: user.email, role: user.role.rawValue, cookie: token, csrf: csrf,
                            cases: cases.map { SiteURL.supportCase($0.id).path }, leads: leads.map { SiteURL.supportCase($0.id).path },
                            searches: searches)
            FileHandle.standardOutput.write(try encoder.encode(line) + Data("\n".utf8))
        }
    }

    private static func searchesFor(_ user: User, on sql: any SQLDatabase) async throws -> [String] {
        struct Row: Decodable { let ref: String; let first_name: String; let last_name: String; let date_of_birth: String }
        let condition: SQLQueryString
        switch user.role {
        case .caseworker, .manager:
            guard let regionID = user.$region.id else { return [] }
            condition = "r.region_id = \(bind: regionID)"
        case .nationalLead: condition = "1 = 1"
        default: return []
        }
        let rows = try await sql.raw("""
            SELECT r.ref, p.first_name, p.last_name, p.date_of_birth FROM referrals r JOIN people p ON p.id = r.person_id
            WHERE \(condition) ORDER BY random() LIMIT 4
            """).all(decoding: Row.self)
        return rows.flatMap { row -> [String] in
            // A slip the search forgives: two letters swapped after the first two (punctuation does not count).
            var slipped = Array(row.last_name)
            let letters = slipped.indices.filter { slipped[$0].isLetter }
            if letters.count >= 5 { slipped.swapAt(letters[2], letters[3]) }
            return ["\(row.first_name) \(row.last_name)", "\(row.first_name) \(String(slipped))", row.last_name,
                    "\(row.last_name) \(row.date_of_birth)", row.ref]
        }
    }

    /// A fully signed-in session, audited as the benchmark's.
    private static func signIn(_ user: User, app: Application) async throws -> (token: String, csrf: String) {
        let token = SecretToken.make()
        let csrf = SecretToken.make()
        let now = app.clock.now()
        let session = UserSession(tokenHash: SecretToken.hash(token), userID: try user.requireID(), stage: .signedIn,
                                  csrfToken: csrf, at: now, address: "bench", userAgent: "reachable bench")
        try await app.writes.transaction(on: app.db) { db in
            try await session.create(on: db)
            try await Audit.append(AuditEntry(action: .sessionBench, userID: user.id, actor: "reachable bench http",
                                              objectType: .session, address: "command line", detail: "benchmark session"),
                                   on: db, at: now)
        }
        return (token, csrf)
    }
}
