import Foundation
import VaporTesting
@testable import App
import Testing

@Suite("Settings")
struct SettingsTests {
    @Test("With nothing set, Reachable uses SQLite in data/ and safe local defaults")
    func defaults() throws {
        let settings = try Settings.load(from: [:])
        #expect(settings.database == .sqlite(path: "data/reachable.sqlite"))
        #expect(settings.sessionIdle == 30 * 60)
        #expect(settings.sessionAbsolute == 12 * 3600)
        #expect(settings.bcryptCost == 12)
        #expect(!settings.usesTLS)
    }

    @Test("DATABASE_URL names SQLite or PostgreSQL")
    func databaseURL() throws {
        #expect(try Settings.load(from: ["DATABASE_URL": "sqlite:/tmp/x.sqlite"]).database == .sqlite(path: "/tmp/x.sqlite"))
        #expect(try Settings.load(from: ["DATABASE_URL": "postgres://u:p@127.0.0.1:5432/r"]).database
            == .postgres(url: "postgres://u:p@127.0.0.1:5432/r"))
        #expect(throws: SettingsError.self) { try Settings.load(from: ["DATABASE_URL": "mysql://x"]) }
    }

    @Test("A bad value names its variable, and never echoes a secret")
    func badValues() {
        do {
            _ = try Settings.load(from: ["REACHABLE_SESSION_IDLE_MINUTES": "90"])
            Issue.record("an idle timeout over 30 minutes was accepted")
        } catch {
            #expect("\(error)".contains("REACHABLE_SESSION_IDLE_MINUTES"))
        }
    }

    @Test("Production refuses development conveniences")
    func production() throws {
        let development = try Settings.load(from: [:])
        #expect(development.productionProblems().count == 3)
        let sameKey = try Settings.load(from: ["REACHABLE_DATA_KEY": TestSettings.dataKey, "REACHABLE_AUDIT_KEY": TestSettings.dataKey,
                                               "REACHABLE_BASE_URL": "https://reachable.example.org"])
        #expect(sameKey.productionProblems() == ["REACHABLE_AUDIT_KEY is the data key: it must be another"])
        // The same 32 bytes written another way (the last character's unused bits differ) are the same key.
        let zeros = Data(repeating: 0, count: 32).base64EncodedString()
        let written = try Settings.load(from: ["REACHABLE_DATA_KEY": zeros, "REACHABLE_AUDIT_KEY": String(zeros.dropLast(2)) + "B=",
                                               "REACHABLE_BASE_URL": "https://reachable.example.org"])
        #expect(written.productionProblems() == ["REACHABLE_AUDIT_KEY is the data key: it must be another"])
        let safe = try Settings.load(from: ["REACHABLE_DATA_KEY": TestSettings.dataKey, "REACHABLE_AUDIT_KEY": TestSettings.auditKey,
                                            "REACHABLE_BASE_URL": "https://reachable.example.org"])
        #expect(safe.productionProblems().isEmpty)
        #expect(safe.usesTLS)
    }
}

@Suite("Production stance")
struct ProductionStanceTests {
    @Test("--env production refuses to start with no data key, over plain HTTP, or with a weak bcrypt cost")
    func refuses() async throws {
        let app = try await Application.make(.production)
        var settings = try Settings.load(from: ["DATABASE_URL": "sqlite:/tmp/never-created.sqlite"])
        settings.bcryptCost = 4
        do {
            try await configure(app, settings: settings)
            Issue.record("production started with development settings")
        } catch {
            let message = "\(error)"
            #expect(message.contains("REACHABLE_DATA_KEY"))
            #expect(message.contains("https"))
            #expect(message.contains("REACHABLE_BCRYPT_COST"))
        }
        try await app.asyncShutdown()
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-created.sqlite"), "nothing was touched")
    }

    @Test("A dependency never set up is an error naming it, not a crash: reading it throws, and a page that needs it answers 500")
    func notConfigured() async throws {
        let app = try await Application.make(.testing)
        do {
            #expect(throws: NotConfigured.self) { _ = try app.settings }
            #expect(throws: NotConfigured.self) { _ = try app.cipher }
            #expect(throws: NotConfigured.self) { _ = try app.writes }
            #expect(throws: NotConfigured.self) { _ = try app.auditQueue }
            #expect(throws: NotConfigured.self) { _ = try app.operationalMetrics }
            #expect(throws: NotConfigured.self) { _ = try app.passwordPolicy }
            do {
                _ = try app.cipher
            } catch {
                #expect(error.description == "The data key has not been set up: configure(_:settings:) sets it before use")
            }
            app.middleware.use(ErrorPageMiddleware())
            app.get("layout") { req in try req.layout(title: "A page").title }
            try await app.testing().test(.GET, "layout") { response async in
                // The error page's own frame needs the settings too: the plain answer goes instead, with its reference.
                #expect(response.status == .internalServerError)
                #expect(response.body.string.hasPrefix("Sorry, something went wrong. Reference "))
            }
            app.use(try Settings.load(from: [:]))
            #expect(try app.settings.sessionIdle == 30 * 60)
        } catch {
            Issue.record(error)
        }
        try await app.asyncShutdown()
    }
}
