import Domain
import Vapor

/// Why a send failed: worth trying again later (a provider's rate limit, a server down), or never for this
/// message (a number the provider says is not a phone).
struct AlertSendError: Error, CustomStringConvertible {
    let reason: String
    let isPermanent: Bool
    /// What the provider asked for (Twilio's `Retry-After`), if anything.
    var retryAfter: TimeInterval? = nil

    var description: String { reason }
}

protocol EmailSending: Sendable {
    /// Sends one message; returns its Message-ID.
    func send(to address: String, subject: String, text: String) async throws -> String
}

protocol PhoneSending: Sendable {
    /// Sends a text message; returns the provider's id for it.
    func sendSMS(to number: String, body: String, statusCallback: String) async throws -> String
    /// Places a call that says `spoken` and asks for a key; returns the provider's id for it.
    func call(to number: String, twiml: String, statusCallback: String) async throws -> String
}

/// The channels this instance can use. A channel with no provider is off: nothing pretends to send by it.
struct AlertProviders: Sendable {
    var email: (any EmailSending)?
    var phone: (any PhoneSending)?

    func isOn(_ channel: AlertChannel) -> Bool {
        switch channel {
        case .email: email != nil
        case .sms, .voice: phone != nil
        }
    }

    /// Why a channel is off, in words for the person choosing it and for the managers' list.
    static func offReason(_ channel: AlertChannel) -> String {
        switch channel {
        case .email: "Email is off: no SMTP server is configured"
        case .sms: "Text messages are off: no SMS provider is configured"
        case .voice: "Voice calls are off: no voice provider is configured"
        }
    }

    static func make(settings: Settings, app: Application) -> AlertProviders {
        AlertProviders(email: settings.smtp.map { SMTPClient(settings: $0, group: app.eventLoopGroup) },
                       phone: settings.twilio.map { TwilioClient(settings: $0, client: app.client) })
    }
}

extension Application {
    private struct AlertProvidersKey: StorageKey { typealias Value = AlertProviders }

    /// Set by `configure` from the settings; a test may put its own in their place.
    var alertProviders: AlertProviders {
        get { storage[AlertProvidersKey.self] ?? AlertProviders() }
        set { storage[AlertProvidersKey.self] = newValue }
    }
}
