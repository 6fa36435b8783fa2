import Foundation

/// The words of a message. They are built from the kind of alert, its reference and a link only: the type has no
/// way in for a young person's name, a place or a note (SPEC §2.10: no personal data in any message).
public struct AlertMessage: Equatable, Sendable {
    public let subject: String
    public let text: String
    /// What a voice call says before it asks for a key.
    public let spoken: String
    /// An email's body: no "reply OK" (a reply to an email is read by nobody), the link instead.
    public let emailText: String

    public init(kind: AlertKind, reference: AlertReference, link: String, toTheWorker: Bool) {
        subject = "Reachable alert \(reference.value): \(kind.label)"
        if toTheWorker {
            text = "Reachable \(reference.value): your \(kind.label). Reply OK if you are safe, or call your manager now. \(link)"
            spoken = "This is Reachable. Your lone-working visit is overdue. If you are safe, press 1."
            emailText = "Your \(kind.label) (\(reference.value)). If you are safe, say so at this link:\n\n\(link)\n\n"
                + "If you are not safe, call your manager or 999 now."
        } else {
            text = "Reachable \(reference.value): \(kind.label). Reply OK to acknowledge, HELP to pass it on now, or open \(link)"
            spoken = "This is Reachable with an alert: \(kind.label). Reference \(reference.spoken). Press 1 to acknowledge."
            emailText = "Alert \(reference.value): \(kind.label).\n\nAcknowledge it at this link (it works once, for a day):\n\n\(link)\n\n"
                + "Until someone acknowledges it, the next person on call is alerted in turn. Sign in to Reachable to see it."
        }
    }

    /// A set-up or reset link for a person's own account, sent to their own address so nobody else sees it.
    public init(accountLink link: String, isReset: Bool) {
        subject = isReset ? "Reachable: set up your sign-in again" : "Reachable: set up your account"
        text = (isReset ? "Your sign-in to Reachable was reset." : "An account on Reachable was made for you.")
            + " Choose your password and set up your authenticator at this link, which works once and for 24 hours:\n\n\(link)\n\n"
            + "If you did not expect this, tell your manager and do not use the link."
        spoken = ""
        emailText = text
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

/// What a text message reply means. Only a plain "OK" acknowledges: a reply that also says "not", "help" or
/// "unsafe" is a call for help, which brings the next step forward instead; anything else is neither.
public enum SMSReply: Equatable, Sendable {
    case acknowledge(reference: String?)
    case help
    case other

    static let assent: Set<String> = ["ok", "okay", "k", "safe", "yes", "ack", "fine", "im", "i", "am", "all", "good", "now",
                                      "thanks", "thank", "you", "got", "it", "on", "my", "way", "seen", "will", "call"]
    static let alarm: Set<String> = ["help", "not", "no", "unsafe", "danger", "sos", "police", "999", "emergency", "hurt",
                                     "scared", "cant", "can't", "dont", "don't", "urgent", "come", "please"]

    public static func meaning(of body: String) -> SMSReply {
        let folded = body.lowercased()
        let reference = folded.range(of: #"al-[2-9a-z]{6}"#, options: .regularExpression).map { folded[$0].uppercased() }
        let words = folded.replacingOccurrences(of: #"al-[2-9a-z]{6}"#, with: " ", options: .regularExpression)
            .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'") }).map(String.init)
        if words.contains(where: alarm.contains) { return .help }
        // "OK?" asks; it does not say "I am safe".
        if folded.contains("?") { return .other }
        guard let first = words.first, ["ok", "okay", "safe", "yes", "ack", "fine"].contains(first) || (first == "k" && words.count == 1),
              words.allSatisfy(assent.contains) else { return .other }
        return .acknowledge(reference: reference)
    }
}
