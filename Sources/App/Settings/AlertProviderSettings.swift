import Foundation

/// How Reachable reaches an SMTP server: Microsoft 365 and Google take STARTTLS on 587 with a user and password;
/// a relay may take implicit TLS on 465.
struct SMTPSettings: Sendable, Equatable {
    enum Security: String, Sendable {
        case starttls
        case tls
        /// No encryption at all: only to a relay on this machine.
        case none
    }

    var host: String
    var port: Int
    var security: Security
    var username: String?
    var password: String?
    /// The sender, as `alerts@service.org.uk` or `Reachable <alerts@service.org.uk>`.
    var from: String
    /// A PEM file of certificates to trust besides the system's (a relay with a private CA; the tests' server).
    var caFile: String?

    /// The address inside `from`, for the envelope.
    var fromAddress: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else { return from }
        return String(from[from.index(after: open)..<close])
    }

    static func load(value: (String) -> String?,
                     integer: (String, Int, ClosedRange<Int>) throws -> Int) throws -> SMTPSettings? {
        guard let host = value("REACHABLE_SMTP_HOST") else { return nil }
        guard let from = value("REACHABLE_SMTP_FROM"), from.contains("@") else {
            throw SettingsError.invalid("REACHABLE_SMTP_FROM", "the sender's address when REACHABLE_SMTP_HOST is set")
        }
        let securityText = value("REACHABLE_SMTP_SECURITY") ?? "starttls"
        guard let security = Security(rawValue: securityText) else {
            throw SettingsError.invalid("REACHABLE_SMTP_SECURITY", "starttls, tls or none")
        }
        let username = value("REACHABLE_SMTP_USERNAME"), password = value("REACHABLE_SMTP_PASSWORD")
        if (username == nil) != (password == nil) {
            throw SettingsError.invalid("REACHABLE_SMTP_PASSWORD", "set with REACHABLE_SMTP_USERNAME, or neither")
        }
        if security == .none, !["127.0.0.1", "localhost", "::1"].contains(host) {
            // Passwords and set-up links in clear over a network: refused.
            throw SettingsError.invalid("REACHABLE_SMTP_SECURITY", "starttls or tls for a server not on this machine")
        }
        if let caFile = value("REACHABLE_SMTP_CA_FILE"), !FileManager.default.isReadableFile(atPath: caFile) {
            throw SettingsError.invalid("REACHABLE_SMTP_CA_FILE", "a readable PEM file")
        }
        return SMTPSettings(host: host, port: try integer("REACHABLE_SMTP_PORT", security == .tls ? 465 : 587, 1...65535),
                            security: security, username: username, password: password, from: from,
                            caFile: value("REACHABLE_SMTP_CA_FILE"))
    }
}

/// Twilio's account and number; `apiURL` is Twilio's unless a test points it at a local server.
struct TwilioSettings: Sendable, Equatable {
    var accountSID: String
    var authToken: String
    var from: String
    var apiURL: String

    static func load(value: (String) -> String?) throws -> TwilioSettings? {
        guard let sid = value("REACHABLE_TWILIO_ACCOUNT_SID") else { return nil }
        guard sid.hasPrefix("AC"), sid.count == 34 else {
            throw SettingsError.invalid("REACHABLE_TWILIO_ACCOUNT_SID", "an account SID (AC and 32 characters)")
        }
        guard let token = value("REACHABLE_TWILIO_AUTH_TOKEN") else {
            throw SettingsError.invalid("REACHABLE_TWILIO_AUTH_TOKEN", "set with REACHABLE_TWILIO_ACCOUNT_SID")
        }
        guard let from = value("REACHABLE_TWILIO_FROM"), from.hasPrefix("+") else {
            throw SettingsError.invalid("REACHABLE_TWILIO_FROM", "the sending number in E.164 form (+44…)")
        }
        var api = value("REACHABLE_TWILIO_API_URL") ?? "https://api.twilio.com"
        guard api.hasPrefix("https://") || api.hasPrefix("http://127.0.0.1") || api.hasPrefix("http://localhost") else {
            throw SettingsError.invalid("REACHABLE_TWILIO_API_URL", "an https:// address (http only on this machine)")
        }
        if api.hasSuffix("/") { api.removeLast() }
        return TwilioSettings(accountSID: sid, authToken: token, from: from, apiURL: api)
    }
}
