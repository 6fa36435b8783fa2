@testable import App
import Fluent
import Testing
import VaporTesting

@Suite("Sessions: stored in the database, timed out on the server, ended on request")
struct SessionTests {
    @Test("After 30 minutes idle the session ends on the server and the next page asks to sign in")
    func idleTimeout() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(account)
            app.clock.advance(by: 29 * 60)
            #expect(try await browser.get(SiteURL.home.path).status == .ok, "activity keeps it alive")
            app.clock.advance(by: 31 * 60)
            #expect(try await browser.get(SiteURL.home.path).location == SiteURL.signIn.path)
            #expect(try await UserSession.query(on: app.db).filter(\.$endedAt == nil).filter(\.$stage == .signedIn).count() == 0)
            #expect(try await Fixtures.auditActions(app).contains("session.expired"))
        }
    }

    @Test("Twelve hours after signing in the session ends, however active")
    func absoluteTimeout() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .manager, region: "london")
            let browser = Browser(app)
            try await browser.signIn(account)
            for _ in 0..<24 {
                app.clock.advance(by: 25 * 60)
                try await browser.get(SiteURL.home.path)
            }
            // 10 hours in: still signed in.
            #expect(try await browser.get(SiteURL.home.path).status == .ok)
            for _ in 0..<5 {
                app.clock.advance(by: 25 * 60)
                try await browser.get(SiteURL.home.path)
            }
            #expect(try await browser.get(SiteURL.home.path).location == SiteURL.signIn.path)
        }
    }

    @Test("Signing out ends the session on the server; the old cookie no longer works")
    func signOut() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(account)
            let cookie = try #require(browser.sessionCookie)
            try await browser.get(SiteURL.home.path)
            let out = try await browser.post(SiteURL.signOut.path)
            #expect(out.location == SiteURL.signIn.path + "?signed-out=1")
            #expect(out.headers.first(name: "Clear-Site-Data")?.contains("cookies") == true)
            #expect(browser.sessionCookie == nil)

            let replay = Browser(app)
            replay.setCookie("reachable", cookie)
            #expect(try await replay.get(SiteURL.home.path).location == SiteURL.signIn.path)
        }
    }

    @Test("A person sees their sessions and signs out everywhere")
    func signOutEverywhere() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .nationalLead)
            let laptop = Browser(app), phone = Browser(app)
            try await laptop.signIn(account)
            try await phone.signIn(account)
            let page = try await laptop.get(SiteURL.account.path)
            #expect(page.body.string.components(separatedBy: "/end\"").count - 1 == 2, "both sessions listed")
            #expect(page.body.string.contains("This browser"))
            try await laptop.post(SiteURL.accountSignOutEverywhere.path)
            #expect(try await phone.get(SiteURL.home.path).location == SiteURL.signIn.path)
            #expect(try await laptop.get(SiteURL.home.path).location == SiteURL.signIn.path)
        }
    }

    @Test("Disabling an account ends its sessions at once")
    func disablingEndsSessions() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let adminBrowser = Browser(app), workerBrowser = Browser(app)
            try await adminBrowser.signIn(admin)
            try await workerBrowser.signIn(worker)
            try await adminBrowser.get(SiteURL.adminUser(worker.id).path)
            #expect(try await adminBrowser.post(SiteURL.adminUserDisable(worker.id).path).location == SiteURL.adminUser(worker.id).path)
            #expect(try await workerBrowser.get(SiteURL.home.path).location == SiteURL.signIn.path)
            // And a disabled account cannot sign in again.
            let again = Browser(app)
            try await again.get(SiteURL.signIn.path)
            #expect(try await again.post(SiteURL.signIn.path, ["email": worker.email, "password": worker.password]).status
                == .unprocessableEntity)
        }
    }

    @Test("A person cannot end someone else's session")
    func otherSessions() async throws {
        try await withApp { app in
            let a = try await Fixtures.account(app, role: .caseworker, region: "london")
            let b = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browserA = Browser(app), browserB = Browser(app)
            try await browserA.signIn(a)
            try await browserB.signIn(b)
            let bSession = try #require(try await UserSession.query(on: app.db).filter(\.$user.$id == b.id)
                .filter(\.$stage == .signedIn).first())
            try await browserA.get(SiteURL.account.path)
            #expect(try await browserA.post(SiteURL.accountSessionEnd(bSession.id).path).status == .notFound)
            #expect(try await browserB.get(SiteURL.home.path).status == .ok)
        }
    }

    @Test("Cookies are HttpOnly and SameSite=Strict; over TLS Secure with the __Host- prefix")
    func cookieFlags() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            let response = try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("reachable=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Expires"), "a browser-session cookie")
            #expect(!cookie.contains("Secure"), "plain HTTP on a laptop")
        }
        let database = try await TestDatabase.make()
        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: TestSettings.make(database: database.location,
                                                                 env: ["REACHABLE_BASE_URL": "https://reachable.example.org"]))
            let response = try await app.testing().sendRequest(.GET, SiteURL.signIn.path)
            let cookie = try #require(response.headers[.setCookie].first)
            #expect(cookie.contains("Secure"))
            #expect(response.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
            let signIn = try await app.testing().sendRequest(.GET, SiteURL.home.path)
            #expect(signIn.headers.first(name: .location) == SiteURL.signIn.path)
            #expect(try SessionCookie.value("x", req: Request(application: app, on: app.eventLoopGroup.next())).isSecure)
        } catch {
            Issue.record(error)
        }
        try await app.asyncShutdown()
        try await database.remove()
    }
}
