import Domain
import Vapor

/// Who may reach a route. Every route is registered with one; a route without one is refused to everybody
/// (deny by default, ASVS v5.0.0-8.2.1) and fails the route-table test. Objects are then checked by the
/// feature's scoped queries (`RegionScope`).
enum AccessRule: Sendable, Equatable {
    /// Health, static files, signing in: no session needed, no data shown.
    case open
    /// The steps between a correct password and the second factor.
    case secondFactor
    /// Any signed-in role.
    case signedIn
    /// Signed in with one of these roles.
    case roles(Set<Role>)

    func allows(_ holder: CurrentUser?) -> Bool {
        switch self {
        case .open: true
        case .secondFactor: holder?.stage == .secondFactor
        case .signedIn: holder?.stage == .signedIn
        case let .roles(roles): holder?.stage == .signedIn && roles.contains(holder!.role)
        }
    }
}

extension Route {
    private static let accessKey = "access"

    var access: AccessRule? {
        get { userInfo[AnySendableHashable(Self.accessKey)] as? AccessRule }
        set { userInfo[AnySendableHashable(Self.accessKey)] = newValue }
    }

    /// The body is read by the handler as it streams (attachments), never collected: the CSRF token comes in the
    /// query string instead.
    var streamsBody: Bool {
        get { userInfo[AnySendableHashable("streamsBody")] as? Bool ?? false }
        set { userInfo[AnySendableHashable("streamsBody")] = newValue }
    }

    /// A larger body limit than the default, for uploads; the CSRF check reads the body with the same limit.
    var maxBodySize: Int? {
        get { userInfo[AnySendableHashable("maxBodySize")] as? Int }
        set { userInfo[AnySendableHashable("maxBodySize")] = newValue }
    }
}

extension RoutesBuilder {
    /// Registers a route with its access rule; the only way features add routes.
    @discardableResult
    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ url: SiteURL, access: AccessRule, maxBodySize: ByteCount? = nil,
        use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        let route = on(method, url.pattern, body: maxBodySize.map { .collect(maxSize: $0) } ?? .collect, use: handler)
        route.access = access
        route.maxBodySize = maxBodySize?.value
        return route
    }
}

extension RoutesBuilder {
    /// Registers a route whose handler reads the body as it streams (an upload of a file), with its access rule.
    @discardableResult
    func onStreaming<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ url: SiteURL, access: AccessRule,
        use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        let route = on(method, url.pattern, body: .stream, use: handler)
        route.access = access
        route.streamsBody = true
        return route
    }
}

/// Applies each route's rule: not signed in → sign-in page; signed in without the role → 403, audited.
struct AccessMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = req.route else { return try await next.respond(to: req) }
        guard let rule = route.access else {
            req.logger.critical("Route \(route.method) \(route.path.string) has no access rule; refusing")
            throw Abort(.forbidden)
        }
        if rule.allows(req.sessionHolder) { return try await next.respond(to: req) }
        switch req.sessionHolder?.stage {
        case nil:
            if req.url.path.hasPrefix("/api/") { throw APIUnauthorized() }
            return req.redirect(to: SiteURL.signIn.path)
        case .secondFactor?:
            return req.redirect(to: SiteURL.signInCode.path)
        case .signedIn?:
            if rule == .secondFactor { return req.redirect(to: SiteURL.home.path) }
            try await req.audit(.accessRefused, outcome: .refused, objectType: .route,
                                objectID: "\(req.method) \(route.path.string)")
            throw Abort(.forbidden)
        }
    }
}
