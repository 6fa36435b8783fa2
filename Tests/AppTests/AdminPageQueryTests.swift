@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor

/// The admin, alerts and account pages are queries over a `Database` that return plain models: here each is built
/// from fixture data with no request and rendered through the strict renderer (a name the template reads and the
/// model lacks fails).
@Suite("Admin, alerts and account pages as queries")
struct AdminPageQueryTests {
    static func html(_ app: Application, _ template: String, _ model: some Encodable) async throws -> String {
        String(buffer: try await app.view.render(template, model).get().data)
    }

    static func signedIn(_ account: Account, role: Role, name: String, region: Region?) throws -> CurrentUser {
        CurrentUser(id: account.id, email: account.email, displayName: name, role: role, regionID: try region?.requireID(),
                    regionCode: region?.code, regionName: region?.name, sessionID: UUID(), stage: .signedIn, csrfToken: "token")
    }

    @Test("The users, user and approvals pages list the accounts, a refused role change's problem and who may decide")
    func usersAndApprovals() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let otherAdmin = try await Fixtures.account(app, role: .admin)
            let manager = try await Fixtures.account(app, role: .manager, region: "west-midlands")
            let now = app.clock.now()

            let users = try await UsersPage.make(layout: PageQueryTests.layout("Users"), now: now, on: app.db)
            #expect(users.users.count == (try await User.query(on: app.db).count()))
            #expect(users.users.map(\.email) == users.users.map(\.email).sorted())
            let managerRow = try #require(users.users.first { $0.email == manager.email })
            #expect(managerRow.path == SiteURL.adminUser(manager.id).path && managerRow.status == "Active")
            #expect(try await Self.html(app, "admin/users", users).contains(manager.email))

            let person = try #require(try await User.query(on: app.db).filter(\.$id == manager.id).with(\.$region).first())
            let problem = UserForm.Problem(field: "region", message: "Choose the region of this caseworker")
            let user = try await UserPage.make(user: person, role: "caseworker", region: "", problems: [problem], isSelf: false,
                                               layout: PageQueryTests.layout(person.displayName), now: now, on: app.db)
            #expect(user.region.error == problem.message && user.errorLinks?.map(\.href) == ["#region"])
            #expect(user.region.options.count == (try await Region.query(on: app.db).count()) + 1)
            #expect(user.role.options.first { $0.selected }?.value == "caseworker")
            #expect(try await Self.html(app, "admin/user", user).contains(problem.message))

            try await AccountApproval(userID: manager.id, kind: .roleChange, role: .nationalLead, regionID: nil,
                                      requestedByID: admin.id, at: now).create(on: app.db)
            let asker = try await ApprovalsPage.make(me: admin.id, layout: PageQueryTests.layout("Account approvals"), on: app.db)
            #expect(asker.pending.count == 1 && asker.decided.isEmpty)
            #expect(asker.pending.first?.email == manager.email && asker.pending.first?.requestedBy == admin.email)
            // Whoever asked cannot decide; another admin can.
            #expect(asker.pending.first?.mayDecide == false)
            let decider = try await ApprovalsPage.make(me: otherAdmin.id, layout: PageQueryTests.layout("Account approvals"), on: app.db)
            #expect(decider.pending.first?.mayDecide == true)
            #expect(try await Self.html(app, "admin/approvals", decider).contains(manager.email))
        }
    }

    @Test("The regions, code lists, partner domains and audit log pages show what the database holds")
    func referenceDataAndAudit() async throws {
        try await withApp { app in
            let regions = try await RegionsPage.make(code: FormField("code"), name: FormField("name"),
                                                     layout: PageQueryTests.layout("Regions"), on: app.db)
            let stored = try await Region.query(on: app.db).sort(\.$name).all()
            #expect(!stored.isEmpty && regions.regions.map(\.name) == stored.map(\.name))
            #expect(regions.regions.first?.path == SiteURL.adminRegion(stored[0].code).path)
            #expect(try await Self.html(app, "admin/regions", regions).contains(stored[0].name))

            let list = try #require(CodeList.allCases.first)
            let codeLists = try await CodeListsPage.make(failedList: list, code: FormField("code", value: "Bad Code", error: "Enter a code"),
                                                         label: FormField("label", value: "A label"),
                                                         layout: PageQueryTests.layout("Code lists"), on: app.db)
            #expect(codeLists.lists.count == CodeList.allCases.count)
            #expect(codeLists.errorLinks?.map(\.href) == ["#\(list.rawValue)-code"])
            let items = try await CodeListItem.query(on: app.db).filter(\.$list == list.rawValue).count()
            #expect(codeLists.lists.first?.items.count == items && codeLists.lists.first?.code.value == "Bad Code")
            #expect(try await Self.html(app, "admin/code-lists", codeLists).contains("Bad Code"))

            try await PartnerDomain(domain: "sample-7f3.police.uk", addedAt: app.clock.now()).create(on: app.db)
            let domains = try await PartnerDomainsPage.make(domain: FormField("domain"), layout: PageQueryTests.layout("Partner domains"),
                                                            on: app.db)
            let listed = try await PartnerDomain.query(on: app.db).sort(\.$domain).all()
            #expect(domains.domains?.map(\.domain) == listed.map(\.domain))
            #expect(domains.domains?.contains { $0.domain == "sample-7f3.police.uk" } == true)
            #expect(try await Self.html(app, "admin/partner-domains", domains).contains("sample-7f3.police.uk"))

            let actor = "auditor-7f3@example.org"
            try await app.db.transaction { db in
                for n in 1...3 {
                    try await Audit.append(AuditEntry(action: .auditSearched, actor: actor, detail: "search \(n)"), on: db,
                                           at: app.clock.now())
                }
            }
            let audit = try await AuditPage.make(filters: AuditFilters(actor: actor), layout: PageQueryTests.layout("Audit log"), on: app.db)
            #expect(audit.total == 3 && audit.events.map(\.detail) == ["search 3", "search 2", "search 1"])
            #expect(audit.actor.value == actor && audit.previousPage == nil && audit.nextPage == nil)
            let secondPage = try await AuditPage.make(filters: AuditFilters(page: 2), layout: PageQueryTests.layout("Audit log"), on: app.db)
            #expect(secondPage.previousPage == AuditFilters().link(page: 1))
            #expect(try await Self.html(app, "admin/audit", audit).contains("search 2"))
        }
    }

    @Test("The alerts, acknowledgement link, on-call rota and account pages are built for a person with no request")
    func alertsOnCallAndAccount() async throws {
        try await withApp { app in
            let (alertRegion, _) = try await AlertRegion.withOverdueVisitLink(app)
            let region = try #require(try await Region.find(alertRegion.regionID, on: app.db))
            let manager = try Self.signedIn(alertRegion.manager, role: .manager, name: "Mo Manager", region: region)
            let now = app.clock.now()

            let alert = try #require(try await Alert.query(on: app.db).filter(\.$regionID == alertRegion.regionID).first())
            let alerts = try await AlertsPage.make(user: manager, layout: PageQueryTests.layout("Alerts"), now: now, on: app.db)
            #expect(alerts.open.map(\.reference) == [alert.reference] && alerts.closed.isEmpty)
            #expect(alerts.onCallPath == SiteURL.onCall.path)
            #expect(try await Self.html(app, "alerts/list", alerts).contains(alert.reference))

            let worker = try #require(try await User.find(alertRegion.worker.id, on: app.db))
            let link = try await AlertLinkPage.make(AlertsController.Linked(alert: alert, recipient: worker), signedIn: false,
                                                    acknowledgedNow: false, action: "/alerts/acknowledge/token",
                                                    layout: PageQueryTests.layout("Alert \(alert.reference)"), now: now, on: app.db)
            #expect(link.alert?.reference == alert.reference && link.recipient == "Wendy Worker" && link.alert?.isOpen == true)
            #expect(try await Self.html(app, "alerts/acknowledge", link).contains(alert.reference))

            let rota = try await OnCallPage.make(regionID: alertRegion.regionID, isManager: true, form: OnCallController.Form(),
                                                 errors: FieldErrors(), layout: PageQueryTests.layout("On-call rota"), now: now, on: app.db)
            #expect(rota.shifts.map(\.person).sorted() == ["Mo Manager", "Sam Second"])
            #expect(rota.now.first { $0.role == OnCallRole.manager.label }?.people == "Mo Manager")
            // The three set-up caseworkers and managers of the region, after "Choose".
            #expect(rota.person.options.count == 4 && rota.shifts.allSatisfy { $0.removePath != nil })
            #expect(try await Self.html(app, "workforce/on-call", rota).contains("Sam Second"))

            try await APIToken(userID: manager.id, name: "Police feed 7f3", tokenHash: "hash-1", readOnly: true,
                               createdAt: now, expiresAt: now.addingTimeInterval(86400)).create(on: app.db)
            try await APIToken(userID: manager.id, name: "Expired feed", tokenHash: "hash-2", readOnly: false,
                               createdAt: now.addingTimeInterval(-3 * 86400), expiresAt: now.addingTimeInterval(-86400)).create(on: app.db)
            let account = try await AccountPage.make(user: manager, tokenForm: nil, errors: FieldErrors(), newToken: nil,
                                                     layout: PageQueryTests.layout("Your account"), now: now, on: app.db)
            #expect(account.tokens?.map(\.name) == ["Police feed 7f3"] && account.tokens?.first?.readOnly == true)
            #expect(account.sessions.isEmpty && account.region == region.name && account.tokenFields.expiresInDays.value == "90")
            #expect(try await Self.html(app, "account/account", account).contains("Police feed 7f3"))
        }
    }
}
