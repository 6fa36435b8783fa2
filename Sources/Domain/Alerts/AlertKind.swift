import Foundation

/// What an alert is about (SPEC §2.10). Each kind escalates along its own chain of people until one of them
/// acknowledges it.
public enum AlertKind: String, Codable, Sendable, CaseIterable {
    case loneWorkingOverdue = "lone_working_overdue"
    case duress
    case rescueWaiting = "rescue_waiting"
    case caseRed = "case_red"
    case partnerCallBack = "partner_call_back"
    /// A member of staff texted HELP (or "not safe") to the service's number.
    case helpByText = "help_by_text"

    /// The words a message uses: a kind of alert, never who or where.
    public var label: String {
        switch self {
        case .loneWorkingOverdue: "lone-working visit overdue"
        case .duress: "silent alarm from a lone worker"
        case .rescueWaiting: "rescue call waiting for a caseworker"
        case .caseRed: "case rated red"
        case .partnerCallBack: "urgent partner referral past its call-back time"
        case .helpByText: "call for help by text from a member of staff"
        }
    }

    /// Who is told at each step. A step whose people are not there (a gap in the rota) is passed at once to the
    /// next; the last step is taken again, a step's wait apart, until someone acknowledges. The national lead is in
    /// every chain.
    public var chain: [[AlertRecipient]] {
        switch self {
        case .loneWorkingOverdue: [[.worker], [.onCall(.manager)], [.onCall(.second)], [.nationalLead]]
        // Silent: never the worker, whose phone may be in someone else's hand. A call for help goes as widely, at once.
        case .duress, .helpByText: [[.onCall(.manager), .nationalLead], [.onCall(.second)]]
        case .rescueWaiting, .partnerCallBack: [[.onCall(.caseworker)], [.onCall(.manager)], [.onCall(.second)], [.nationalLead]]
        case .caseRed: [[.onCall(.manager)], [.onCall(.second)], [.nationalLead]]
        }
    }

    /// The chain of an alert with no region (a partner referral nobody has routed yet): the national lead alone.
    public static let unroutedChain: [[AlertRecipient]] = [[.nationalLead]]
}

/// Who a step of an alert's chain reaches.
public enum AlertRecipient: Hashable, Sendable {
    /// The lone worker whose visit it is.
    case worker
    /// Whoever is on the region's rota in this role at the time.
    case onCall(OnCallRole)
    /// Every national lead.
    case nationalLead
}

/// The three places on a region's on-call rota.
public enum OnCallRole: String, Codable, Sendable, CaseIterable {
    case caseworker
    case manager
    case second

    public var label: String {
        switch self {
        case .caseworker: "Caseworker on call"
        case .manager: "Manager on call"
        case .second: "Second on call"
        }
    }
}

/// How a message reaches a person. Each person chooses theirs; a channel whose provider is not configured is off
/// and says so.
public enum AlertChannel: String, Codable, Sendable, CaseIterable {
    case sms
    case voice
    case email

    public var label: String {
        switch self {
        case .sms: "Text message"
        case .voice: "Voice call"
        case .email: "Email"
        }
    }

    /// Stored as a comma-separated list of raw values; unknown words are dropped, the order kept.
    public static func parse(_ stored: String) -> [AlertChannel] {
        var seen: [AlertChannel] = []
        for word in stored.split(separator: ",") {
            if let channel = AlertChannel(rawValue: word.trimmingCharacters(in: .whitespaces)), !seen.contains(channel) {
                seen.append(channel)
            }
        }
        return seen
    }

    public static func store(_ channels: [AlertChannel]) -> String { channels.map(\.rawValue).joined(separator: ",") }
}

/// How an alert was acknowledged, as the audit log and the alert's page say it.
public enum AcknowledgementRoute: String, Codable, Sendable {
    case link
    case smsReply = "sms_reply"
    case voiceKeypress = "voice_keypress"
    case page

    public var label: String {
        switch self {
        case .link: "by the link in a message"
        case .smsReply: "by a text message reply"
        case .voiceKeypress: "by a key pressed on the call"
        case .page: "on the page"
        }
    }
}
