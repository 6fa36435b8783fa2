@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import VaporTesting

/// Every counter and every one-time thing, hit by simultaneous requests spread over two instances of the
/// application on one PostgreSQL (CI's second pass; one instance on SQLite, in the first): the exact count holds and
/// nothing answers 5xx. No warm-up request comes first: the first use of a key is where inserts used to race.
@Suite("Counters and one-time things under simultaneous requests on two instances")
struct ConcurrencyTests {
    /// Sends `count` requests at once, alternating between the two instances; returns their statuses.
    static func burst(_ count: Int, _ apps: (Application, Application),
                      _ request: @escaping @Sendable (Application, Int) async throws -> TestingHTTPResponse) async throws -> [HTTPStatus] {
        let (first, second) = apps
        return try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for index in 0..<count {
                let app = index.isMultiple(of: 2) ? first : second
                group.addTask { try await request(app, index).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func cookieHeaders(_ browser: Browser, form: Bool = true) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        if form { headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded") }
        return headers
    }

    @Test("A fresh token under a limit of 20 a minute: 60 simultaneous requests, exactly 20 answered, 40 refused, none 5xx")
    func tokenLimit() async throws {
        try await withInstances(env: ["REACHABLE_API_REQUESTS_PER_MINUTE": "20"]) { first, second in
            let worker = try await Fixtures.account(first, role: .caseworker, region: "west-midlands")
            let token = try await APITestSupport.token(first, for: worker)
            let statuses = try await Self.burst(60, (first, second)) { app, _ in
                try await APITestSupport.send(app, .GET, "/api/v1/referrals", token: token)
            }
            #expect(statuses.filter { $0 == .ok }.count == 20, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 40)
            #expect(!statuses.contains { $0.code >= 500 })
        }
    }

    @Test("Ten simultaneous wrong passwords: each counted once or refused as locked, every fifth locks, none 5xx")
    func wrongPasswords() async throws {
        try await withInstances { first, second in
            let account = try await Fixtures.account(first, role: .caseworker, region: "west-midlands")
            let browser = Browser(first)
            try await browser.get(SiteURL.signIn.path)
            let headers = Self.cookieHeaders(browser)
            let body = Browser.encode(["email": account.email, "password": "wrong password here",
                                       "_csrf": browser.lastToken ?? ""])
            let statuses = try await Self.burst(10, (first, second)) { app, _ in
                try await app.testing().sendRequest(.POST, SiteURL.signIn.path, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(statuses.allSatisfy { $0 == .unprocessableEntity }, "\(statuses)")
            let user = try #require(try await User.find(account.id, on: first.db))
            #expect(user.lockedUntil != nil, "five failures lock the account, whatever their timing")
            // An attempt that arrives once the account is locked is refused without being counted; every other is
            // counted exactly once, and every fifth counted failure locks and starts the count again.
            let counted = try await AuditEvent.query(on: first.db).filter(\.$action == "signin.failure")
                .filter(\.$detail == "wrong password").count()
            let refusedLocked = try await AuditEvent.query(on: first.db).filter(\.$action == "signin.failure")
                .filter(\.$detail == "account locked").count()
            #expect(counted + refusedLocked == 10)
            #expect(counted >= 5)
            #expect(try await AuditEvent.query(on: first.db).filter(\.$action == "account.locked").count() == counted / 5)
            #expect(user.failedAttempts == counted % 5)
        }
    }

    @Test("One authenticator code sent twice at the same instant signs in one session")
    func totpOnce() async throws {
        try await withInstances { first, second in
            let account = try await Fixtures.account(first, role: .caseworker, region: "west-midlands")
            // Two browsers past the password, each waiting for the code.
            var pending: [HTTPHeaders] = []
            var tokens: [String] = []
            for app in [first, second] {
                let browser = Browser(app)
                try await browser.get(SiteURL.signIn.path)
                try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
                try await browser.get(SiteURL.signInCode.path)
                pending.append(Self.cookieHeaders(browser))
                tokens.append(browser.lastToken ?? "")
            }
            let code = Fixtures.currentCode(first, account)
            let headers = pending, csrf = tokens
            let statuses = try await Self.burst(2, (first, second)) { app, index in
                try await app.testing().sendRequest(.POST, SiteURL.signInCode.path, headers: headers[index],
                                                    body: ByteBuffer(string: Browser.encode(["code": code, "_csrf": csrf[index]])))
            }
            #expect(statuses.filter { $0 == .seeOther }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == 1)
            let signedIn = try await UserSession.query(on: first.db).filter(\.$user.$id == account.id)
                .filter(\.$stage == .signedIn).count()
            #expect(signedIn == 1)
        }
    }

    /// `count` browsers past the password of `account`, waiting for a code: each one's cookie headers and form token.
    static func waitingForCode(_ account: Account, _ apps: (Application, Application), count: Int) async throws -> [(HTTPHeaders, String)] {
        var pending: [(HTTPHeaders, String)] = []
        for index in 0..<count {
            let browser = Browser(index.isMultiple(of: 2) ? apps.0 : apps.1)
            try await browser.get(SiteURL.signIn.path)
            try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            try await browser.get(SiteURL.signInCode.path)
            pending.append((Self.cookieHeaders(browser), browser.lastToken ?? ""))
        }
        return pending
    }

    @Test("One recovery code sent four times at the same instant signs in one session")
    func recoveryCodeOnce() async throws {
        try await withInstances { first, second in
            let account = try await Fixtures.account(first, role: .manager, region: "london")
            try await RecoveryCode(userID: account.id, codeHash: SecretToken.hash(RecoveryCodes.fold("ABCD-EFGH-IJKL-MNOP")))
                .create(on: first.db)
            let pending = try await Self.waitingForCode(account, (first, second), count: 4)
            let statuses = try await Self.burst(4, (first, second)) { app, index in
                try await app.testing().sendRequest(.POST, SiteURL.signInCode.path, headers: pending[index].0,
                                                    body: ByteBuffer(string: Browser.encode(["code": "abcd efgh ijkl mnop", "_csrf": pending[index].1])))
            }
            #expect(statuses.filter { $0 == .seeOther }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == 3)
            #expect(try await UserSession.query(on: first.db).filter(\.$user.$id == account.id).filter(\.$stage == .signedIn).count() == 1)
        }
    }

    @Test("One Idempotency-Key sent ten times at once: one referral, ten identical answers, none 5xx")
    func idempotencyKeyOnce() async throws {
        try await withInstances { first, second in
            let worker = try await Fixtures.account(first, role: .caseworker, region: "west-midlands")
            let token = try await APITestSupport.token(first, for: worker)
            let body = APITestSupport.json(APITestSupport.referral(firstName: "Once", lastName: "Only"))
            let answers = ResponsesBox()
            let statuses = try await Self.burst(10, (first, second)) { app, _ in
                let response = try await APITestSupport.send(app, .POST, "/api/v1/referrals", token: token, json: body,
                                                             headers: [Idempotency.header: "burst-key-1"])
                answers.add(response.body.string)
                return response
            }
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses)")
            #expect(Set(answers.all).count == 1, "every answer is the first one")
            #expect(try await Referral.query(on: first.db).filter(\.$firstName == "Once").count() == 1)
        }
    }

    @Test("One set-up link used twice at the same instant sets one password")
    func setupLinkOnce() async throws {
        try await withInstances { first, second in
            let user = User(email: "new@example.org", displayName: "New Person", role: .caseworker,
                            regionID: try await Region.query(on: first.db).filter(\.$code == "london").first()?.id)
            try await user.create(on: first.db)
            let link = try await first.writes.transaction(on: first.db) { db in
                try await SetupLinks.issue(for: user.id, purpose: .setPassword, settings: first.settings, now: first.clock.now(), on: db)
            }
            let path = try String(link.dropFirst(first.settings.baseURL.count))
            var pending: [(HTTPHeaders, String)] = []
            for app in [first, second] {
                let browser = Browser(app)
                try await browser.get(path)
                pending.append((Self.cookieHeaders(browser), browser.lastToken ?? ""))
            }
            let forms = pending
            let statuses = try await Self.burst(2, (first, second)) { app, index in
                let body = Browser.encode(["password": "a long pass phrase \(index)", "confirmation": "a long pass phrase \(index)",
                                           "_csrf": forms[index].1])
                return try await app.testing().sendRequest(.POST, path, headers: forms[index].0, body: ByteBuffer(string: body))
            }
            #expect(statuses.filter { $0 == .seeOther }.count == 1, "\(statuses)")
            #expect(!statuses.contains { $0.code >= 500 })
            #expect(try await AuditEvent.query(on: first.db).filter(\.$action == "account.password_set").count() == 1)
        }
    }

    @Test("The per-address sign-in limit counts failures, not successful sign-ins")
    func addressLimitCountsFailuresOnly() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let limit = try app.settings.signInAttemptsPerAddress
            for _ in 0..<(limit + 2) {
                let browser = Browser(app)
                let page = try await browser.get(SiteURL.signIn.path)
                #expect(page.status == .ok && browser.lastToken != nil, "the sign-in page and its token")
                let response = try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
                // Once seen refused 403 under a full parallel run (not reproduced alone): say what came back.
                #expect(response.status == .seeOther,
                        "\(response.status); cookies \(browser.cookies.keys.sorted()); \(response.body.string.prefix(200))")
            }
        }
    }
}

/// Collects answers from concurrent tasks.
final class ResponsesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var bodies: [String] = []

    func add(_ body: String) { lock.lock(); bodies.append(body); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return bodies }
}
