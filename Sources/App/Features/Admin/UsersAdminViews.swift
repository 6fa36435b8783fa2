import Domain
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
