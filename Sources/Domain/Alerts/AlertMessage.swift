import Foundation

/// The words of a message. They are built from the kind of alert, its reference and a link only: the type has no
/// way in for a young person's name, a place or a note (SPEC §2.10: no personal data in any message).
public struct AlertMessage: Equatable, Sendable {
    public let subject: String
    public let text: String
    /// What a voice call says before it asks for a key.
    public let spoken: String

    public init(kind: AlertKind, reference: AlertReference, link: String, toTheWorker: Bool) {
        subject = "Reachable alert \(reference.value): \(kind.label)"
        if toTheWorker {
            text = "Reachable \(reference.value): your \(kind.label). Reply OK if you are safe, or call your manager now. \(link)"
            spoken = "This is Reachable. Your lone-working visit is overdue. If you are safe, press 1."
        } else {
            text = "Reachable \(reference.value): \(kind.label). Reply OK to acknowledge, or open \(link)"
            spoken = "This is Reachable with an alert: \(kind.label). Reference \(reference.spoken). Press 1 to acknowledge."
        }
    }

    /// A set-up or reset link for a person's own account, sent to their own address so nobody else sees it.
    public init(accountLink link: String, isReset: Bool) {
        subject = isReset ? "Reachable: set up your sign-in again" : "Reachable: set up your account"
        text = (isReset ? "Your sign-in to Reachable was reset." : "An account on Reachable was made for you.")
            + " Choose your password and set up your authenticator at this link, which works once and for 24 hours:\n\n\(link)\n\n"
            + "If you did not expect this, tell your manager and do not use the link."
        spoken = ""
    }
}

/// An alert's reference: `AL-` and six characters that say nothing about the alert, read aloud letter by letter.
public struct AlertReference: Hashable, Sendable {
    public let value: String

    /// Letters and digits that cannot be misread for each other (no 0/O, 1/I/L).
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public init(value: String) { self.value = value }

    public static func random() -> AlertReference {
        var generator = SystemRandomNumberGenerator()
        return AlertReference(value: "AL-" + String((0..<6).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    /// "A L, 7 K 3 Q …": each character apart, so a voice reads it clearly.
    public var spoken: String { value.filter { $0 != "-" }.map(String.init).joined(separator: " ") }
}

/// What a text message reply means: "OK" (any case, with punctuation or words after it) acknowledges.
public enum SMSReply {
    public static func acknowledges(_ body: String) -> Bool {
        let first = body.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
        return ["ok", "okay", "safe", "yes", "ack"].contains(first)
    }
}
