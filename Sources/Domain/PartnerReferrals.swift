import Foundation

/// The partners' front door (SPEC §2.11): the rules for a referral sent by a partner with no account, before a
/// person of the service has triaged it.
public enum PartnerReferralPath: String, Codable, Sendable, CaseIterable {
    /// Who, where they are now, a call-back number: a handful of fields, called back within the hour.
    case urgent
    /// The referral of SPEC §2.1.
    case full

    public var label: String {
        switch self {
        case .urgent: "Urgent"
        case .full: "Full referral"
        }
    }
}

/// Where a partner's referral goes: to the region whose list holds the young person's home local authority; when
/// that is not known (or in no region), to the region where they are now; otherwise to the national lead.
public enum PartnerReferralRouting: Equatable, Sendable {
    case region(code: String, basis: Basis)
    case nationalTriage

    public enum Basis: String, Sendable {
        case homeLocalAuthority = "home_local_authority"
        case whereNow = "where_now"

        public var label: String {
            switch self {
            case .homeLocalAuthority: "their home local authority"
            case .whereNow: "where they are now (home area not known or outside every region)"
            }
        }
    }

    /// `regionOf` answers the region code whose list holds a local authority code, or nil.
    public static func route(homeLocalAuthority: String?, whereNow: String?,
                             regionOf: (String) -> String?) -> PartnerReferralRouting {
        if let home = homeLocalAuthority, let region = regionOf(home) { return .region(code: region, basis: .homeLocalAuthority) }
        if let now = whereNow, let region = regionOf(now) { return .region(code: region, basis: .whereNow) }
        return .nationalTriage
    }
}

/// Whether a referrer's email address belongs to a listed partner domain (`police.uk` lists `met.police.uk` and
/// `police.uk` itself, never `notpolice.uk` or `police.uk.example.com`). A match is shown to the triager; no match
/// is not a refusal (a youth club may refer), and is shown too.
public enum PartnerDomainTrust {
    /// The listed domain the address belongs to, or nil.
    public static func listedDomain(of email: String, listed: [String]) -> String? {
        guard let domain = domain(of: email) else { return nil }
        return listed.map { $0.lowercased() }.filter { domain == $0 || domain.hasSuffix("." + $0) }
            .max { $0.count < $1.count }
    }

    /// The part after the last `@`, lower-cased, without a trailing dot; nil when there is none.
    public static func domain(of email: String) -> String? {
        guard let at = email.lastIndex(of: "@") else { return nil }
        var domain = email[email.index(after: at)...].trimmingCharacters(in: .whitespaces).lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        return isDomain(domain) ? domain : nil
    }

    /// Domains that name no organisation: registries anyone can register under, and free mail. Listing one would
    /// mark every address in it as a partner's.
    public static let neverPartners: Set<String> = [
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "uk.com", "uk.net", "com", "net", "org", "uk", "info",
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "live.co.uk", "msn.com",
        "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "protonmail.com", "proton.me", "gmx.com", "mail.com",
        "ac.uk", "sch.uk.com", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "aol.co.uk", "ymail.com",
        "yandex.ru", "yandex.com", "mail.ru", "tutanota.com", "tuta.io", "duck.com", "zoho.com", "fastmail.com",
        "github.io", "blogspot.com", "herokuapp.com", "netlify.app", "vercel.app", "pages.dev", "web.app",
    ]

    /// Letters, digits and hyphens in at least two dot-separated labels: what the admin may list.
    public static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, text.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

/// The call-back clock of a partner's referral: due a configured time after it arrived (an hour when urgent),
/// stopped when someone records that they called back.
public struct CallBackClock: Sendable, Equatable {
    public let due: Date
    public let calledBackAt: Date?

    public init(due: Date, calledBackAt: Date?) {
        self.due = due
        self.calledBackAt = calledBackAt
    }

    public enum State: Equatable, Sendable {
        case calledBack(at: Date)
        /// Whole minutes left, rounded up: "1 minute left" until the due time itself.
        case running(minutesLeft: Int)
        /// Whole minutes past the due time, rounded down.
        case overdue(minutes: Int)
    }

    public func state(at now: Date) -> State {
        if let calledBackAt { return .calledBack(at: calledBackAt) }
        let seconds = due.timeIntervalSince(now)
        if seconds > 0 { return .running(minutesLeft: Int((seconds / 60).rounded(.up))) }
        return .overdue(minutes: Int((-seconds / 60).rounded(.down)))
    }

    public func isOverdue(at now: Date) -> Bool {
        if case .overdue = state(at: now) { return true }
        return false
    }

    /// "42 minutes left", "overdue by 1 hour 5 minutes", "called back".
    public func summary(at now: Date) -> String {
        switch state(at: now) {
        case .calledBack: "called back"
        case let .running(minutes): Self.duration(minutes) + " left"
        case let .overdue(minutes): minutes == 0 ? "due now" : "overdue by " + Self.duration(minutes)
        }
    }

    public static func duration(_ minutes: Int) -> String {
        func plural(_ count: Int, _ unit: String) -> String { count == 1 ? "1 \(unit)" : "\(count) \(unit)s" }
        let hours = minutes / 60, rest = minutes % 60
        if hours == 0 { return plural(rest, "minute") }
        return rest == 0 ? plural(hours, "hour") : plural(hours, "hour") + " " + plural(rest, "minute")
    }
}
