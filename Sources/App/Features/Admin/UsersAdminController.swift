import Domain
import Fluent
import Vapor

/// Admins create accounts, change roles and regions, disable and re-enable them, and reset a lost second factor.
/// Admins see no case content; these pages show accounts only.
struct UsersAdminController {
    func register(_ routes: any RoutesBuilder) {
        let admin: AccessRule = .roles([.admin])
        routes.on(.GET, .adminUsers, access: admin, use: list)
        routes.on(.GET, .adminUserNew, access: admin, use: showNew)
        routes.on(.POST, .adminUserNew, access: admin, use: create)
        routes.on(.GET, .adminUser(nil), access: admin, use: show)
        routes.on(.POST, .adminUserRole(nil), access: admin, use: changeRole)
        routes.on(.POST, .adminUserDisable(nil), access: admin, use: disable)
        routes.on(.POST, .adminUserEnable(nil), access: admin, use: enable)
        routes.on(.POST, .adminUserResetAccess(nil), access: admin, use: resetAccess)
    }

    func list(req: Request) async throws -> View {
        let page = try await UsersPage.make(layout: req.layout(title: "Users"), now: req.now, on: req.db)
        return try await req.view.render("admin/users", page)
    }

    func showNew(req: Request) async throws -> View {
        try await renderNew(req, fields: UserFields())
    }

    func create(req: Request) async throws -> Response {
        struct Form: Content { var email: String?; var name: String?; var role: String?; var region: String? }
        let form = try req.content.decode(Form.self)
        let input = UserForm.Input(email: form.email ?? "", name: form.name ?? "", role: form.role ?? "",
                                   region: form.region ?? "")
        let checked = try await UserForm.validate(input, on: req.db)
        if !checked.problems.isEmpty {
            return try await renderNew(req, fields: UserFields(input: input, problems: checked.problems))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let actor = req.auditEntry(.userCreated)
        let now = req.now
        let me = try req.requireUser()
        let needsSecondPerson = checked.role?.needsSecondPersonToGrant == true
        let app = req.application
        let (user, link) = try await req.write { db -> (User, String??) in
            let user = try await UserForm.create(checked, actor: actor, at: now, on: db)
            let userID = try user.requireID()
            guard !needsSecondPerson else {
                try await AccountApprovalsController.request(
                    AccountApproval(userID: userID, kind: .setupLink, role: user.role, regionID: user.$region.id,
                                    requestedByID: me.id, at: now),
                    entry: Self.approvalEntry(req, userID: userID, "set-up link for a new \(user.role.rawValue)"), at: now, on: db)
                return (user, nil)
            }
            return (user, .some(try await SetupLinks.issueAndDeliver(to: user, isReset: false, app: app, now: now, on: db)))
        }
        guard let link else {
            return try await renderApprovalRequested(req, user: user, heading: "Account created",
                                                     whatHappens: "The set-up link is made when it is confirmed, and " + Self.linkGoes(req) + ".")
        }
        return try await renderLink(req, user: user, link: link, heading: "Account created")
    }

    func show(req: Request) async throws -> View {
        let user = try await findUser(req)
        let page = try await UserPage.make(user: user, role: user.role.rawValue, region: user.region?.code ?? "", problems: [],
                                           isSelf: user.id == req.currentUser?.id, layout: req.layout(title: user.displayName),
                                           now: req.now, on: req.db)
        return try await req.view.render("admin/user", page)
    }

    func changeRole(req: Request) async throws -> Response {
        struct Form: Content { var role: String?; var region: String? }
        let user = try await findUser(req)
        let form = try req.content.decode(Form.self)
        try refuseSelf(user, req)
        let checked = try await UserForm.checkRole(form.role ?? "", region: form.region ?? "", on: req.db)
        if !checked.problems.isEmpty {
            let page = try await UserPage.make(user: user, role: form.role ?? "", region: form.region ?? "", problems: checked.problems,
                                               isSelf: false, layout: req.layout(title: user.displayName), now: req.now, on: req.db)
            return try await req.view.render("admin/user", page).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let userID = try user.requireID()
        if checked.role!.needsSecondPersonToGrant {
            // A role that reads case content (or an admin, who can confirm such roles), or the same role in another
            // region: a second person confirms it.
            let me = try req.requireUser()
            let now = req.now
            let entry = Self.approvalEntry(req, userID: userID, "role \(checked.role!.rawValue) \(checked.regionCode ?? "-")")
            try await req.write { db in
                try await AccountApprovalsController.request(
                    AccountApproval(userID: userID, kind: .roleChange, role: checked.role!, regionID: checked.regionID,
                                    requestedByID: me.id, at: now), entry: entry, at: now, on: db)
            }
            return try await renderApprovalRequested(req, user: user, heading: "Role change asked for",
                                                     whatHappens: "The new role takes effect when it is confirmed.")
        }
        let entry = req.auditEntry(.userRoleChanged, objectType: .user, objectID: userID.uuidString,
                                   region: checked.regionCode ?? "",
                                   detail: "from \(user.role.rawValue) \(user.region?.code ?? "-") to \(checked.role!.rawValue) \(checked.regionCode ?? "-")")
        let now = req.now
        try await req.write { db in
            try await User.query(on: db).filter(\.$id == userID)
                .set(\.$role, to: checked.role!).set(\.$region.$id, to: checked.regionID).update()
            // A new role means new rights: sessions opened under the old ones end.
            try await Sessions.endAll(of: userID, at: now, on: db)
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.adminUser(userID).path)
    }

    func disable(req: Request) async throws -> Response {
        try await setDisabled(true, req: req)
    }

    func enable(req: Request) async throws -> Response {
        try await setDisabled(false, req: req)
    }

    /// A lost authenticator: the person gets a new one-time link to choose a password and set up a new
    /// authenticator; their sessions and recovery codes end now (ASVS v5.0.0-6.4.4).
    func resetAccess(req: Request) async throws -> Response {
        let user = try await findUser(req)
        try refuseSelf(user, req)
        let userID = try user.requireID()
        let entry = req.auditEntry(.userAccessReset, objectType: .user, objectID: userID.uuidString,
                                   detail: "password, authenticator and recovery codes cleared")
        let now = req.now
        let me = try req.requireUser()
        let needsSecondPerson = user.role.needsSecondPersonToGrant
        let approvalEntry = Self.approvalEntry(req, userID: userID, "set-up link after a sign-in reset")
        let app = req.application
        let link: String?? = try await req.write { db in
            try await User.query(on: db).filter(\.$id == userID)
                .set(\.$passwordHash, to: nil).set(\.$totpSecret, to: nil).set(\.$totpEnabled, to: false)
                .set(\.$totpLastCounter, to: nil).set(\.$failedAttempts, to: 0).set(\.$lockedUntil, to: nil).update()
            try await RecoveryCode.query(on: db).filter(\.$user.$id == userID).delete()
            try await Sessions.endAll(of: userID, at: now, on: db)
            try await Audit.append(entry, on: db, at: now)
            guard !needsSecondPerson else {
                // The old sign-in is gone at once; the new link waits for a second person.
                try await AccountApprovalsController.request(
                    AccountApproval(userID: userID, kind: .setupLink, role: user.role, regionID: user.$region.id,
                                    requestedByID: me.id, at: now), entry: approvalEntry, at: now, on: db)
                return nil
            }
            return .some(try await SetupLinks.issueAndDeliver(to: user, isReset: true, app: app, now: now, on: db))
        }
        guard let link else {
            return try await renderApprovalRequested(req, user: user, heading: "Sign-in reset",
                                                     whatHappens: "The person's old password and authenticator no longer work. The new set-up link is made when the reset is confirmed, and " + Self.linkGoes(req) + ".")
        }
        return try await renderLink(req, user: user, link: link, heading: "Sign-in reset")
    }

    // MARK: - Helpers

    private func setDisabled(_ disabled: Bool, req: Request) async throws -> Response {
        let user = try await findUser(req)
        try refuseSelf(user, req)
        let userID = try user.requireID()
        let entry = req.auditEntry(disabled ? .userDisabled : .userEnabled, objectType: .user, objectID: userID.uuidString)
        let now = req.now
        try await req.write { db in
            try await User.query(on: db).filter(\.$id == userID).set(\.$disabled, to: disabled).update()
            if disabled { try await Sessions.endAll(of: userID, at: now, on: db) }
            try await Audit.append(entry, on: db, at: now)
        }
        return req.redirect(to: SiteURL.adminUser(userID).path)
    }

    /// An admin cannot lock themselves out or change their own rights: another admin must.
    private func refuseSelf(_ user: User, _ req: Request) throws {
        if user.id == req.currentUser?.id { throw Abort(.forbidden) }
    }

    private func findUser(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("userID", as: UUID.self),
              let user = try await User.query(on: req.db).filter(\.$id == id).with(\.$region).first() else {
            throw Abort(.notFound)
        }
        return user
    }

    private func renderNew(_ req: Request, fields: UserFields) async throws -> View {
        let page = try await NewUserPage.make(fields: fields, layout: req.layout(title: "Create an account"), on: req.db)
        return try await req.view.render("admin/user-new", page)
    }

    /// The link when there is no email to send it by; otherwise where it went.
    private func renderLink(_ req: Request, user: User, link: String?, heading: String) async throws -> Response {
        let page = try SetupLinkPage(layout: req.layout(title: heading), heading: heading, email: user.email, link: link,
                                 userPath: SiteURL.adminUser(user.id).path)
        return try await req.view.render("admin/setup-link", page).encodeResponse(for: req)
    }

    /// Where a confirmed link goes, as the pages say it.
    static func linkGoes(_ req: Request) -> String {
        req.application.alertProviders.email == nil ? "shown to whoever confirms it, to pass on" : "emailed to the person, whom alone it reaches"
    }

    private func renderApprovalRequested(_ req: Request, user: User, heading: String, whatHappens: String) async throws -> Response {
        let page = try ApprovalRequestedPage(layout: req.layout(title: heading), heading: heading, email: user.email,
                                         whatHappens: whatHappens, userPath: SiteURL.adminUser(user.id).path)
        return try await req.view.render("admin/approval-requested", page).encodeResponse(for: req)
    }

    private static func approvalEntry(_ req: Request, userID: UUID, _ detail: String) -> AuditEntry {
        req.auditEntry(.userApprovalRequested, objectType: .user, objectID: userID.uuidString, detail: detail)
    }
}

/// The typed fields of the new-account form.
struct UserFields {
    var email = FormField("email")
    var name = FormField("name")
    var role = FormField("role")
    var region = FormField("region")

    init() {}

    init(input: UserForm.Input, problems: [UserForm.Problem]) {
        func field(_ id: String, _ value: String) -> FormField {
            FormField(id, value: value, error: problems.first { $0.field == id }?.message)
        }
        email = field("email", input.email)
        name = field("name", input.name)
        role = field("role", input.role)
        region = field("region", input.region)
    }
}
