import Domain
import Fluent
import Foundation

struct UserRow: Encodable {
    let email: String
    let name: String
    let role: String
    let region: String
    let status: String
    let disabled: Bool
    let path: String

    init(_ user: User, now: Date) {
        email = user.email
        name = user.displayName
        role = user.role.label
        region = user.region?.name ?? "All regions"
        disabled = user.disabled
        status = if user.disabled { "Disabled" }
            else if let until = user.lockedUntil, until > now { "Locked" }
            else if user.passwordHash == nil { "Awaiting set-up" }
            else if !user.totpEnabled { "Setting up authenticator" }
            else { "Active" }
        path = SiteURL.adminUser(user.id).path
    }
}

struct UsersPage: Encodable {
    let layout: Layout
    let users: [UserRow]
    let newUserPath: String
}

struct NewUserPage: Encodable {
    let layout: Layout
    let action: String
    let email: FormField
    let name: FormField
    let role: FormField
    let region: FormField
    let errorLinks: [FormErrorLink]?
}

struct UserPage: Encodable {
    let layout: Layout
    let user: UserRow
    let role: FormField
    let region: FormField
    let isSelf: Bool
    let rolePath: String
    let disablePath: String
    let enablePath: String
    let resetPath: String
    let errorLinks: [FormErrorLink]?
}

struct ApprovalRequestedPage: Encodable {
    let layout: Layout
    let heading: String
    let email: String
    let whatHappens: String
    let userPath: String
}

struct SetupLinkPage: Encodable {
    let layout: Layout
    let heading: String
    let email: String
    /// Nil when it was emailed to the person: then nobody else ever sees it.
    let link: String?
    let userPath: String
}

extension UsersPage {
    /// Every account by email, with its state at `now`.
    static func make(layout: Layout, now: Date, on db: any Database) async throws -> UsersPage {
        let users = try await User.query(on: db).with(\.$region).sort(\.$email).all()
        return UsersPage(layout: layout, users: users.map { UserRow($0, now: now) }, newUserPath: SiteURL.adminUserNew.path)
    }
}

extension NewUserPage {
    /// The new-account form with the regions to choose from; `fields` as typed, with their problems, when refused.
    static func make(fields: UserFields, layout: Layout, on db: any Database) async throws -> NewUserPage {
        let regions = try await Region.query(on: db).sort(\.$name).all()
        return NewUserPage(layout: layout, action: SiteURL.adminUserNew.path,
                           email: fields.email.drawn("Email address", as: .email, ["spellcheck": "false", "autocomplete": "off"]),
                           name: fields.name.drawn("Full name", ["autocomplete": "off"]),
                           role: fields.role.select("Role", options: [SelectOption(value: "", label: "Choose a role", selected: false)]
                                                        + UserOptions.roles(selected: fields.role.value)),
                           region: fields.region.select("Region", hint: "Caseworkers and managers belong to one region.",
                                                        options: UserOptions.regions(regions, selected: fields.region.value)),
                           errorLinks: [fields.email, fields.name, fields.role, fields.region].errorLinks)
    }
}

extension UserPage {
    /// An account with its role and region form: `role` and `region` chosen (the account's own, or as sent and refused
    /// with its `problems`). `isSelf`: the admin's own account, which they cannot change.
    static func make(user: User, role: String, region: String, problems: [UserForm.Problem], isSelf: Bool, layout: Layout,
                     now: Date, on db: any Database) async throws -> UserPage {
        let regions = try await Region.query(on: db).sort(\.$name).all()
        return UserPage(layout: layout, user: UserRow(user, now: now),
                        role: FormField("role", value: role, error: problems.first { $0.field == "role" }?.message)
                            .select("Role", options: UserOptions.roles(selected: role)),
                        region: FormField("region", value: region, error: problems.first { $0.field == "region" }?.message)
                            .select("Region", options: UserOptions.regions(regions, selected: region)),
                        isSelf: isSelf,
                        rolePath: SiteURL.adminUserRole(user.id).path, disablePath: SiteURL.adminUserDisable(user.id).path,
                        enablePath: SiteURL.adminUserEnable(user.id).path, resetPath: SiteURL.adminUserResetAccess(user.id).path,
                        errorLinks: problems.isEmpty ? nil : problems.map { FormErrorLink(href: "#\($0.field)", message: $0.message) })
    }
}

/// The role and region choices of the account forms.
enum UserOptions {
    static func roles(selected: String) -> [SelectOption] {
        Role.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }

    static func regions(_ regions: [Region], selected: String) -> [SelectOption] {
        [SelectOption(value: "", label: "No region (national lead, admin, commissioner)", selected: selected.isEmpty)]
            + regions.map { SelectOption(value: $0.code, label: $0.name, selected: $0.code == selected) }
    }
}
