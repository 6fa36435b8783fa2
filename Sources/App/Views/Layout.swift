import Domain
import Vapor

/// What every page's frame needs: the title, who is signed in, the navigation for their role and the token
/// for the sign-out form.
struct Layout: Encodable {
    struct NavItem: Encodable {
        let label: String
        let href: String
        let current: Bool
    }

    let title: String
    let serviceName = "Reachable"
    let userName: String?
    let roleLabel: String?
    let regionName: String?
    let nav: [NavItem]
    let csrfToken: String
    let signOutPath = SiteURL.signOut.path
    let accountPath = SiteURL.account.path
    /// The search box, for the roles that read case content.
    let canSearch: Bool
    let searchPath = SiteURL.search.path
    /// "Contact saved." after a save (`Confirmation`).
    let confirmation: String?
    /// The warning shown shortly before the idle timeout, without JavaScript (a CSS class whose animation waits
    /// that long after the page loads), for signed-in pages only.
    let sessionWarning: String?
    /// "30 minutes", "1 minute".
    let sessionIdle: String
    /// "5 minutes", "1 minute".
    let sessionWarningText: String
    /// The notice shown once the session has ended with the page still open (the same timer, at the timeout).
    let sessionEnded: String?
    let stillHerePath = SiteURL.stillHere.path
    /// Overdue lone-working visits, for the region's managers, at the top of every page.
    let alerts: [Alert]?

    struct Alert: Encodable, Sendable {
        let text: String
        let href: String
    }
}

extension Request {
    func layout(title: String) throws -> Layout {
        let user = currentUser
        let idle = try Int(application.settings.sessionIdle / 60)
        return Layout(title: title, userName: user?.displayName, roleLabel: user?.role.label,
                      regionName: user?.regionName, nav: Navigation.items(for: user?.role, currentPath: url.path),
                      csrfToken: try csrfToken,
                      canSearch: user.map { ReferralsController.readers.contains($0.role) } ?? false,
                      confirmation: Confirmation.message(for: query[String.self, at: "saved"], path: url.path, session: try csrfToken),
                      sessionWarning: user == nil ? nil : SessionWarning.cssClass(idleMinutes: idle),
                      sessionIdle: SessionWarning.minutes(idle), sessionWarningText: SessionWarning.minutes(SessionWarning.minutesBefore(idleMinutes: idle)),
                      sessionEnded: user == nil ? nil : SessionWarning.cssClass(after: idle), alerts: storage[OverdueVisitsKey.self].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// The navigation each role sees. A link appears only for what the role may open.
enum Navigation {
    static func items(for role: Role?, currentPath: String) -> [Layout.NavItem] {
        guard let role else { return [] }
        var links: [(String, SiteURL)] = [("Home", .home)]
        if [.caseworker, .manager, .nationalLead].contains(role) {
            links += [("Referrals", .referrals), ("Cases", .cases), ("Rescues", .rescues)]
        }
        if [.caseworker, .manager].contains(role) {
            links += [("Lone working", .loneWorking), ("On call", .onCall), ("Outreach", .outreach), ("Partnerships", .partnerships),
                      ("Places and groups", .contexts),
                      ("Staff", .staff)]
        }
        if role == .manager {
            links += [("Import", .imports), ("Subject access", .subjectAccessRequests)]
        }
        if [.caseworker, .manager].contains(role) {
            links.append(("Information sharing", .informationSharing))
        }
        if [.manager, .nationalLead, .commissioner].contains(role) {
            links.append(("Annual report", .annualReport))
        }
        if role == .admin {
            links += [("Users", .adminUsers), ("Regions", .adminRegions), ("Code lists", .adminCodeLists),
                      ("Partner domains", .adminPartnerDomains),
                      ("Audit log", .adminAudit)]
        }
        if role == .admin || role == .nationalLead {
            links.append(("Account approvals", .adminApprovals))
        }
        if role == .nationalLead {
            links.append(("Subject access approvals", .subjectAccessApprovals))
        }
        if [.caseworker, .manager, .nationalLead].contains(role) {
            links.append(("Alerts", .alerts))
        }
        links.append(("Your account", .account))
        return links.map { label, url in
            let path = url.path
            let current = path == "/" ? currentPath == "/" : currentPath.hasPrefix(path)
            return Layout.NavItem(label: label, href: path, current: current)
        }
    }
}

/// When the page warns that the session is about to end: five minutes before (half-way for short timeouts).
enum SessionWarning {
    static func minutesBefore(idleMinutes: Int) -> Int { idleMinutes >= 10 ? 5 : max(1, idleMinutes / 2) }

    /// The stylesheet's class for the warning, shown `minutesBefore` the timeout.
    static func cssClass(idleMinutes: Int) -> String? {
        cssClass(after: idleMinutes - minutesBefore(idleMinutes: idleMinutes))
    }

    /// One of the stylesheet's `session-warning--after-Nm` classes (N from 1 to 30).
    static func cssClass(after minutes: Int) -> String? {
        (1...30).contains(minutes) ? "session-warning--after-\(minutes)m" : nil
    }

    static func minutes(_ count: Int) -> String { count == 1 ? "1 minute" : "\(count) minutes" }
}
