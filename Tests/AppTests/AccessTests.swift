@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

@Suite("Access rules on every route")
struct AccessTests {
    /// A concrete path for a route pattern: parameters become plausible values that exist or not.
    static func samplePath(_ route: Route) -> String {
        "/" + route.path.map { component -> String in
            switch component {
            case let .constant(text): return text
            case let .parameter(name): return name == "regionCode" ? "london" : name == "list" ? "gender" : UUID().uuidString
            case .anything, .catchall: return "x"
            }
        }.joined(separator: "/")
    }

    @Test("Every registered route declares who may use it")
    func everyRouteHasARule() async throws {
        try await withApp { app in
            let missing = app.routes.all.filter { $0.access == nil }.map { "\($0.method) \($0.path.string)" }
            #expect(missing.isEmpty, "routes without an access rule: \(missing)")
            #expect(app.routes.all.count > 20)
        }
    }

    @Test("Without signing in, every page but sign-in, set-up and health sends people to sign in")
    func anonymous() async throws {
        try await withApp { app in
            for route in app.routes.all where route.access != .open && route.path.first == .constant("api") {
                // Other systems get 401 with a challenge, not a sign-in page.
                let response = try await APITestSupport.send(app, route.method, Self.samplePath(route), token: nil,
                                                             json: route.method == .GET ? nil : "{}")
                #expect(response.status == .unauthorized, "\(route.method) \(route.path.string)")
            }
            let pages = app.routes.all.filter { $0.access != .open && $0.path.first != .constant("api") }
            for route in pages where route.method == .GET {
                let response = try await Browser(app).get(Self.samplePath(route))
                #expect(response.location == SiteURL.signIn.path, "GET \(route.path.string)")
            }
            for route in pages where route.method == .POST {
                // With a valid pre-session token, so that it is the access rule that answers.
                let browser = Browser(app)
                try await browser.get(SiteURL.signIn.path)
                let response = try await browser.post(Self.samplePath(route))
                #expect(response.location == SiteURL.signIn.path, "POST \(route.path.string)")
            }
            #expect(try await Browser(app).get(SiteURL.health.path).status == .ok)
        }
    }

    @Test("Each role is refused the pages of the others, and every refusal is audited", arguments: Role.allCases)
    func roleMatrix(role: Role) async throws {
        try await withApp { app in
            let account = try await Fixtures.account(app, role: role, region: role.isRegional ? "west-midlands" : nil)
            let browser = Browser(app)
            try await browser.signIn(account)
            let token = try await APITestSupport.token(app, for: account)
            var refusals = 0
            for route in app.routes.all {
                guard case let .roles(allowed)? = route.access else { continue }
                let path = Self.samplePath(route)
                try await browser.get(SiteURL.home.path) // a fresh token for the form
                let response: TestingHTTPResponse
                if route.path.first == .constant("api") {
                    response = try await APITestSupport.send(app, route.method, path, token: token, json: route.method == .GET ? nil : "{}")
                } else {
                    // An upload's token comes in its query, as its page's form sends it.
                    let sent = route.streamsBody ? path + "?_csrf=" + (browser.lastToken ?? "") : path
                    response = route.method == .GET ? try await browser.get(path) : try await browser.post(sent)
                }
                if allowed.contains(role) {
                    #expect(response.status != .forbidden, "\(role) \(route.method) \(route.path.string)")
                } else {
                    #expect(response.status == .forbidden, "\(role) \(route.method) \(route.path.string)")
                    refusals += 1
                }
            }
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused").filter(\.$objectType == "route")
                .filter(\.$userID == account.id).count()
            #expect(audited == refusals)
            if role != .admin { #expect(refusals > 0) }
        }
    }

    @Test("Navigation shows each role only what it may open")
    func navigation() async throws {
        #expect(Navigation.items(for: .admin, currentPath: "/").map(\.label).contains("Users"))
        for role in Role.allCases where role != .admin {
            #expect(!Navigation.items(for: role, currentPath: "/").map(\.label).contains("Users"))
        }
        #expect(Navigation.items(for: nil, currentPath: "/").isEmpty)
        try await withApp { app in
            let worker = try await Fixtures.account(app, role: .caseworker, region: "london")
            let browser = Browser(app)
            try await browser.signIn(worker)
            let home = try await browser.get(SiteURL.home.path)
            #expect(home.body.string.contains("aria-current=\"page\""))
            #expect(!home.body.string.contains("href=\"/admin"))
        }
    }

    @Test("An admin cannot disable or re-role their own account")
    func adminSelf() async throws {
        try await withApp { app in
            let admin = try await Fixtures.account(app, role: .admin)
            let browser = Browser(app)
            try await browser.signIn(admin)
            try await browser.get(SiteURL.adminUser(admin.id).path)
            #expect(try await browser.post(SiteURL.adminUserDisable(admin.id).path).status == .forbidden)
            #expect(try await browser.post(SiteURL.adminUserRole(admin.id).path, ["role": "caseworker", "region": "london"])
                .status == .forbidden)
        }
    }
}
