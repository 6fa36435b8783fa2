@testable import App
import Domain
import Foundation

/// Samples for the administrators' pages.
extension TemplateSamples {
    static let admin: [TemplateSample] = [
        TemplateSample("admin/approval-requested", shows: "Sample what happens 7f3") { _ in
            ApprovalRequestedPage(layout: layout("Approval requested"), heading: "Approval requested", email: "new@example.org",
                                  whatHappens: "Sample what happens 7f3", userPath: "/admin/users/1")
        },
        TemplateSample("admin/approvals", shows: "pending-7f3@example.org") { _ in
            ApprovalsPage(layout: layout("Account approvals"), pending: [approvalRow("pending-7f3@example.org", decided: false)],
                          decided: [approvalRow("decided@example.org", decided: true)])
        },
        TemplateSample("admin/audit", shows: "Sample audit detail 7f3") { _ in
            let event = AuditEvent()
            event.seq = 42
            event.at = "2026-05-28T09:00:00.000Z"
            event.actor = "admin@example.org"
            event.action = "case_viewed"
            event.outcome = "success"
            event.objectType = "support_case"
            event.objectID = UUID().uuidString
            event.region = "west-midlands"
            event.address = "192.0.2.1"
            event.detail = "Sample audit detail 7f3"
            return AuditPage(layout: layout("Audit log"), actor: field("actor", "admin@example.org").drawn("Actor"),
                             action: field("action", "case_viewed").drawn("Action"), object: field("object").drawn("Record id"),
                             from: field("from", "2026-05-01").drawn("From", as: .date), to: field("to", "2026-05-28").drawn("To", as: .date),
                             events: [AuditPage.Row(event)], total: 120,
                             previousPage: "/admin/audit?page=1", nextPage: "/admin/audit?page=3")
        },
        TemplateSample("admin/code-lists", shows: "Sample code label 7f3") { _ in
            CodeListsPage(layout: layout("Code lists"), lists: [
                .init(id: "gender", label: "Gender", action: "/admin/code-lists/gender",
                      items: [.init(code: "sample_code", label: "Sample code label 7f3")],
                      code: field("gender-code", "new_code", error: "Enter a code in lower case"), newLabel: field("gender-label", "New label")),
            ], errorLinks: errorLinks(("gender-code", "Enter a code in lower case")))
        },
        TemplateSample("admin/partner-domains", shows: "sample-7f3.police.uk") { _ in
            PartnerDomainsPage(layout: layout("Partner domains"), action: "/admin/partner-domains",
                               domain: field("domain", "bad domain", error: "Enter a domain"), errorLinks: errorLinks(("domain", "Enter a domain")),
                               domains: [.init(domain: "sample-7f3.police.uk", removeAction: "/admin/partner-domains/1/remove")])
        },
        TemplateSample("admin/region", shows: "Sample Authority 7f3") { _ in
            RegionPage(layout: layout("Sample Region"), name: "Sample Region", code: "sample-region",
                       localAuthorities: [.init(code: "sample-authority", name: "Sample Authority 7f3")], action: "/admin/regions/sample-region",
                       newCode: field("code", "bad code", error: "Enter a code"), newName: field("name"),
                       errorLinks: errorLinks(("code", "Enter a code")))
        },
        TemplateSample("admin/regions", shows: "Sample Region 7f3") { _ in
            RegionsPage(layout: layout("Regions"), regions: [.init(code: "sample", name: "Sample Region 7f3", localAuthorities: 7,
                                                                   path: "/admin/regions/sample")],
                        action: "/admin/regions", code: field("code", error: "Enter a code"), name: field("name", "New Region"),
                        errorLinks: errorLinks(("code", "Enter a code")))
        },
        TemplateSample("admin/setup-link", shows: "https://reachable.example/set-up/sample-7f3") { _ in
            SetupLinkPage(layout: layout("Set-up link"), heading: "Set-up link", email: "new@example.org",
                          link: "https://reachable.example/set-up/sample-7f3", userPath: "/admin/users/1")
        },
        TemplateSample("admin/user-new", shows: "new-7f3@example.org") { _ in
            NewUserPage(layout: layout("Create an account"), action: "/admin/users/new", email: field("email", "new-7f3@example.org"),
                        name: field("name", error: "Enter a name"), role: select("role", "Caseworker", "Manager"),
                        region: select("region", "West Midlands", "London"), errorLinks: errorLinks(("name", "Enter a name")))
        },
        TemplateSample("admin/user", shows: "Sample User 7f3") { _ in
            UserPage(layout: layout("An account"), user: userRow("Sample User 7f3"), role: select("role", error: "Choose a role", "Caseworker", "Manager"),
                     region: select("region", error: "Choose a region", "West Midlands", "London"), isSelf: false, rolePath: "/admin/users/1/role",
                     disablePath: "/admin/users/1/disable", enablePath: "/admin/users/1/enable", resetPath: "/admin/users/1/reset",
                     errorLinks: errorLinks(("role", "Choose a role")))
        },
        TemplateSample("admin/users", shows: "Sample User 7f3") { _ in
            UsersPage(layout: layout("Users"), users: [userRow("Sample User 7f3")], newUserPath: "/admin/users/new")
        },
    ]

    /// An account as the users' pages list it, in a region, never signed in.
    static func userRow(_ name: String) -> UserRow {
        let region = Region(id: UUID(), code: "west-midlands", name: "West Midlands")
        let user = User(id: UUID(), email: "sample-user@example.org", displayName: name, role: .caseworker, regionID: region.id)
        user.$region.value = region
        return UserRow(user, now: when)
    }

    /// A change waiting for a second person, or decided.
    static func approvalRow(_ email: String, decided: Bool) -> ApprovalsPage.Row {
        let user = User(id: UUID(), email: email, displayName: "Sample Approver", role: .manager, regionID: nil)
        let asker = User(id: UUID(), email: "asker@example.org", displayName: "Sample Asker", role: .admin, regionID: nil)
        let approval = AccountApproval(userID: user.id!, kind: .roleChange, role: .manager, regionID: nil, requestedByID: asker.id!, at: when)
        approval.id = UUID()
        approval.$user.value = user
        approval.decidedByID = decided ? UUID() : nil
        approval.decidedAt = decided ? when : nil
        approval.outcome = decided ? .confirmed : nil
        return ApprovalsPage.Row(approval, people: [user, asker], regions: [], me: UUID())
    }
}
