@testable import App
import Fluent
import Testing
import VaporTesting

@Suite("CSRF and security headers")
struct CSRFAndHeadersTests {
    @Test("A state-changing form without the session's token gets 403 and changes nothing")
    func missingToken() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            let before = try await User.query(on: app.db).count()
            let form = ["email": "new@example.org", "name": "New", "role": "admin", "region": ""]
            #expect(try await browser.post(SiteURL.adminUserNew.path, form, withToken: false).status == .forbidden)
            #expect(try await browser.post(SiteURL.adminUserNew.path, form.merging(["_csrf": "forged"]) { $1 }).status == .forbidden)
            #expect(try await User.query(on: app.db).count() == before)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "csrf.refused").count() == 2)
        }
    }

    @Test("A cross-site request is refused even with a token")
    func crossSite() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(account)
            try await browser.get(SiteURL.account.path)
            browser.extraHeaders = ["Sec-Fetch-Site": "cross-site"]
            #expect(try await browser.post(SiteURL.accountSignOutEverywhere.path).status == .forbidden)
            browser.extraHeaders = ["Origin": "https://evil.example"]
            #expect(try await browser.post(SiteURL.accountSignOutEverywhere.path).status == .forbidden)
            browser.extraHeaders = [:]
            #expect(try await browser.get(SiteURL.home.path).status == .ok, "still signed in")
        }
    }

    @Test("The sign-in form is protected too, by the pre-session cookie")
    func signInForm() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            let response = try await browser.post(SiteURL.signIn.path, ["email": account.email, "password": account.password],
                                                  withToken: false)
            #expect(response.status == .forbidden)
            #expect(browser.sessionCookie == nil)
        }
    }

    @Test("Every page carries the security headers; signed-in pages are not cached")
    func headers() async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(account)
            for path in [SiteURL.signIn.path, SiteURL.home.path, SiteURL.account.path, "/no-such-page"] {
                let response = try await browser.get(path)
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
                #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer")
                #expect(response.headers.first(name: "Cache-Control") == "no-store")
                #expect(response.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS over plain HTTP")
            }
            let css = try await browser.get("/css/reachable.css")
            #expect(css.status == .ok)
            #expect(css.headers.first(name: "Content-Security-Policy") != nil)
        }
    }

    @Test("Errors show a plain message and a reference, never the detail")
    func errorPages() async throws {
        try await withApp { app in
            let missing = try await Browser(app).get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("Page not found"))
            #expect(missing.body.string.contains("Reference:"))
            let badLink = try await Browser(app).get(SiteURL.setup(token: "made-up").path)
            #expect(badLink.status == .notFound)
        }
    }
}
