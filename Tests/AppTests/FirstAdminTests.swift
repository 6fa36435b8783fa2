@testable import App
import Fluent
import Testing
import VaporTesting

@Suite("Setting up the first administrator and new accounts")
struct FirstAdminTests {
    @Test("On an empty database a one-time link creates the first admin, who sets up an authenticator")
    func firstAdmin() async throws {
        try await withApp { app in
            let link = try #require(try await SetupLinks.firstAdminLinkIfNeeded(app: app))
            let path = try String(link.dropFirst(app.settings.baseURL.count))
            let browser = Browser(app)

            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains("Create the first administrator"))

            let weak = try await browser.post(path, ["email": "ada@example.org", "name": "Ada Admin",
                                                     "password": "password1234", "confirmation": "password1234"])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.body.string.contains("Password is too common"))
            #expect(weak.body.string.contains("value=\"ada@example.org\""), "typed values stay")
            #expect(try await User.query(on: app.db).count() == 0, "nothing saved")

            let saved = try await browser.post(path, ["email": "ada@example.org", "name": "Ada Admin",
                                                      "password": Fixtures.password, "confirmation": Fixtures.password])
            #expect(saved.location == SiteURL.signInEnrol.path)

            // No access before the second factor.
            #expect(try await browser.get(SiteURL.home.path).location == SiteURL.signInCode.path)

            let enrol = try await browser.get(SiteURL.signInEnrol.path)
            let key = try #require(Browser.firstMatch(in: enrol.body.string, after: "id=\"totp-secret\">"))
            let secret = try #require(Base32.decode(key))
            let wrong = try await browser.post(SiteURL.signInEnrol.path, ["code": "000000"])
            #expect(wrong.status == .unprocessableEntity)

            let code = TOTP.code(secret: secret, counter: TOTP.counter(at: app.clock.now()))
            let codes = try await browser.post(SiteURL.signInEnrol.path, ["code": code])
            #expect(codes.status == .ok)
            #expect(codes.body.string.contains("Your recovery codes"))
            let admin = try #require(try await User.query(on: app.db).first())
            #expect(admin.role == .admin && admin.totpEnabled)
            #expect(admin.totpSecret?.contains(key.replacingOccurrences(of: " ", with: "")) == false, "the seed is sealed")
            #expect(try await RecoveryCode.query(on: app.db).count() == 10)

            let home = try await browser.get(SiteURL.home.path)
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Administration"))

            // The link worked once, and no second first-admin link is offered now.
            #expect(try await Browser(app).get(path).status == .notFound)
            #expect(try await SetupLinks.firstAdminLinkIfNeeded(app: app) == nil)
            let actions = try await Fixtures.auditActions(app)
            #expect(actions.contains("account.first_admin_created") && actions.contains("mfa.enrolled"))
        }
    }

    @Test("A set-up link expires after 24 hours")
    func linkExpiry() async throws {
        try await withApp { app in
            let link = try #require(try await SetupLinks.firstAdminLinkIfNeeded(app: app))
            let path = try String(link.dropFirst(app.settings.baseURL.count))
            app.clock.advance(by: 24 * 3600 + 1)
            #expect(try await Browser(app).get(path).status == .notFound)
        }
    }

    @Test("An admin creates a west-midlands manager, who signs in with password and TOTP and lands on their home page")
    func adminCreatesManager() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let adminBrowser = Browser(app)
            try await adminBrowser.signIn(admin)
            try await adminBrowser.get(SiteURL.adminUserNew.path)

            let missing = try await adminBrowser.post(SiteURL.adminUserNew.path,
                                                      ["email": "mo@example.org", "name": "Mo Manager", "role": "manager", "region": ""])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Choose the region of this manager"))
            #expect(missing.body.string.contains("href=\"#region\""), "the error summary links to the field")

            let created = try await adminBrowser.post(SiteURL.adminUserNew.path,
                                                      ["email": "Mo@Example.org ", "name": "Mo Manager", "role": "manager", "region": "west-midlands"])
            #expect(created.status == .ok)
            #expect(!created.body.string.contains("/set-up/"), "a role that reads case content: a second person confirms")
            let confirmed = try await AccountApprovalTests.confirmAsSecondAdmin(app)
            let link = try #require(Browser.firstMatch(in: confirmed.body.string, after: "id=\"setup-link\">"))
            let path = try String(link.dropFirst(app.settings.baseURL.count))

            let manager = Browser(app)
            try await manager.get(path)
            #expect(try await manager.post(path, ["password": Fixtures.password, "confirmation": Fixtures.password]).location
                == SiteURL.signInEnrol.path)
            let enrol = try await manager.get(SiteURL.signInEnrol.path)
            let shownKey = try #require(Browser.firstMatch(in: enrol.body.string, after: "id=\"totp-secret\">"))
            let secret = try #require(Base32.decode(shownKey))
            try await manager.post(SiteURL.signInEnrol.path, ["code": TOTP.code(secret: secret, counter: TOTP.counter(at: app.clock.now()))])
            app.clock.advance(by: 30)

            // Signs in again from scratch, as on another day.
            let later = Browser(app)
            let account = Account(id: UUID(), email: "mo@example.org", password: Fixtures.password, secret: secret)
            try await later.signIn(account)
            let home = try await later.get(SiteURL.home.path)
            #expect(home.body.string.contains("West Midlands: manager"))
            #expect(!home.body.string.contains(SiteURL.adminUsers.path), "managers have no admin navigation")
        }
    }

    @Test("Account rules: regional roles need a region, others must not have one")
    func userFormRules() async throws {
        try await withApp { app in
            let cases: [(role: String, region: String, fields: [String])] = [
                ("caseworker", "", ["region"]), ("caseworker", "atlantis", ["region"]), ("caseworker", "london", []),
                ("admin", "london", ["region"]), ("commissioner", "", []), ("wizard", "", ["role"]),
            ]
            for (role, region, fields) in cases {
                let checked = try await UserForm.validate(.init(email: "x@example.org", name: "X", role: role, region: region),
                                                          on: app.db)
                #expect(checked.problems.map(\.field) == fields, "\(role) in \(region)")
            }
            #expect(try await UserForm.validate(.init(email: "not-an-email", name: "", role: "admin", region: ""), on: app.db)
                .problems.map(\.field) == ["email", "name"])
        }
    }
}
