import Domain
import Fluent
import Vapor

/// What a manager's home page shows of alerts: gaps in the region's on-call cover in the week ahead, and alert
/// messages that did not go. A national lead sees the messages of every region. Two indexed queries; a section
/// appears only when it has something to say, except the gaps, which a manager should see are none.
enum AlertsDashboard {
    static func sections(for user: CurrentUser, now: Date, on db: any Database) async throws -> [Dashboard.Section] {
        var sections: [Dashboard.Section] = []
        if user.role == .manager, let region = user.regionID {
            let shifts = try await OnCallController.shifts(regionID: region, now: now, on: db)
            let gaps = OnCallCover.gaps(OnCallController.covering(shifts), from: now, to: now.addingTimeInterval(OnCallController.lookAhead))
            sections.append(Dashboard.Section(
                title: "Gaps in on-call cover, next 7 days", id: "on-call-gaps",
                items: gaps.prefix(Dashboard.listLength).map { gap in
                    Dashboard.Item(label: gap.role.label, href: SiteURL.onCall.path,
                                   detail: "nobody from \(DateFormats.shown(gap.start)) to \(DateFormats.shown(gap.end))",
                                   overdue: gap.start <= now)
                }, total: gaps.count, empty: "Every place on the rota is covered for the next 7 days."))
        }
        let undelivered = try await AlertsController.undelivered(to: user, now: now, on: db)
        if !undelivered.isEmpty {
            sections.append(Dashboard.Section(
                title: user.role == .admin ? "Set-up emails that did not go" : "Alert messages that did not go", id: "undelivered-alerts",
                items: undelivered.prefix(Dashboard.listLength).map { message in
                    Dashboard.Item(label: "\(message.reference) to \(message.person) by \(message.channel.lowercased())",
                                   href: user.role == .admin ? SiteURL.adminUsers.path : SiteURL.alerts.path,
                                   detail: "\(message.state): \(message.reason)", overdue: true)
                }, total: undelivered.count, empty: ""))
        }
        return sections
    }
}
