@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing
import VaporTesting

@Suite("Privacy at rest and sign-in edges")
struct PrivacyEdgeTests {
    @Test("API tokens stop working after sign out everywhere, a sign-in reset, or a disabled account")
    func tokensEndWithTheAccountsSessions() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let token = try await APITestSupport.token(app, for: worker)
            #expect(try await APITestSupport.send(app, .GET, "/api/v1/referrals", token: token).status == .ok)
            let browser = Browser(app)
            try await browser.signIn(worker)
            try await browser.get(SiteURL.account.path)
            try await browser.post(SiteURL.accountSignOutEverywhere.path)
            #expect(try await APITestSupport.send(app, .GET, "/api/v1/referrals", token: token).status == .unauthorized)

            let second = try await APITestSupport.token(app, for: worker)
            try await app.writes.transaction(on: app.db) { db in
                try await Sessions.endAll(of: worker.id, at: app.clock.now(), keepingTokens: true, on: db)
            }
            #expect(try await APITestSupport.send(app, .GET, "/api/v1/referrals", token: second).status == .ok,
                    "a lockout (which anyone can cause) keeps the tokens")
        }
    }

    @Test("An empty pre-session CSRF cookie does not pass the sign-in form's check")
    func emptyCSRFCookie() async throws {
        try await withApp { app in
            let browser = Browser(app)
            browser.setCookie(CSRFMiddleware.anonymousCookie, "")
            let response = try await browser.post(SiteURL.signIn.path, ["_csrf": "", "email": "a@example.org", "password": "x"],
                                                  withToken: false)
            #expect(response.status == .forbidden)
            // A value of the attacker's choosing, planted in the cookie and sent in the form, is not a token.
            let forged = String(repeating: "A", count: 43)
            browser.setCookie(CSRFMiddleware.anonymousCookie, forged)
            let planted = try await browser.post(SiteURL.signIn.path, ["_csrf": forged, "email": "a@example.org", "password": "x"],
                                                 withToken: false)
            #expect(planted.status == .forbidden)
            let signed = String(repeating: "A", count: 43) + ".forged-signature"
            browser.setCookie(CSRFMiddleware.anonymousCookie, signed)
            #expect(try await browser.post(SiteURL.signIn.path, ["_csrf": signed, "email": "a@example.org", "password": "x"],
                                           withToken: false).status == .forbidden)
        }
    }

    @Test("Decline reasons, closure notes and the API's stored answers are sealed; the SQLite file is owner-only")
    func freeTextSealedAndFilePrivate() async throws {
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "west-midlands")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let saved = try await ReferralTests.record(browser, ReferralTests.form())
            let location = try #require(saved.location)
            let referralID = try #require(UUID(uuidString: String(location.split(separator: "/")[1].prefix(36))))
            try await browser.get(SiteURL.referral(referralID).path)
            try await browser.post(SiteURL.referralDecline(referralID).path, ["reason": "Marker-decline-6QX family moved to Leeds"])
            let referral = try #require(try await Referral.find(referralID, on: app.db))
            #expect(referral.status == .notAccepted)
            #expect(referral.notAcceptedReason?.contains("Marker-decline-6QX") == false)
            #expect(try await browser.get(SiteURL.referral(referralID).path).body.string.contains("Marker-decline-6QX"))

            let token = try await APITestSupport.token(app, for: worker)
            var headers = HTTPHeaders()
            headers.add(name: Idempotency.header, value: "key-1")
            let created = try await APITestSupport.send(app, .POST, "/api/v1/referrals", token: token, json: APITestSupport.json(
                APITestSupport.referral(firstName: "Markerfirst", lastName: "Hill")), headers: headers)
            #expect(created.status == .created)
            let stored = try #require(try await IdempotencyRecord.query(on: app.db).first())
            #expect(!stored.body.contains("Markerfirst"))
            let replay = try await APITestSupport.send(app, .POST, "/api/v1/referrals", token: token, json: APITestSupport.json(
                APITestSupport.referral(firstName: "Markerfirst", lastName: "Hill")), headers: headers)
            #expect(replay.body.string == created.body.string)

            if case let .sqlite(path) = try app.settings.database {
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o600)
            }
        }
    }
}
