import Domain
import Fluent
import Vapor

/// The page each role lands on after signing in.
struct HomeController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .home, access: .signedIn, use: show)
    }

    func show(req: Request) async throws -> View {
        let page = try await HomePage.make(for: req.requireUser(), layout: req.layout(title: "Home"),
                                           attention: req.application.settings.caseAttention, cipher: req.application.cipher,
                                           now: req.now, on: req.db)
        return try await req.view.render("home/home", page)
    }

    static func heading(for user: CurrentUser) -> String {
        switch user.role {
        case .caseworker, .manager: "\(user.regionName ?? "Your region"): \(user.role.label.lowercased())"
        case .nationalLead: "All regions"
        case .admin: "Administration"
        case .commissioner: "Commissioned service reports"
        }
    }

    /// What each role may do, in the words of SPEC §1, so people know the limits of their access.
    static func summary(for role: Role) -> String {
        switch role {
        case .caseworker: "You work with the referrals and cases of your region, and write to the cases assigned to you."
        case .manager: "You see every case of your region, assign and close cases, and run your region's reports."
        case .nationalLead: "You read every region's work and run national reports."
        case .admin: "You manage accounts, regions and code lists. Administrators do not see case records."
        case .commissioner: "You see aggregate reports, with small numbers suppressed. You never see names or notes."
        }
    }
}

struct HomePage: Encodable {
    struct Figure: Encodable {
        let label: String
        let value: Int
    }

    struct Task: Encodable {
        let label: String
        let href: String
    }

    let layout: Layout
    let heading: String
    let roleLabel: String
    let summary: String
    let figures: [Figure]?
    let tasks: [Task]
    let sections: [Dashboard.Section]?
}

extension HomePage {
    /// The page `user` lands on: their role's figures, tasks and sections (the dashboard, alerts, partner referrals).
    static func make(for user: CurrentUser, layout: Layout, attention: CaseAttention, cipher: FieldCipher, now: Date,
                     on db: any Database) async throws -> HomePage {
        var tasks: [Task] = []
        var figures: [Figure] = []
        var sections: [Dashboard.Section] = []
        switch user.role {
        case .admin:
            func users() -> QueryBuilder<User> { User.query(on: db) }
            figures = [
                .init(label: "Active accounts", value: try await users().filter(\.$disabled == false).filter(\.$totpEnabled == true).count()),
                .init(label: "Awaiting set-up", value: try await users().filter(\.$disabled == false).filter(\.$totpEnabled == false).count()),
                .init(label: "Locked now", value: try await users().filter(\.$lockedUntil > now).count()),
                .init(label: "Disabled", value: try await users().filter(\.$disabled == true).count()),
            ]
            tasks = [
                .init(label: "Create an account", href: SiteURL.adminUserNew.path),
                .init(label: "Manage users", href: SiteURL.adminUsers.path),
                .init(label: "Regions and local authorities", href: SiteURL.adminRegions.path),
                .init(label: "Code lists", href: SiteURL.adminCodeLists.path),
                .init(label: "Partner domains", href: SiteURL.adminPartnerDomains.path),
            ]
            sections = try await AlertsDashboard.sections(for: user, now: now, on: db)
        case .caseworker, .manager:
            let dashboard = try await Dashboard.make(for: user, attention: attention, cipher: cipher, now: now, on: db)
            figures = dashboard.figures
            sections = dashboard.sections
            tasks = [.init(label: "Record a referral", href: SiteURL.referralNew.path),
                     .init(label: "Log a rescue call", href: SiteURL.rescueNew.path),
                     .init(label: "Referrals awaiting screening", href: SiteURL.referrals.path),
                     .init(label: "Partner referrals awaiting triage", href: SiteURL.partnerReferrals.path),
                     .init(label: user.role == .caseworker ? "Your caseload" : "Open cases", href: SiteURL.cases.path)]
            if user.role == .manager { tasks.append(.init(label: "Annual report", href: SiteURL.annualReport.path)) }
        case .nationalLead:
            // Every region's partner referrals still to do, with those no region's list holds, which are theirs to route.
            let partners = try await PartnerReferralQueue.section(scope: RegionScope(user), now: now, limit: Dashboard.listLength, on: db)
            figures = [.init(label: "Partner referrals to triage or call back", value: partners.total)]
            sections = try await AlertsDashboard.sections(for: user, now: now, on: db) + [partners.section]
            tasks = [.init(label: "Referrals in every region", href: SiteURL.referrals.path),
                     .init(label: "Partner referrals awaiting triage", href: SiteURL.partnerReferrals.path),
                     .init(label: "Annual report", href: SiteURL.annualReport.path)]
        case .commissioner:
            tasks = [.init(label: "Annual report", href: SiteURL.annualReport.path)]
        }
        return HomePage(layout: layout, heading: HomeController.heading(for: user), roleLabel: user.role.label,
                            summary: HomeController.summary(for: user.role), figures: figures.isEmpty ? nil : figures, tasks: tasks,
                            sections: sections.isEmpty ? nil : sections)
    }
}
