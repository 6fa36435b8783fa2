@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("API tokens")
struct APITokenTests {
    typealias API = APITestSupport

    @Test("Tokens: 401 without one or with a bad one, cookies refused, read-only cannot write, revoked and expired stop")
    func tokenLifecycle() async throws {
        try await withApp { app in
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let list = SiteURL.apiReferrals.path
            let none = try await API.send(app, .GET, list, token: nil)
            #expect(none.status == .unauthorized)
            #expect(none.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            #expect(try await API.send(app, .GET, list, token: "rch_not-a-token").status == .unauthorized)

            // A signed-in browser's cookie does not authenticate the API, so there is nothing for CSRF to ride on.
            let browser = Browser(app)
            try await browser.signIn(manager)
            #expect(try await browser.get(list).status == .unauthorized)

            // Created on the account page, after the password and a fresh code.
            try await browser.get(SiteURL.account.path)
            let wrong = try await browser.post(SiteURL.accountTokens.path, ["tokenName": "Police feed", "expiresInDays": "30",
                                                                             "password": "wrong", "code": "000000"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Enter your current password") && wrong.body.string.contains("value=\"Police feed\""))
            let page = try await browser.post(SiteURL.accountTokens.path, [
                "tokenName": "Police feed", "expiresInDays": "30", "password": manager.password,
                "code": Fixtures.currentCode(app, manager)])
            #expect(page.status == .created)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let secret = try #require(page.body.string.range(of: #"rch_[A-Za-z0-9_-]{43}"#, options: .regularExpression)
                .map { String(page.body.string[$0]) })
            let stored = try #require(try await APIToken.query(on: app.db).filter(\.$name == "Police feed").first())
            #expect(stored.tokenHash == SecretToken.hash(secret) && stored.tokenHash != secret, "only a hash is stored")
            #expect(try await API.send(app, .GET, list, token: secret).status == .ok)
            #expect(try await browser.get(SiteURL.account.path).body.string.contains("Police feed"))
            #expect(!(try await browser.get(SiteURL.account.path).body.string.contains(secret)), "shown once only")

            let readOnly = try await API.token(app, for: manager, readOnly: true)
            #expect(try await API.send(app, .GET, list, token: readOnly).status == .ok)
            #expect(try await API.send(app, .POST, list, token: readOnly, json: API.json(API.referral())).status == .forbidden)
            #expect(try await Referral.query(on: app.db).count() == 0)
            let refusal = try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused")
                .filter(\.$detail == "read-only token").first()
            #expect(refusal?.objectID == "POST /api/v1/referrals", "the read-only refusal is audited")

            try await browser.get(SiteURL.account.path)
            try await browser.post(SiteURL.accountTokenRevoke(stored.id).path)
            #expect(try await API.send(app, .GET, list, token: secret).status == .unauthorized)

            let shortLived = try await API.token(app, for: manager, days: 1)
            #expect(try await API.send(app, .GET, list, token: shortLived).status == .ok)
            app.clock.advance(by: 86_400 + 60)
            #expect(try await API.send(app, .GET, list, token: shortLived).status == .unauthorized)
            let actions = try await Fixtures.auditActions(app)
            #expect(actions.contains("api_token.created") && actions.contains("api_token.revoked") && actions.contains("api_token.refused"))
        }
    }

    @Test("Another person's token cannot be revoked from your account page")
    func revokeOnlyOwn() async throws {
        try await withApp { app in
            let owner = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let other = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let secret = try await API.token(app, for: owner)
            let token = try #require(try await APIToken.query(on: app.db).first())
            let browser = Browser(app)
            try await browser.signIn(other)
            try await browser.get(SiteURL.account.path)
            #expect(try await browser.post(SiteURL.accountTokenRevoke(token.id).path).status == .notFound)
            #expect(try await API.send(app, .GET, SiteURL.apiCases.path, token: secret).status == .ok)
        }
    }

    @Test("Beyond the per-token rate the API answers 429 with Retry-After")
    func rateLimit() async throws {
        try await withApp { app in
            var settings = try app.settings
            settings.apiRequestsPerMinute = 3
            app.use(settings)
            let caseworker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await API.token(app, for: caseworker)
            for _ in 0..<3 { #expect(try await API.send(app, .GET, SiteURL.apiCases.path, token: token).status == .ok) }
            let limited = try await API.send(app, .GET, SiteURL.apiCases.path, token: token)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            app.clock.advance(by: 61)
            #expect(try await API.send(app, .GET, SiteURL.apiCases.path, token: token).status == .ok)
        }
    }
}
