@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

/// No admin can give themselves (or an account they control) case access alone: set-up links and roles that read
/// case content wait for a second person (walls issue, finding 10).
@Suite("Account approvals: a second person for case access")
struct AccountApprovalTests {
    /// Signs in a fresh admin and confirms the one pending approval; returns the confirmation's page.
    @discardableResult
    static func confirmAsSecondAdmin(_ app: Application) async throws -> TestingHTTPResponse {
        let second = try await Fixtures.account(app, role: .admin)
        let browser = Browser(app)
        try await browser.signIn(second)
        try await browser.get(SiteURL.adminApprovals.path)
        let approval = try #require(try await AccountApproval.query(on: app.db).filter(\.$decidedAt == nil).first())
        return try await browser.post(SiteURL.adminApprovalConfirm(approval.id).path)
    }

    @Test("An admin who creates a manager never sees the link, cannot confirm it, and cannot confirm a change to their own account")
    func adminCannotGrantCaseAccessAlone() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminUserNew.path)
            let created = try await browser.post(SiteURL.adminUserNew.path,
                                                 ["email": "taken@example.org", "name": "Own Puppet", "role": "manager", "region": "london"])
            #expect(created.status == .ok && !created.body.string.contains("/set-up/"))
            #expect(try await SetupLink.query(on: app.db).count() == 0, "no link exists until a second person confirms")
            let approval = try #require(try await AccountApproval.query(on: app.db).first())
            let list = try await browser.get(SiteURL.adminApprovals.path).body.string
            #expect(list.contains("taken@example.org") && list.contains("Another person must decide"))
            #expect(try await browser.post(SiteURL.adminApprovalConfirm(approval.id).path).status == .forbidden)
            #expect(try await browser.post(SiteURL.adminApprovalRefuse(approval.id).path).status == .forbidden)
            #expect(try await SetupLink.query(on: app.db).count() == 0)

            // Nor a second admin of their own, who could then confirm their requests.
            try await browser.get(SiteURL.adminUserNew.path)
            let secondAdmin = try await browser.post(SiteURL.adminUserNew.path,
                                                     ["email": "puppet.admin@example.org", "name": "Puppet Admin", "role": "admin", "region": ""])
            #expect(!secondAdmin.body.string.contains("/set-up/"))
            #expect(try await SetupLink.query(on: app.db).count() == 0)

            // A commissioner's account (no case content) gets its link at once; turning it into a caseworker waits.
            try await browser.get(SiteURL.adminUserNew.path)
            let commissioner = try await browser.post(SiteURL.adminUserNew.path,
                                                      ["email": "funder@example.org", "name": "Fran Funder", "role": "commissioner", "region": ""])
            #expect(commissioner.body.string.contains("/set-up/"))
            let funder = try #require(try await User.query(on: app.db).filter(\.$email == "funder@example.org").first())
            try await browser.get(SiteURL.adminUser(funder.id).path)
            try await browser.post(SiteURL.adminUserRole(funder.id).path, ["role": "caseworker", "region": "london"])
            #expect(try await User.find(funder.id, on: app.db)?.role == .commissioner)

            // A national lead may decide; the account's owner may not decide about their own account.
            let lead = try await Fixtures.account(app, role: .nationalLead)
            let leadBrowser = Browser(app)
            try await leadBrowser.signIn(lead)
            try await leadBrowser.get(SiteURL.adminApprovals.path)
            let roleChange = try #require(try await AccountApproval.query(on: app.db).filter(\.$kind == .roleChange).first())
            #expect(try await leadBrowser.post(SiteURL.adminApprovalRefuse(roleChange.id).path).status == .seeOther)
            #expect(try await User.find(funder.id, on: app.db)?.role == .commissioner, "refused: nothing changes")
            #expect(try await leadBrowser.post(SiteURL.adminApprovalConfirm(roleChange.id).path).status == .notFound,
                    "a decided request cannot be decided again")
            let confirmed = try await leadBrowser.post(SiteURL.adminApprovalConfirm(approval.id).path)
            #expect(confirmed.body.string.contains("/set-up/"))
            #expect(try await SetupLink.query(on: app.db).filter(\.$usedAt == nil).count() == 2, "the commissioner's and this one")
            let actions = try await Fixtures.auditActions(app)
            #expect(actions.filter { $0 == "user.approval_requested" }.count == 3)
            #expect(actions.contains("user.approval_confirmed") && actions.contains("user.approval_refused"))
        }
    }
}
