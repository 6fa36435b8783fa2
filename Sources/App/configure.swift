import Domain
import Fluent
import Leaf
import LeafKit
import Vapor

/// The composition root, top to bottom: settings → database → migrations → middleware → views → commands → routes.
public func configure(_ app: Application) async throws {
    try await configure(app, settings: try Settings.load())
}

func configure(_ app: Application, settings: Settings) async throws {
    if app.environment == .production {
        let problems = settings.productionProblems()
        guard problems.isEmpty else {
            throw SettingsError.invalid("The production environment", "configured safely: " + problems.joined(separator: "; "))
        }
    }
    app.use(settings)
    app.use(try FieldCipher.load(settings: settings, environment: app.environment, logger: app.logger))
    AuditChainKey.use(try AuditChainKey.load(settings: settings, environment: app.environment, logger: app.logger))
    app.use(try PackageResources.passwordPolicy())

    try DatabaseSetup.use(settings.database, poolSize: settings.databasePoolSize, poolTimeout: settings.databasePoolTimeout, on: app)
    let migrations = Migrations.all + [SealFreeTextInClear(cipher: try app.cipher), SealRescueCaller(cipher: try app.cipher),
                                         SealInformationShareAgency(cipher: try app.cipher)]
    // Registered for `/ready` and `reachable migrate` to compare with what has run; `MigrationRunner` runs them.
    app.migrations.add(migrations)
    try await DatabaseSetup.prepare(app, migrations: migrations)

    app.routes.defaultMaxBodySize = "1mb"
    // Bodies are taken as sent: a compressed body that inflates a thousandfold was a 500 and a reset; the size limits
    // (a route's, an attachment's) count the bytes that arrive.
    app.http.server.configuration.requestDecompression = .disabled
    CleanedContent.use()
    app.middleware = Middlewares()
    app.use(OperationalMetrics())
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(APIMethodMiddleware())
    app.middleware.use(StaticFilesMiddleware(files: FileMiddleware(publicDirectory: PackageResources.publicDirectory)))
    app.middleware.use(APITokenMiddleware())
    app.middleware.use(SessionLoader())
    // Who may use a route is decided before its body is read: the CSRF check reads the body, and a signed-in user
    // refused the route must not make the server hold its 50 MB first.
    app.middleware.use(AccessMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(OverdueVisitsMiddleware())

    app.views.use(.leaf)
    // The bundle may sit below a hidden folder (.build), so only the sandbox and extension limits apply.
    app.leaf.sources = .singleSource(NIOLeafFiles(
        fileio: app.fileio, limits: [.toSandbox, .requireExtensions, .onlyLeafExtensions],
        sandboxDirectory: PackageResources.viewsDirectory, viewDirectory: PackageResources.viewsDirectory))
    // Every value is escaped; the one tag that turns escaping off is removed (SECURITY.md, item 11).
    app.leaf.tags["unsafeHTML"] = nil
    app.leaf.cache = TemplateCache()
    if settings.strictTemplates {
        app.views.use { app in
            StrictViewRenderer(base: app.leaf.renderer, eventLoop: app.eventLoopGroup.next(), logger: app.logger)
        }
    }

    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(UsersCommand(), as: "users")
    app.asyncCommands.use(TokensCommand(), as: "tokens")
    app.asyncCommands.use(BenchCommand(), as: "bench")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ReportCommand(), as: "report")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(TOTPCommand(), as: "totp")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    app.asyncCommands.use(RetentionCommand(), as: "retention")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")

    app.alertProviders = AlertProviders.make(settings: settings, app: app)
    try routes(app)
    // Every 15 seconds: an overdue visit's first message goes within a quarter of a minute.
    app.lifecycle.use(LoneWorkingTimer(interval: .seconds(15)))
    app.lifecycle.use(AuditHeadLogger(interval: .minutes(5)))
    app.walCheckpointer = WALCheckpointer()
    app.lifecycle.use(app.walCheckpointer!)

    if app.environment != .testing, CommandLine.isServe(app.environment.arguments),
       let link = try await SetupLinks.firstAdminLinkIfNeeded(app: app) {
        // The one time a secret is printed: there is no account yet to send it to.
        StandardError.print("""

            No accounts exist yet. Create the first administrator within 24 hours at:
              \(link)

            """)
    }
}

extension CommandLine {
    /// `reachable` alone runs `serve`, as does `reachable serve …`.
    static func isServe(_ arguments: [String]) -> Bool {
        arguments.count < 2 || arguments[1] == "serve" || arguments[1].hasPrefix("-")
    }
}

extension Application {
    private struct PasswordPolicyKey: StorageKey { typealias Value = PasswordPolicy }

    /// Without it every password would pass the common-password check, so there is no default.
    var passwordPolicy: PasswordPolicy {
        get throws(NotConfigured) { try configured(PasswordPolicyKey.self, "The password policy") }
    }

    func use(_ policy: PasswordPolicy) { storage[PasswordPolicyKey.self] = policy }
}
