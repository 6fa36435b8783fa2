@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Admin pages: users, regions, code lists")
struct AdminTests {
    @Test("Changing a role takes effect on the next request and ends the person's sessions")
    func reRole() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let person = try await Fixtures.account(app, role: .caseworker, region: "london")
            let adminBrowser = Browser(app), personBrowser = Browser(app)
            try await adminBrowser.signIn(admin)
            try await personBrowser.signIn(person)
            try await adminBrowser.get(SiteURL.adminUser(person.id).path)
            let bad = try await adminBrowser.post(SiteURL.adminUserRole(person.id).path, ["role": "manager", "region": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Choose the region of this manager"))
            let asked = try await adminBrowser.post(SiteURL.adminUserRole(person.id).path, ["role": "manager", "region": "merseyside"])
            #expect(asked.body.string.contains("id=\"approval-requested\""))
            let waiting = try #require(try await User.query(on: app.db).filter(\.$id == person.id).first())
            #expect(waiting.role == .caseworker, "a role that reads case content waits for a second person")
            try await AccountApprovalTests.confirmAsSecondAdmin(app)
            let user = try #require(try await User.query(on: app.db).filter(\.$id == person.id).with(\.$region).first())
            #expect(user.role == .manager && user.region?.code == "merseyside")
            #expect(try await personBrowser.get(SiteURL.home.path).location == SiteURL.signIn.path)
            #expect(try await Fixtures.auditActions(app).contains("user.approval_confirmed"))
        }
    }

    @Test("Resetting a lost authenticator clears it and issues a new one-time link")
    func resetAccess() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let person = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminUser(person.id).path)
            let page = try await browser.post(SiteURL.adminUserResetAccess(person.id).path)
            #expect(!page.body.string.contains("/set-up/"), "the admin who reset it never sees the link")
            let user = try #require(try await User.find(person.id, on: app.db))
            #expect(!user.totpEnabled && user.passwordHash == nil && user.totpSecret == nil)
            let confirmed = try await AccountApprovalTests.confirmAsSecondAdmin(app)
            #expect(confirmed.body.string.contains("/set-up/"), "the second person gets it, to give to the person")
            #expect(try await Fixtures.auditActions(app).contains("user.access_reset"))
        }
    }

    @Test("An admin adds a region and a local authority without code changes")
    func regions() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminRegions.path)
            let bad = try await browser.post(SiteURL.adminRegions.path, ["code": "West Yorkshire", "name": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("href=\"#code\"") && bad.body.string.contains("href=\"#name\""))
            #expect(bad.body.string.contains("value=\"West Yorkshire\""), "the refused code is shown back as typed")
            #expect(try await browser.post(SiteURL.adminRegions.path, ["code": "west-yorkshire", "name": "West Yorkshire"])
                .location == SiteURL.adminRegion("west-yorkshire").path)
            try await browser.get(SiteURL.adminRegion("west-yorkshire").path)
            try await browser.post(SiteURL.adminRegionLocalAuthorities("west-yorkshire").path, ["code": "leeds"])
            let duplicate = try await browser.post(SiteURL.adminRegionLocalAuthorities("west-yorkshire").path, ["code": "birmingham"])
            #expect(duplicate.body.string.contains("Birmingham is already in West Midlands"))
            let region = try #require(try await Region.query(on: app.db).filter(\.$code == "west-yorkshire")
                .with(\.$localAuthorities).first())
            #expect(region.localAuthorities.map(\.name) == ["Leeds"])
            #expect(try await browser.get(SiteURL.adminRegion("atlantis").path).status == .notFound)
        }
    }

    @Test("An admin adds a code to a code list; duplicates and bad codes are refused")
    func codeLists() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminCodeLists.path)
            try await browser.post(SiteURL.adminCodeList("referral_source").path, ["code": "housing", "label": "Housing provider"])
            let dup = try await browser.post(SiteURL.adminCodeList("referral_source").path, ["code": "police", "label": "Police"])
            #expect(dup.status == .unprocessableEntity)
            #expect(dup.body.string.contains("href=\"#referral_source-code\""))
            let badCode = try await browser.post(SiteURL.adminCodeList("referral_source").path, ["code": "Youth Team!", "label": "Youth team"])
            #expect(badCode.status == .unprocessableEntity)
            #expect(badCode.body.string.contains("value=\"Youth Team!\""), "the refused code is shown back as typed")
            #expect(try await browser.post(SiteURL.adminCodeList("no_such_list").path, ["code": "x", "label": "X"]).status == .notFound)
            let codes = try await CodeListItem.query(on: app.db).filter(\.$list == "referral_source").all().map(\.code)
            #expect(codes.contains("housing") && codes.count == 12)
        }
    }

    @Test("Admin pages escape what people typed")
    func escaping() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminUserNew.path)
            let page = try await browser.post(SiteURL.adminUserNew.path,
                                              ["email": "\"><script>alert(1)</script>", "name": "<b>x</b>", "role": "admin"])
            #expect(!page.body.string.contains("<script>alert(1)"))
            #expect(page.body.string.contains("&lt;b&gt;x&lt;/b&gt;"))
        }
    }
}
