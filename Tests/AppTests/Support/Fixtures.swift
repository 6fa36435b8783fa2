@testable import App
import Domain
import Fluent
import Foundation
import Testing
import VaporTesting

/// People to sign in as, created straight in the database with a password and an enrolled authenticator.
struct Account: Sendable {
    let id: UUID
    let email: String
    let password: String
    let secret: [UInt8]
}

enum Fixtures {
    static let password = "lantern orchard velvet"

    static func account(_ app: Application, role: Role, region: String? = nil, email: String? = nil) async throws -> Account {
        let address = email ?? "\(role.rawValue)-\(region ?? "national")-\(UUID().uuidString.prefix(6))@example.org".lowercased()
        var regionID: UUID?
        if let region {
            regionID = try await Region.query(on: app.db).filter(\.$code == region).first()?.id
        }
        let user = User(email: address, displayName: "Test \(role.label)", role: role, regionID: regionID)
        user.passwordHash = try PasswordHasher(cost: 4).hash(password)
        let secret = TOTP.newSecret()
        user.totpSecret = try app.cipher.seal(Base32.encode(secret))
        user.totpEnabled = true
        try await user.create(on: app.db)
        return Account(id: try user.requireID(), email: address, password: password, secret: secret)
    }

    static func currentCode(_ app: Application, _ account: Account) -> String {
        TOTP.code(secret: account.secret, counter: TOTP.counter(at: app.clock.now()))
    }

    static func auditActions(_ app: Application) async throws -> [String] {
        try await AuditEvent.query(on: app.db).sort(\.$seq).all().map(\.action)
    }
}

extension Browser {
    /// Password then code, as a person would. Moves the clock on 30 seconds afterwards so the next sign-in of the
    /// same account gets a fresh code (each code works once).
    func signIn(_ account: Account) async throws {
        try await get(SiteURL.signIn.path)
        let afterPassword = try await post(SiteURL.signIn.path, ["email": account.email, "password": account.password])
        #expect(afterPassword.headers.first(name: .location) == SiteURL.signInCode.path)
        try await get(SiteURL.signInCode.path)
        let afterCode = try await post(SiteURL.signInCode.path, ["code": Fixtures.currentCode(app, account)])
        #expect(afterCode.headers.first(name: .location) == SiteURL.home.path)
        app.clock.advance(by: 30)
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
}
