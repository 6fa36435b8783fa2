@testable import App
import Fluent
import Testing
import VaporTesting

@Suite("Signing in: password, second factor, lockout")
struct SignInTests {
    @Test("A right password alone gives no access; the right code completes sign-in with a new session id")
    func twoSteps() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            let pending = try #require(browser.sessionCookie)
            #expect(try await browser.get(SiteURL.home.path).location == SiteURL.signInCode.path)

            try await browser.get(SiteURL.signInCode.path)
            let done = try await browser.post(SiteURL.signInCode.path, ["code": Fixtures.currentCode(app, account)])
            #expect(done.location == SiteURL.home.path)
            #expect(browser.sessionCookie != pending, "a new session id at sign-in (ASVS v5.0.0-7.2.4)")
            #expect(try await browser.get(SiteURL.home.path).status == .ok)

            // The pending session's cookie is dead.
            let old = Browser(app)
            old.setCookie("reachable", pending)
            #expect(try await old.get(SiteURL.home.path).location == SiteURL.signIn.path)
            #expect(try await Fixtures.auditActions(app).contains("signin.success"))
        }
    }

    @Test("Wrong passwords and unknown emails get the same message and are audited")
    func wrongPassword() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .manager, region: "merseyside")
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            let wrong = try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": "not the password"])
            let unknown = try await browser.post(SiteURL.signIn.path, ["email": "nobody@example.org", "password": "not the password"])
            #expect(wrong.status == .unprocessableEntity && unknown.status == .unprocessableEntity)
            #expect(wrong.body.string.contains(SignInController.failureMessage))
            #expect(unknown.body.string.contains(SignInController.failureMessage))
            #expect(browser.sessionCookie == nil)
            let failures = try await AuditEvent.query(on: app.db).filter(\.$action == "signin.failure").all()
            #expect(failures.count == 2)
            #expect(failures.allSatisfy { !$0.detail.contains("not the password") }, "passwords never reach the log")
        }
    }

    @Test("A wrong code is refused, and a code cannot be used twice")
    func wrongAndReplayedCodes() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            try await browser.get(SiteURL.signInCode.path)
            let code = Fixtures.currentCode(app, account)
            let wrongCode = code == "000000" ? "111111" : "000000"
            #expect(try await browser.post(SiteURL.signInCode.path, ["code": wrongCode]).status == .unprocessableEntity)
            #expect(try await browser.post(SiteURL.signInCode.path, ["code": code]).location == SiteURL.home.path)

            let again = Browser(app)
            try await again.get(SiteURL.signIn.path)
            try await again.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            try await again.get(SiteURL.signInCode.path)
            #expect(try await again.post(SiteURL.signInCode.path, ["code": code]).status == .unprocessableEntity)
        }
    }

    @Test("A recovery code signs in once")
    func recoveryCode() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .nationalLead)
            let code = "ABCD-EFGH-IJKL-MNOP"
            try await RecoveryCode(userID: account.id, codeHash: SecretToken.hash(RecoveryCodes.fold(code))).create(on: app.db)
            for attempt in 1...2 {
                let browser = Browser(app)
                try await browser.get(SiteURL.signIn.path)
                try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
                try await browser.get(SiteURL.signInCode.path)
                let response = try await browser.post(SiteURL.signInCode.path, ["code": "abcd efgh ijkl mnop"])
                if attempt == 1 {
                    #expect(response.location == SiteURL.home.path)
                } else {
                    #expect(response.status == .unprocessableEntity, "used codes are spent")
                }
            }
        }
    }

    @Test("Five failures lock the account for 15 minutes, even against the right password; then it opens again")
    func lockout() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            for _ in 1...5 {
                try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": "wrong password!"])
            }
            let user = try #require(try await User.find(account.id, on: app.db))
            #expect(user.lockedUntil != nil)
            let locked = try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            #expect(locked.status == .unprocessableEntity)
            #expect(browser.sessionCookie == nil)
            #expect(try await Fixtures.auditActions(app).contains("account.locked"))

            app.clock.advance(by: 14 * 60)
            #expect(try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
                .status == .unprocessableEntity, "still locked after 14 minutes")
            app.clock.advance(by: 61)
            try await browser.signIn(account)
            #expect(try await browser.get(SiteURL.home.path).status == .ok)
        }
    }

    @Test("Wrong codes count towards the lockout too")
    func codeFailuresLock() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .commissioner)
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            try await browser.get(SiteURL.signInCode.path)
            let code = Fixtures.currentCode(app, account)
            let wrong = code == "123456" ? "654321" : "123456"
            for _ in 1...5 { try await browser.post(SiteURL.signInCode.path, ["code": wrong]) }
            // The lock ended the half-signed-in session, so the right code no longer helps.
            let after = try await browser.post(SiteURL.signInCode.path, ["code": code])
            #expect(after.location == SiteURL.signIn.path)
            #expect(try #require(try await User.find(account.id, on: app.db)).lockedUntil != nil)
        }
    }

    @Test("Too many attempts from one address get 429 with Retry-After")
    func rateLimit() async throws {
        let database = try await TestDatabase.make()
        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: TestSettings.make(database: database.location,
                                                                 env: ["REACHABLE_SIGNIN_ATTEMPTS_PER_ADDRESS": "3"]))
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            for _ in 1...3 {
                let response = try await browser.post(SiteURL.signIn.path, ["email": "a@example.org", "password": "whatever it is"])
                #expect(response.status == .unprocessableEntity)
            }
            let limited = try await browser.post(SiteURL.signIn.path, ["email": "a@example.org", "password": "whatever it is"])
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
        } catch {
            Issue.record(error)
        }
        try await app.asyncShutdown()
        try await database.remove()
    }
}
