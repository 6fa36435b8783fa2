@testable import App
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Stands in for the email server and Twilio in tests of the escalation and the outbox, recording what each
/// would have been asked to send. The real clients are tested against real servers (e2e/test_alerts.py).
final class RecordingProviders: EmailSending, PhoneSending, @unchecked Sendable {
    struct Sent: Equatable {
        let channel: String
        let to: String
        let text: String
    }

    private let box = NIOLockedValueBox<[Sent]>([])
    /// Failures to give before succeeding, and whether they are for good.
    private let failures = NIOLockedValueBox<(count: Int, permanent: Bool)>((0, false))
    private let counter = NIOLockedValueBox(0)

    var sent: [Sent] { box.withLockedValue { $0 } }

    func sent(to address: String) -> [Sent] { sent.filter { $0.to == address } }

    func failNext(_ count: Int, permanent: Bool = false) { failures.withLockedValue { $0 = (count, permanent) } }

    func clear() { box.withLockedValue { $0 = [] } }

    private func record(_ channel: String, _ to: String, _ text: String) throws -> String {
        let failing = failures.withLockedValue { state -> (Bool, Bool) in
            guard state.count > 0 else { return (false, false) }
            state.count -= 1
            return (true, state.permanent)
        }
        if failing.0 { throw AlertSendError(reason: "The test provider refused it", isPermanent: failing.1) }
        box.withLockedValue { $0.append(Sent(channel: channel, to: to, text: text)) }
        return "SM" + String(counter.withLockedValue { $0 += 1; return $0 })
    }

    func send(to address: String, subject: String, text: String) async throws -> String {
        try record("email", address, subject + "\n" + text)
    }

    func sendSMS(to number: String, body: String, statusCallback: String) async throws -> String {
        try record("sms", number, body)
    }

    func call(to number: String, twiml: String, statusCallback: String) async throws -> String {
        try record("voice", number, twiml)
    }

    /// Puts this in place of the app's providers.
    @discardableResult
    func install(_ app: Application) -> RecordingProviders {
        app.alertProviders = AlertProviders(email: self, phone: self)
        return self
    }
}
