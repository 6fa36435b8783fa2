@testable import App
import Domain
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import SQLKit
import Testing
import VaporTesting

@Suite("Bodies: nobody unauthenticated makes the server hold a large one")
struct BodyLimitTests {
    @Test("Only a fully signed-in user allowed the route may send more than 64 KB: not the anonymous, not the password alone, not another role")
    func anonymousBodiesAreSmall() async throws {
        try await withApp { app in
            let big = String(repeating: "x", count: 200 * 1024)
            let browser = Browser(app)
            try await browser.get(SiteURL.signIn.path)
            let anonymous = try await browser.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file",
                                                     filename: "big.csv", content: big)
            #expect(anonymous.location == SiteURL.signIn.path, "sent to sign in, the body never read")
            let signIn = try await browser.post(SiteURL.signIn.path, ["email": "x@example.org", "password": big])
            #expect(signIn.status == .payloadTooLarge, "the sign-in form is open, and small")

            // Past the password, before the code: still small.
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let pending = Browser(app)
            try await pending.get(SiteURL.signIn.path)
            try await pending.post(SiteURL.signIn.path, ["email": worker.email, "password": worker.password])
            try await pending.get(SiteURL.signInCode.path)
            #expect(try await pending.post(SiteURL.signInCode.path, ["code": big]).status == .payloadTooLarge)
            // Signed in, but not a manager: refused before the body is read.
            let signedIn = Browser(app)
            try await signedIn.signIn(worker)
            try await signedIn.get(SiteURL.home.path)
            #expect(try await signedIn.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file", filename: "big.csv",
                                              content: big).status == .forbidden)

            let manager = try await Fixtures.account(app, role: .manager, region: "london")
            let managerBrowser = Browser(app)
            try await managerBrowser.signIn(manager)
            try await managerBrowser.get(SiteURL.imports.path)
            let upload = try await managerBrowser.upload(SiteURL.imports.path, ["kind": "referrals"], fileField: "file",
                                                         filename: "big.csv", content: "referral_ref\n" + big)
            #expect(upload.status == .unprocessableEntity, "read and checked: a file of one unknown layout")
        }
    }
}

@Suite("The lockout holds against a burst")
struct LockoutBurstTests {
    @Test("Twenty-five simultaneous wrong passwords check at most five; the right one after them is refused")
    func passwordBurst() async throws {
        try await withInstances { first, second in
            let account = try await Fixtures.account(first, role: .caseworker, region: "west-midlands")
            let browser = Browser(first)
            try await browser.get(SiteURL.signIn.path)
            let headers = ConcurrencyTests.cookieHeaders(browser)
            let token = browser.lastToken ?? ""
            let statuses = try await ConcurrencyTests.burst(25, (first, second)) { app, _ in
                try await app.testing().sendRequest(.POST, SiteURL.signIn.path, headers: headers, body: ByteBuffer(
                    string: Browser.encode(["email": account.email, "password": "a wrong guess here", "_csrf": token])))
            }
            #expect(statuses.allSatisfy { $0 == .unprocessableEntity })
            let checked = try await AuditEvent.query(on: first.db).filter(\.$action == "signin.failure")
                .filter(\.$detail == "wrong password").count()
            #expect(checked == 5, "only five guesses were checked")
            #expect(try await AuditEvent.query(on: first.db).filter(\.$action == "account.locked").count() == 1)
            let after = Browser(second)
            try await after.get(SiteURL.signIn.path)
            #expect(try await after.post(SiteURL.signIn.path, ["email": account.email, "password": account.password]).status
                    == .unprocessableEntity, "locked: the right password is refused too")
        }
    }

    @Test("Thirty simultaneous wrong codes after the password check at most five")
    func codeBurst() async throws {
        try await withInstances { first, second in
            let account = try await Fixtures.account(first, role: .caseworker, region: "west-midlands")
            let pending = try await ConcurrencyTests.waitingForCode(account, (first, first), count: 1)[0]
            let statuses = try await ConcurrencyTests.burst(30, (first, second)) { app, _ in
                try await app.testing().sendRequest(.POST, SiteURL.signInCode.path, headers: pending.0,
                                                    body: ByteBuffer(string: Browser.encode(["code": "000000", "_csrf": pending.1])))
            }
            #expect(statuses.allSatisfy { $0 == .unprocessableEntity || $0 == .seeOther }, "\(statuses)")
            let checked = try await AuditEvent.query(on: first.db).filter(\.$action == "signin.failure")
                .filter(\.$detail == "wrong code").count()
            #expect(checked <= 5, "\(checked) codes checked")
            #expect(try await User.find(account.id, on: first.db)?.lockedUntil != nil)
        }
    }
}

@Suite("Setting up an authenticator once")
struct EnrolmentBurstTests {
    @Test("One set-up code sent five times at once: one page of recovery codes, and those are the codes that work")
    func enrolOnce() async throws {
        try await withInstances { first, second in
            let user = User(email: "enrol@example.org", displayName: "Enrol", role: .caseworker,
                            regionID: try await Region.query(on: first.db).filter(\.$code == "london").first()?.id)
            user.passwordHash = try PasswordHasher(cost: 4).hash(Fixtures.password)
            try await user.create(on: first.db)
            let browser = Browser(first)
            try await browser.get(SiteURL.signIn.path)
            try await browser.post(SiteURL.signIn.path, ["email": user.email, "password": Fixtures.password])
            let enrol = try await browser.get(SiteURL.signInEnrol.path)
            let shownKey = try #require(Browser.firstMatch(in: enrol.body.string, after: "id=\"totp-secret\">"))
            let secret = try #require(Base32.decode(shownKey))
            let code = TOTP.code(secret: secret, counter: TOTP.counter(at: first.clock.now()))
            let headers = ConcurrencyTests.cookieHeaders(browser), token = browser.lastToken ?? ""
            let pages = ResponsesBox()
            let statuses = try await ConcurrencyTests.burst(5, (first, second)) { app, _ in
                let response = try await app.testing().sendRequest(.POST, SiteURL.signInEnrol.path, headers: headers,
                                                                   body: ByteBuffer(string: Browser.encode(["code": code, "_csrf": token])))
                if response.status == .ok { pages.add(response.body.string) }
                return response
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            let page = try #require(pages.all.first)
            let shown = try #require(Browser.firstMatch(in: page, after: "<li><code>"))
            #expect(try await RecoveryCode.query(on: first.db).filter(\.$user.$id == user.id!)
                .filter(\.$codeHash == SecretToken.hash(RecoveryCodes.fold(shown))).count() == 1, "the codes shown are the codes stored")
        }
    }
}

@Suite("The per-address sign-in limit under a burst")
struct AddressLimitBurstTests {
    @Test("Fifty simultaneous failed sign-ins from one address under a limit of 30: exactly 30 checked, 20 refused with 429, none 5xx")
    func addressBurst() async throws {
        try await withInstances(env: ["REACHABLE_SIGNIN_ATTEMPTS_PER_ADDRESS": "30"]) { first, second in
            let browser = Browser(first)
            try await browser.get(SiteURL.signIn.path)
            let headers = ConcurrencyTests.cookieHeaders(browser)
            let token = browser.lastToken ?? ""
            let statuses = try await ConcurrencyTests.burst(50, (first, second)) { app, index in
                try await app.testing().sendRequest(.POST, SiteURL.signIn.path, headers: headers, body: ByteBuffer(
                    string: Browser.encode(["email": "nobody\(index)@example.org", "password": "not a password", "_csrf": token])))
            }
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == 30, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 20)
        }
    }
}
