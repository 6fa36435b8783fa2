import Domain
import Fluent
import SQLKit
import Vapor

/// Where a set-up link leads: choose a password (and, for the first admin, name yourself), then set up the
/// authenticator.
struct SetupController {
    func register(_ routes: any RoutesBuilder) {
        routes.on(.GET, .setup(token: nil), access: .open, use: show)
        routes.on(.POST, .setup(token: nil), access: .open, use: submit)
    }

    func show(req: Request) async throws -> Response {
        let link = try await validLink(req)
        return try await render(req, link: link, email: FormField("email"), name: FormField("name"),
                                password: FormField("password"), confirmation: FormField("confirmation"))
    }

    func submit(req: Request) async throws -> Response {
        struct Form: Content { var email: String?; var name: String?; var password: String?; var confirmation: String? }
        let link = try await validLink(req)
        let form = try req.content.decode(Form.self)
        let isFirstAdmin = link.purpose == .firstAdmin
        var email = FormField("email", value: User.normalise(email: form.email ?? ""))
        var name = FormField("name", value: (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        var password = FormField("password")
        var confirmation = FormField("confirmation")
        let typed = form.password ?? ""
        if isFirstAdmin {
            if let problem = UserForm.emailProblem(email.value) { email.error = problem }
            if name.value.isEmpty { name.error = "Enter your full name" }
        }
        let accountEmail = isFirstAdmin ? email.value : (link.user?.email ?? "")
        if typed.isEmpty {
            password.error = "Enter a password"
        } else if let problem = try req.application.passwordPolicy.problem(with: typed, email: accountEmail) {
            password.error = PasswordPolicy.message(for: problem)
        } else if typed != (form.confirmation ?? "") {
            confirmation.error = "The passwords do not match"
        }
        if [email, name, password, confirmation].contains(where: { $0.error != nil }) {
            return try await render(req, link: link, email: email, name: name, password: password,
                                    confirmation: confirmation, status: .unprocessableEntity)
        }
        let hash = try PasswordHasher(cost: req.application.settings.bcryptCost).hash(typed)
        let linkID = try link.requireID()
        let now = req.now
        let address = req.clientAddress
        let emailValue = email.value, nameValue = name.value
        let user: User = try await req.write { db in
            // Claim the link first, in one statement: a second use of the same link, at the same instant on another
            // instance included, finds it used and stops here.
            let claimed = try await (db as! any SQLDatabase).update(SetupLink.schema).set("used_at", to: now)
                .where("id", .equal, linkID).where("used_at", .is, SQLLiteral.null).returning("id").all()
            guard !claimed.isEmpty, let fresh = try await SetupLink.find(linkID, on: db) else { throw Abort(.notFound) }
            let user: User
            if isFirstAdmin {
                guard try await User.query(on: db).count() == 0 else { throw Abort(.notFound) }
                user = User(email: emailValue, displayName: nameValue, role: .admin, regionID: nil)
            } else {
                guard let existing = try await User.find(fresh.$user.id, on: db) else { throw Abort(.notFound) }
                user = existing
            }
            user.passwordHash = hash
            user.failedAttempts = 0
            user.lockedUntil = nil
            try await user.save(on: db)
            try await Sessions.endAll(of: try user.requireID(), at: now, on: db)
            try await Audit.append(AuditEntry(action: isFirstAdmin ? .accountFirstAdminCreated : .accountPasswordSet,
                                              userID: user.id, actor: user.email, objectType: .user,
                                              objectID: user.id!.uuidString, address: address), on: db, at: now)
            return user
        }
        let token = try await req.write { db in
            try await Sessions.start(for: user, stage: .secondFactor, req: req, on: db)
        }
        let response = req.redirect(to: user.totpEnabled ? SiteURL.signInCode.path : SiteURL.signInEnrol.path)
        try SessionCookie.set(token, on: response, for: req)
        return response
    }

    private func validLink(_ req: Request) async throws -> SetupLink {
        guard let token = req.parameters.get("token"),
              let link = try await SetupLinks.find(token: token, now: req.now, on: req.db) else {
            throw Abort(.notFound)
        }
        return link
    }

    private func render(_ req: Request, link: SetupLink, email: FormField, name: FormField, password: FormField,
                        confirmation: FormField, status: HTTPStatus = .ok) async throws -> Response {
        let isFirstAdmin = link.purpose == .firstAdmin
        let page = SetupPage(
            layout: try req.layout(title: isFirstAdmin ? "Create the first administrator" : "Choose your password"),
            heading: isFirstAdmin ? "Create the first administrator" : "Choose your password",
            firstAdmin: isFirstAdmin, accountEmail: link.user?.email ?? "", action: req.url.path,
            email: email.drawn("Email address", as: .email, ["autocomplete": "username", "spellcheck": "false"]),
            name: name.drawn("Full name", ["autocomplete": "name"]),
            password: password.drawn("New password", hint: "At least 12 characters. A few unrelated words make a strong password that is easy to remember.",
                                     as: .password, ["autocomplete": "new-password"]),
            confirmation: confirmation.drawn("Type the password again", as: .password, ["autocomplete": "new-password"]),
            errorLinks: [email, name, password, confirmation].errorLinks)
        return try await req.view.render("auth/set-up", page).encodeResponse(status: status, for: req)
    }
}

struct SetupPage: Encodable {
    let layout: Layout
    let heading: String
    let firstAdmin: Bool
    let accountEmail: String
    let action: String
    let email: FormField
    let name: FormField
    let password: FormField
    let confirmation: FormField
    let errorLinks: [FormErrorLink]?
}
