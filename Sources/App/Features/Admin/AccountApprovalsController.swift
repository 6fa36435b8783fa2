import Domain
import Fluent
import SQLKit
import Vapor

/// The second person's side of an admin change that would let someone read case content (`AccountApproval`):
/// another admin or a national lead confirms or refuses it. Whoever asked, and the account's owner, cannot.
struct AccountApprovalsController {
    static let deciders: Set<Role> = [.admin, .nationalLead]

    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .adminApprovals, access: .roles(Self.deciders), use: list)
        routes.on(.POST, .adminApprovalConfirm(nil), access: .roles(Self.deciders), use: confirm)
        routes.on(.POST, .adminApprovalRefuse(nil), access: .roles(Self.deciders), use: refuse)
    }

    /// Asks for confirmation inside the caller's transaction: any earlier request for the same account is
    /// withdrawn (only the newest can be confirmed), and the asking is audited.
    static func request(_ approval: AccountApproval, entry: AuditEntry, at now: Date, on db: any Database) async throws {
        try await AccountApproval.query(on: db).filter(\.$user.$id == approval.$user.id).filter(\.$decidedAt == nil)
            .set(\.$decidedAt, to: now).set(\.$decidedByID, to: approval.requestedByID).set(\.$outcome, to: .refused).update()
        try await approval.create(on: db)
        try await Audit.append(entry, on: db, at: now)
    }

    func list(req: Request) async throws -> View {
        let page = try await ApprovalsPage.make(me: req.requireUser().id, layout: req.layout(title: "Account approvals"), on: req.db)
        return try await req.view.render("admin/approvals", page)
    }

    func confirm(req: Request) async throws -> Response {
        let (approval, me) = try await decidable(req)
        let approvalID = try approval.requireID()
        let userID = approval.$user.id
        let now = req.now
        let entry = req.auditEntry(.userApprovalConfirmed, objectType: .user, objectID: userID.uuidString,
                                   detail: "\(approval.kind.rawValue): \(approval.role), asked by \(approval.requestedByID.uuidString)")
        let app = req.application
        let link: String?? = try await req.write { db in
            guard try await Self.decide(approvalID, .confirmed, by: me.id, at: now, on: db) else { throw Abort(.conflict) }
            try await Audit.append(entry, on: db, at: now)
            switch approval.kind {
            case .setupLink:
                guard let person = try await User.find(userID, on: db) else { throw Abort(.notFound) }
                return .some(try await SetupLinks.issueAndDeliver(to: person, isReset: false, app: app, now: now, on: db))
            case .roleChange:
                guard let role = Role(rawValue: approval.role) else { throw Abort(.conflict) }
                try await User.query(on: db).filter(\.$id == userID).set(\.$role, to: role)
                    .set(\.$region.$id, to: approval.regionID).update()
                try await Sessions.endAll(of: userID, at: now, on: db)
                return nil
            }
        }
        guard let link else { return req.redirect(to: SiteURL.adminApprovals.path) }
        let page = try SetupLinkPage(layout: req.layout(title: "Set-up link"), heading: "Set-up link", email: approval.user.email,
                                 link: link, userPath: SiteURL.adminApprovals.path)
        return try await req.view.render("admin/setup-link", page).encodeResponse(for: req)
    }

    func refuse(req: Request) async throws -> Response {
        let (approval, me) = try await decidable(req)
        let approvalID = try approval.requireID()
        let now = req.now
        let entry = req.auditEntry(.userApprovalRefused, outcome: .refused, objectType: .user,
                                   objectID: approval.$user.id.uuidString, detail: "\(approval.kind.rawValue): \(approval.role)")
        try await req.write { db in
            guard try await Self.decide(approvalID, .refused, by: me.id, at: now, on: db) else { throw Abort(.conflict) }
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.adminApprovals.path)
    }

    /// Decides a pending approval in one statement, so that of two people deciding at once on two instances one
    /// wins and the other is told it is already decided. False when it was no longer pending.
    private static func decide(_ id: UUID, _ outcome: AccountApproval.Outcome, by userID: UUID, at now: Date,
                               on db: any Database) async throws -> Bool {
        let rows = try await (db as! any SQLDatabase).update(AccountApproval.schema)
            .set("decided_at", to: now).set("decided_by_id", to: userID).set("outcome", to: outcome.rawValue)
            .where("id", .equal, id).where("decided_at", .is, SQLLiteral.null)
            .returning("id").all()
        return rows.count == 1
    }

    /// A pending approval this person may decide: not their own request, not about their own account.
    private func decidable(_ req: Request) async throws -> (AccountApproval, CurrentUser) {
        let me = try req.requireUser()
        guard let id = req.parameters.get("approvalID", as: UUID.self),
              let approval = try await AccountApproval.query(on: req.db).filter(\.$id == id).with(\.$user).first(),
              approval.decidedAt == nil else {
            throw Abort(.notFound)
        }
        guard approval.requestedByID != me.id, approval.$user.id != me.id else {
            try await req.audit(.accessRefused, outcome: .refused, objectType: .accountApproval, objectID: id.uuidString,
                                detail: "asked for it, or it is about their own account")
            throw Abort(.forbidden)
        }
        return (approval, me)
    }
}

struct ApprovalsPage: Encodable {
    struct Row: Encodable {
        let email: String
        let change: String
        let requestedBy: String
        let requestedAt: String
        let decision: String
        let isPending: Bool
        let mayDecide: Bool
        let confirmPath: String
        let refusePath: String

        init(_ approval: AccountApproval, people: [User], regions: [Region], me: UUID) {
            func who(_ id: UUID?) -> String { people.first { $0.id == id }?.email ?? "—" }
            let role = Role(rawValue: approval.role)?.label ?? approval.role
            let region = regions.first { $0.id == approval.regionID }?.name
            let target = [role, region].compactMap { $0 }.joined(separator: ", ")
            email = approval.user.email
            change = approval.kind == .setupLink ? "Set-up link (\(target))" : "New role: \(target)"
            requestedBy = who(approval.requestedByID)
            requestedAt = DateFormats.display.string(from: approval.requestedAt)
            isPending = approval.decidedAt == nil
            decision = approval.outcome.map { "\($0 == .confirmed ? "Confirmed" : "Refused") by \(who(approval.decidedByID))" } ?? "Waiting"
            mayDecide = isPending && approval.requestedByID != me && approval.$user.id != me
            confirmPath = SiteURL.adminApprovalConfirm(approval.id).path
            refusePath = SiteURL.adminApprovalRefuse(approval.id).path
        }
    }

    let layout: Layout
    let pending: [Row]
    let decided: [Row]
    let hasPending: Bool
    let hasDecided: Bool

    init(layout: Layout, pending: [Row], decided: [Row]) {
        self.layout = layout
        self.pending = pending
        self.decided = decided
        hasPending = !pending.isEmpty
        hasDecided = !decided.isEmpty
    }
}

extension ApprovalsPage {
    /// The newest 200 approvals with who asked and who decided: the pending ones, then the last 50 decided. `me` may
    /// decide none of their own requests, nor any about their own account.
    static func make(me: UUID, layout: Layout, on db: any Database) async throws -> ApprovalsPage {
        let approvals = try await AccountApproval.query(on: db).with(\.$user)
            .sort(\.$requestedAt, .descending).limit(200).all()
        let people = try await User.query(on: db)
            .filter(\.$id ~~ Set(approvals.flatMap { [$0.requestedByID] + ($0.decidedByID.map { [$0] } ?? []) })).all()
        let regions = try await Region.query(on: db).all()
        let rows = approvals.map { approval in
            Row(approval, people: people, regions: regions, me: me)
        }
        return ApprovalsPage(layout: layout, pending: rows.filter(\.isPending), decided: Array(rows.filter { !$0.isPending }.prefix(50)))
    }
}
