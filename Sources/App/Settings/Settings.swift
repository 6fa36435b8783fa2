import Domain
import Foundation
import Vapor

/// Every setting Reachable reads, each environment variable named once here and in the README's table.
/// Defaults are safe for a laptop; `--env production` refuses the ones that are not safe for real data.
struct Settings: Sendable {
    var database: DatabaseLocation
    /// The address people type, used to build set-up links; `https` turns on Secure cookies and HSTS.
    var baseURL: String
    /// Where the SQLite file's neighbours live: the generated development data key.
    var dataDirectory: String
    /// Base64 of 32 random bytes; narrative fields and TOTP seeds are sealed with it (AES-GCM).
    var dataKey: String?
    /// The key of the audit chain's HMAC (`REACHABLE_AUDIT_KEY`), kept apart from the data key and from the
    /// database, so that someone who can write the database cannot rewrite the chain and seal it again.
    var auditKey: String?
    /// Earlier data keys, still able to open what they sealed until `reachable keys rotate` has re-sealed it.
    var oldDataKeys: [String]
    /// Socket addresses of reverse proxies whose `X-Forwarded-For` is believed (ASVS v5.0.0-4.1.3).
    var trustedProxies: Set<String>
    var sessionIdle: TimeInterval
    var sessionAbsolute: TimeInterval
    var bcryptCost: Int
    /// Sign-in attempts one address may make in `signInWindow` before getting 429.
    var signInAttemptsPerAddress: Int
    var signInWindow: TimeInterval
    var setupLinkLifetime: TimeInterval
    /// PostgreSQL connections per event loop (one loop per core).
    var databasePoolSize: Int
    /// Seconds a request waits for a free database connection before failing (503 rather than hanging).
    var databasePoolTimeout: Int
    /// Days without a contact before a case is flagged on the dashboard.
    var noContactDays: Int
    /// Weeks between outcome reviews of an open case.
    var reviewWeeks: Int
    /// When an open case needs attention (the two settings above).
    var caseAttention: CaseAttention { CaseAttention(noContactDays: noContactDays, reviewWeeks: reviewWeeks) }
    /// Years after a young person's last case closed (and last referral) before they are anonymised.
    var retentionYears: Int
    /// Requests one API token may make a minute before getting 429 with `Retry-After`.
    var apiRequestsPerMinute: Int
    /// Minutes within which an urgent partner referral must be called back (SPEC §2.11).
    var partnerUrgentCallBackMinutes: Int
    /// Hours within which a full partner referral must be called back.
    var partnerFullCallBackHours: Int
    /// Partner referrals one address may send an hour (every attempt counts, refused ones too).
    var partnerReferralsPerHour: Int
    /// The largest attachment accepted, in bytes.
    var attachmentMaxBytes: Int
    /// The bearer token a Prometheus scraper sends to `/metrics`; unset, `/metrics` is 404.
    var metricsToken: String?
    /// Minutes an alert waits for an acknowledgement before its next step (SPEC §2.10).
    var alertStepMinutes: Int
    /// Email for alerts and set-up links; nil, email is off.
    var smtp: SMTPSettings?
    /// Text messages and voice calls through Twilio; nil, both are off.
    var twilio: TwilioSettings?
    /// Every render first checks that each name its template reads is in the model (`TemplateCheck`): on in the
    /// tests and the browser suite, off in production, where the check would cost every page.
    var strictTemplates: Bool = false

    static let variables: [String] = [
        "DATABASE_URL", "REACHABLE_BASE_URL", "REACHABLE_DATA_DIR", "REACHABLE_DATA_KEY", "REACHABLE_OLD_DATA_KEYS",
        "REACHABLE_TRUSTED_PROXIES",
        "REACHABLE_SESSION_IDLE_MINUTES", "REACHABLE_SESSION_ABSOLUTE_HOURS", "REACHABLE_BCRYPT_COST",
        "REACHABLE_SIGNIN_ATTEMPTS_PER_ADDRESS", "REACHABLE_DB_POOL_SIZE", "REACHABLE_DB_POOL_TIMEOUT_SECONDS", "REACHABLE_RETENTION_YEARS",
        "REACHABLE_NO_CONTACT_DAYS", "REACHABLE_REVIEW_WEEKS", "REACHABLE_API_REQUESTS_PER_MINUTE", "REACHABLE_METRICS_TOKEN",
        "REACHABLE_PARTNER_URGENT_CALLBACK_MINUTES", "REACHABLE_PARTNER_FULL_CALLBACK_HOURS", "REACHABLE_PARTNER_REFERRALS_PER_HOUR",
        "REACHABLE_ATTACHMENT_MAX_MB", "REACHABLE_ALERT_STEP_MINUTES",
        "REACHABLE_SMTP_HOST", "REACHABLE_SMTP_PORT", "REACHABLE_SMTP_SECURITY", "REACHABLE_SMTP_USERNAME",
        "REACHABLE_SMTP_PASSWORD", "REACHABLE_SMTP_FROM", "REACHABLE_SMTP_CA_FILE",
        "REACHABLE_TWILIO_ACCOUNT_SID", "REACHABLE_TWILIO_AUTH_TOKEN", "REACHABLE_TWILIO_FROM", "REACHABLE_TWILIO_API_URL",
        "REACHABLE_STRICT_TEMPLATES",
        "LOG_LEVEL", "LOG_FORMAT",
    ]

    var usesTLS: Bool { baseURL.lowercased().hasPrefix("https://") }

    static func load(from env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        func value(_ name: String) -> String? {
            guard let raw = env[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = value(name) else { return fallback }
            guard let number = Int(raw), range.contains(number) else {
                throw SettingsError.invalid(name, "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        let database = try DatabaseLocation(value("DATABASE_URL") ?? "sqlite:data/reachable.sqlite")
        let baseURL = value("REACHABLE_BASE_URL") ?? "http://127.0.0.1:8080"
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw SettingsError.invalid("REACHABLE_BASE_URL", "an http:// or https:// address")
        }
        return Settings(
            database: database,
            baseURL: baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL,
            dataDirectory: value("REACHABLE_DATA_DIR") ?? "data",
            dataKey: value("REACHABLE_DATA_KEY"),
            auditKey: value("REACHABLE_AUDIT_KEY"),
            oldDataKeys: (value("REACHABLE_OLD_DATA_KEYS") ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty },
            trustedProxies: Set((value("REACHABLE_TRUSTED_PROXIES") ?? "").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }),
            sessionIdle: TimeInterval(try integer("REACHABLE_SESSION_IDLE_MINUTES", default: 30, range: 1...30) * 60),
            sessionAbsolute: TimeInterval(try integer("REACHABLE_SESSION_ABSOLUTE_HOURS", default: 12, range: 1...12) * 3600),
            bcryptCost: try integer("REACHABLE_BCRYPT_COST", default: 12, range: 4...16),
            signInAttemptsPerAddress: try integer("REACHABLE_SIGNIN_ATTEMPTS_PER_ADDRESS", default: 30, range: 1...10_000),
            signInWindow: 10 * 60,
            setupLinkLifetime: 24 * 3600,
            databasePoolSize: try integer("REACHABLE_DB_POOL_SIZE", default: 4, range: 2...64),
            databasePoolTimeout: try integer("REACHABLE_DB_POOL_TIMEOUT_SECONDS", default: 10, range: 1...120),
            noContactDays: try integer("REACHABLE_NO_CONTACT_DAYS", default: 14, range: 1...365),
            reviewWeeks: try integer("REACHABLE_REVIEW_WEEKS", default: 12, range: 1...52),
            retentionYears: try integer("REACHABLE_RETENTION_YEARS", default: 6, range: 1...100),
            apiRequestsPerMinute: try integer("REACHABLE_API_REQUESTS_PER_MINUTE", default: 300, range: 1...1_000_000),
            partnerUrgentCallBackMinutes: try integer("REACHABLE_PARTNER_URGENT_CALLBACK_MINUTES", default: 60, range: 5...1440),
            partnerFullCallBackHours: try integer("REACHABLE_PARTNER_FULL_CALLBACK_HOURS", default: 24, range: 1...168),
            partnerReferralsPerHour: try integer("REACHABLE_PARTNER_REFERRALS_PER_HOUR", default: 20, range: 1...10_000),
            attachmentMaxBytes: try integer("REACHABLE_ATTACHMENT_MAX_MB", default: 20, range: 1...200) * 1_048_576,
            metricsToken: try value("REACHABLE_METRICS_TOKEN").map { token in
                guard token.count >= 24 else { throw SettingsError.invalid("REACHABLE_METRICS_TOKEN", "at least 24 characters") }
                return token
            },
            alertStepMinutes: try integer("REACHABLE_ALERT_STEP_MINUTES", default: 10, range: 1...120),
            smtp: try SMTPSettings.load(value: value, integer: integer),
            twilio: try TwilioSettings.load(value: value),
            strictTemplates: value("REACHABLE_STRICT_TEMPLATES") == "1"
        )
    }

    /// ASVS v5.0.0-13.4: production refuses development conveniences rather than running with them.
    func productionProblems() -> [String] {
        var problems: [String] = []
        if dataKey == nil { problems.append("REACHABLE_DATA_KEY is not set") }
        if auditKey == nil { problems.append("REACHABLE_AUDIT_KEY is not set") }
        if let auditKey, let dataKey, Data(base64Encoded: auditKey) != nil, Data(base64Encoded: auditKey) == Data(base64Encoded: dataKey) {
            problems.append("REACHABLE_AUDIT_KEY is the data key: it must be another")
        }
        if !usesTLS && trustedProxies.isEmpty {
            problems.append("REACHABLE_BASE_URL is not https:// and no REACHABLE_TRUSTED_PROXIES terminates TLS")
        }
        if bcryptCost < 12 { problems.append("REACHABLE_BCRYPT_COST is below 12") }
        return problems
    }
}

enum SettingsError: Error, CustomStringConvertible {
    case invalid(String, String)
    /// A setting well formed but wrong for this database: the sentence continues after its name.
    case wrongFor(String, String)

    var description: String {
        switch self {
        case let .invalid(name, expected): "\(name) must be \(expected)"
        case let .wrongFor(name, problem): "\(name) \(problem)"
        }
    }
}

/// `sqlite:PATH` or `postgres://user:pass@host:port/db` (SPEC §7).
enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ text: String) throws {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw SettingsError.invalid("DATABASE_URL", "sqlite:PATH with a path") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw SettingsError.invalid("DATABASE_URL", "sqlite:PATH or postgres://user:pass@host:port/db")
        }
    }

    var isSQLite: Bool { if case .sqlite = self { true } else { false } }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    var settings: Settings {
        get throws(NotConfigured) { try configured(SettingsKey.self, "The settings") }
    }

    func use(_ settings: Settings) { storage[SettingsKey.self] = settings }
}
