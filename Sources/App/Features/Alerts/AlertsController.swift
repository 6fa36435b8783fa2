import Domain
import Fluent
import SQLKit
import Vapor

/// The alerts people can see and acknowledge: the list for the region (or every region, for a national lead), and
/// the page a message's link opens, which acknowledges with one button and needs no sign-in (at 2 a.m. on a phone).
struct AlertsController {
    static let readers: Set<Role> = [.caseworker, .manager, .nationalLead]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .alerts, access: .roles(Self.readers), use: list)
        routes.on(.POST, .alertAcknowledgeOnPage(nil), access: .roles(Self.readers), use: acknowledgeOnPage)
        routes.on(.GET, .alertAcknowledge(token: nil), access: .open, use: showLink)
        routes.on(.POST, .alertAcknowledge(token: nil), access: .open, use: acknowledgeByLink)
    }

    func list(req: Request) async throws -> View {
        let user = try req.requireUser()
        let page = try await AlertsPage.make(user: user, layout: req.layout(title: "Alerts"), now: req.now, on: req.db)
        try await req.audit(.alertListViewed, objectType: .alert, region: user.regionCode ?? "")
        return try await req.view.render("alerts/list", page)
    }

    func acknowledgeOnPage(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("alertID", as: UUID.self),
              let alert = try await Self.visible(to: user, on: req.db).filter(\.$id == id).first() else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .alert, objectID: req.parameters.get("alertID") ?? "",
                                detail: "not an alert they can see")
            throw Abort(.notFound)
        }
        guard let person = try await User.find(user.id, on: req.db) else { throw Abort(.unauthorized) }
        let cipher = try req.application.cipher, now = req.now, address = req.clientAddress
        let done = try await req.write { db in
            try await AlertBook.acknowledge(alert.id!, by: person, via: .page, address: address, now: now, cipher: cipher, on: db)
        }
        guard done else { throw Abort(.conflict, reason: "This alert was already acknowledged, or is over.") }
        return try req.redirect(to: SiteURL.alerts.path, saved: .alertAcknowledged)
    }

    func showLink(req: Request) async throws -> Response {
        guard let found = try await Self.linked(req) else { return try await expired(req) }
        if let refusal = try await refuseSomeoneElse(req, found) { return refusal }
        return try await render(req, found, acknowledgedNow: false)
    }

    /// A link stands for the person it was sent to. Signed in as someone else (a manager of another region who was
    /// forwarded it), it acknowledges nothing: that person acknowledges on their own Alerts page, if they may.
    private func refuseSomeoneElse(_ req: Request, _ found: Linked) async throws -> Response? {
        guard let user = req.currentUser, user.id != found.recipient.id else { return nil }
        try await req.audit(.accessRefused, outcome: .refused, objectType: .alert, objectID: found.alert.id!.uuidString,
                            detail: "an acknowledgement link sent to someone else")
        let page = try AlertLinkPage(layout: req.layout(title: "This link is for someone else"), alert: nil, recipient: "",
                                 acknowledgedNow: false, action: "", forSomeoneElse: true)
        return try await req.view.render("alerts/acknowledge", page).encodeResponse(status: .forbidden, for: req)
    }

    /// The link works once: the first POST takes it (one conditional UPDATE), and acknowledges as its recipient.
    func acknowledgeByLink(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        if let found = try await Self.linked(req), let refusal = try await refuseSomeoneElse(req, found) { return refusal }
        let now = req.now, cipher = try req.application.cipher, address = req.clientAddress
        let outcome: (found: Linked, acknowledged: Bool)? = try await req.write { db in
            guard let row = try await (db as! any SQLDatabase).raw("""
                UPDATE alert_messages SET ack_used_at = \(bind: now)
                WHERE ack_token_hash = \(bind: SecretToken.hash(token)) AND ack_used_at IS NULL AND ack_expires_at > \(bind: now)
                RETURNING alert_id, user_id
                """).first(),
                  let alertID = try row.decode(column: "alert_id", as: UUID?.self),
                  let userID = try row.decode(column: "user_id", as: UUID?.self),
                  let person = try await User.find(userID, on: db), !person.disabled,
                  let alert = try await Alert.find(alertID, on: db) else { return nil }
            let done = try await AlertBook.acknowledge(alertID, by: person, via: .link, address: address, now: now, cipher: cipher, on: db)
            return (Linked(alert: try await Alert.find(alertID, on: db) ?? alert, recipient: person), done)
        }
        guard let outcome else { return try await expired(req) }
        return try await render(req, outcome.found, acknowledgedNow: outcome.acknowledged)
    }

    // MARK: - Steps

    struct Linked {
        let alert: Alert
        let recipient: User
    }

    /// The alert a link names, while the link is unused and in date.
    static func linked(_ req: Request) async throws -> Linked? {
        let hash = SecretToken.hash(req.parameters.get("token") ?? "")
        guard let message = try await AlertMessageRecord.query(on: req.db).filter(\.$ackTokenHash == hash).first(),
              message.ackUsedAt == nil, let expires = message.ackExpiresAt, expires > req.now,
              let alertID = message.alertID, let alert = try await Alert.find(alertID, on: req.db),
              let userID = message.userID, let person = try await User.find(userID, on: req.db), !person.disabled else { return nil }
        return Linked(alert: alert, recipient: person)
    }

    private func render(_ req: Request, _ found: Linked, acknowledgedNow: Bool) async throws -> Response {
        let page = try await AlertLinkPage.make(found, signedIn: req.currentUser != nil, acknowledgedNow: acknowledgedNow,
                                                action: req.url.path, layout: req.layout(title: "Alert \(found.alert.reference)"),
                                                now: req.now, on: req.db)
        let response = try await req.view.render("alerts/acknowledge", page).encodeResponse(for: req)
        // The link is a secret: not cached, not sent on as a referrer.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func expired(_ req: Request) async throws -> Response {
        try await req.audit(.alertLinkRefused, outcome: .refused, objectType: .alert, detail: "unknown, used or expired link")
        let page = try AlertLinkPage(layout: req.layout(title: "This link no longer works"), alert: nil, recipient: "",
                                 acknowledgedNow: false, action: "", forSomeoneElse: false)
        return try await req.view.render("alerts/acknowledge", page).encodeResponse(status: .notFound, for: req)
    }

    /// The alerts a person may see: a manager's region's; every alert, for a national lead; for a caseworker, their
    /// own overdue visits and the region's alerts a caseworker on call is sent (a rescue call, a partner's call-back),
    /// never a silent alarm (the worker under duress may be a caseworker made to look) or a colleague's visit.
    static func visible(to user: CurrentUser, on db: any Database) -> QueryBuilder<Alert> {
        let query = Alert.query(on: db)
        switch user.role {
        case .nationalLead: return query
        case .manager:
            // Never their own silent alarm or call for help: a manager may be the lone worker in trouble.
            return query.filter(\.$regionID == (user.regionID ?? UUID())).group(.or) { either in
                either.filter(\.$kind !~ [.duress, .helpByText]).filter(\.$workerID == nil).filter(\.$workerID != user.id)
            }
        case .caseworker:
            return query.filter(\.$regionID == (user.regionID ?? UUID())).group(.or) { either in
                either.filter(\.$kind ~~ [.rescueWaiting, .partnerCallBack])
                    .group(.and) { $0.filter(\.$kind == .loneWorkingOverdue).filter(\.$workerID == user.id) }
            }
        default: return query.filter(\.$id == UUID())
        }
    }

    static func names(of ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await User.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.displayName) },
                          uniquingKeysWith: { first, _ in first })
    }

    /// Messages of the last week that did not go: failed for good, off (no provider, no number), or still failing
    /// after a few tries. The region's, for a manager; every region's, for a national lead; set-up emails, for an
    /// admin.
    static func undelivered(to user: CurrentUser, now: Date, on db: any Database) async throws -> [AlertsPage.Undelivered] {
        var query = AlertMessageRecord.query(on: db).filter(\.$createdAt > now.addingTimeInterval(-7 * 86400))
            .group(.or) { group in
                group.filter(\.$status ~~ [.failed, .off]).group(.and) {
                    $0.filter(\.$status ~~ [.pending, .sending]).filter(\.$attempts >= RetryPolicy.failingAfter)
                }
            }
        switch user.role {
        case .manager: query = query.filter(\.$regionID == (user.regionID ?? UUID()))
        case .nationalLead: break
        // An admin sees the set-up emails that did not go (the accounts are theirs), and no alert.
        case .admin: query = query.filter(\.$alertID == nil)
        default: return []
        }
        let messages = try await query.sort(\.$createdAt, .descending).limit(100).all()
        let names = try await names(of: messages.compactMap(\.userID), on: db)
        let references = Dictionary(try await Alert.query(on: db).filter(\.$id ~~ messages.compactMap(\.alertID)).all()
            .map { ($0.id!, $0.reference) }, uniquingKeysWith: { first, _ in first })
        return messages.map { message in
            AlertsPage.Undelivered(reference: message.alertID.flatMap { references[$0] } ?? "Set-up link",
                                   person: message.userID.flatMap { names[$0] } ?? "",
                                   channel: message.channel.label, when: DateFormats.shown(message.createdAt),
                                   state: message.status == .off || message.status == .failed ? "Not sent" : "Still trying (\(message.attempts) attempts)",
                                   reason: message.lastError ?? message.deliveryStatus ?? "")
        }
    }
}

struct AlertsPage: Encodable {
    struct Row: Encodable {
        let id: String
        let reference: String
        let kind: String
        let raised: String
        let state: String
        let isOpen: Bool
        let acknowledgePath: String
        let isDuress: Bool

        init(_ alert: Alert, names: [UUID: String], now: Date) {
            id = alert.id!.uuidString
            reference = alert.reference
            let label = alert.kind.label.prefix(1).uppercased() + alert.kind.label.dropFirst()
            // Signed in, the region's managers see who is in trouble; a message or a link never says.
            let who = [.helpByText, .duress].contains(alert.kind) ? alert.workerID.flatMap { names[$0] } : nil
            kind = label + (who.map { " (\($0))" } ?? "")
            raised = DateFormats.shown(alert.raisedAt)
            isOpen = alert.isOpen
            isDuress = alert.kind == .duress
            acknowledgePath = SiteURL.alertAcknowledgeOnPage(alert.id).path
            if let at = alert.acknowledgedAt {
                let via = alert.acknowledgedVia.flatMap(AcknowledgementRoute.init(rawValue:))?.label ?? ""
                state = "Acknowledged" + (alert.acknowledgedByID.flatMap { names[$0] }.map { " by \($0)" } ?? "")
                    + " \(via) at \(DateFormats.shown(at))"
            } else if let at = alert.resolvedAt {
                state = "Over at \(DateFormats.shown(at)): what it was about has ended"
            } else {
                let chain = alert.regionID == nil ? AlertKind.unroutedChain : alert.kind.chain
                state = "Not yet acknowledged: \(min(alert.step, chain.count)) of \(chain.count) steps taken"
                    + (alert.nextStepAt.map { $0 > now ? ", next at \(DateFormats.shown($0))" : ", next now" } ?? "")
            }
        }
    }

    struct Undelivered: Encodable {
        let reference: String
        let person: String
        let channel: String
        let when: String
        let state: String
        let reason: String
    }

    let layout: Layout
    let open: [Row]
    let closed: [Row]
    let undelivered: [Undelivered]?
    let accountAlertsPath: String
    let onCallPath: String?
}

extension AlertsPage {
    /// The alerts of the last week `user` may see, newest first (at most 200), open then closed, with the names of who
    /// acknowledged them and who raised a call for help; for a manager or a national lead, the messages that did not go.
    static func make(user: CurrentUser, layout: Layout, now: Date, on db: any Database) async throws -> AlertsPage {
        let alerts = try await AlertsController.visible(to: user, on: db).filter(\.$raisedAt > now.addingTimeInterval(-7 * 86400))
            .sort(\.$raisedAt, .descending).limit(200).all()
        let names = try await AlertsController.names(of: alerts.compactMap(\.acknowledgedByID)
            + alerts.filter { $0.kind == .helpByText || $0.kind == .duress }.compactMap(\.workerID), on: db)
        let rows = alerts.map { Row($0, names: names, now: now) }
        let undelivered = user.role == .caseworker ? [] : try await AlertsController.undelivered(to: user, now: now, on: db)
        return AlertsPage(
            layout: layout, open: rows.filter(\.isOpen), closed: rows.filter { !$0.isOpen },
            undelivered: undelivered.isEmpty ? nil : undelivered, accountAlertsPath: SiteURL.accountAlerts.path,
            onCallPath: user.role == .nationalLead ? nil : SiteURL.onCall.path)
    }
}

struct AlertLinkPage: Encodable {
    let layout: Layout
    /// Nil when the link is unknown, used or out of date.
    let alert: AlertsPage.Row?
    let recipient: String
    let acknowledgedNow: Bool
    let action: String
    /// Opened by someone signed in who is not the person it was sent to.
    let forSomeoneElse: Bool
}

extension AlertLinkPage {
    /// The alert a link names, for its recipient. Staff names only to someone `signedIn`: the link alone shows the
    /// alert's kind, reference and state.
    static func make(_ found: AlertsController.Linked, signedIn: Bool, acknowledgedNow: Bool, action: String, layout: Layout,
                     now: Date, on db: any Database) async throws -> AlertLinkPage {
        let names = signedIn ? try await AlertsController.names(of: found.alert.acknowledgedByID.map { [$0] } ?? [], on: db) : [:]
        return AlertLinkPage(layout: layout, alert: AlertsPage.Row(found.alert, names: names, now: now),
                             recipient: found.recipient.displayName, acknowledgedNow: acknowledgedNow,
                             action: action, forSomeoneElse: false)
    }
}
