import Domain
import Fluent
import Vapor

/// The rules for an account's email, name, role and region, shared by the admin pages and `reachable users create`.
enum UserForm {
    struct Input: Sendable {
        var email: String
        var name: String
        var role: String
        var region: String
    }

    struct Problem: Sendable {
        let field: String
        let message: String
    }

    struct Checked: Sendable {
        var email: String
        var name: String
        var role: Role?
        var regionID: UUID?
        var regionCode: String?
        var problems: [Problem]
    }

    static func emailProblem(_ email: String) -> String? {
        if email.isEmpty { return "Enter an email address" }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.count <= 254,
              !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control
                  || $0.properties.generalCategory == .format }) else {
            return "Enter an email address like name@example.org"
        }
        return nil
    }

    /// Checks role and region together: caseworkers and managers need a region; other roles must not have one.
    static func checkRole(_ roleText: String, region regionText: String, on db: any Database) async throws
        -> (role: Role?, regionID: UUID?, regionCode: String?, problems: [Problem]) {
        var problems: [Problem] = []
        let role = Role(rawValue: roleText)
        if role == nil { problems.append(Problem(field: "role", message: "Choose a role")) }
        var regionID: UUID?
        let code = regionText.trimmingCharacters(in: .whitespaces)
        if let role, role.isRegional {
            if code.isEmpty {
                problems.append(Problem(field: "region", message: "Choose the region of this \(role.label.lowercased())"))
            } else if let region = try await Region.query(on: db).filter(\.$code == code).first() {
                regionID = region.id
            } else {
                problems.append(Problem(field: "region", message: "Region \(code) does not exist"))
            }
        } else if role != nil && !code.isEmpty {
            problems.append(Problem(field: "region", message: "Only caseworkers and managers belong to a region"))
        }
        return (role, regionID, regionID == nil ? nil : code, problems)
    }

    static func validate(_ input: Input, on db: any Database) async throws -> Checked {
        var problems: [Problem] = []
        let email = User.normalise(email: input.email)
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = emailProblem(email) {
            problems.append(Problem(field: "email", message: problem))
        } else if try await User.query(on: db).filter(\.$email == email).count() > 0 {
            problems.append(Problem(field: "email", message: "An account with this email address already exists"))
        }
        if name.isEmpty { problems.append(Problem(field: "name", message: "Enter the person's full name")) }
        if name.count > 200 { problems.append(Problem(field: "name", message: "Name must be 200 characters or fewer")) }
        let role = try await checkRole(input.role, region: input.region, on: db)
        return Checked(email: email, name: name, role: role.role, regionID: role.regionID, regionCode: role.regionCode,
                       problems: problems + role.problems)
    }

    /// Creates the account (no password yet) and audits it, inside the caller's transaction.
    static func create(_ checked: Checked, actor: AuditEntry, at now: Date, on db: any Database) async throws -> User {
        guard let role = checked.role, checked.problems.isEmpty else { throw Abort(.unprocessableEntity) }
        let user = User(email: checked.email, displayName: checked.name, role: role, regionID: checked.regionID)
        try await user.create(on: db)
        var entry = actor
        entry.objectType = .user
        entry.objectID = try user.requireID().uuidString
        entry.region = checked.regionCode ?? ""
        entry.detail = "role \(role.rawValue)"
        try await Audit.append(entry, on: db, at: now)
        return user
    }
}
