import Crypto
import Domain
import Vapor

/// The line a page shows after a save ("Contact saved."), so that nobody wonders at 2 a.m. whether it went in.
/// The redirect after a save names what was saved by its audit action and a tag bound to the session and the page
/// (`?saved=contact.recorded.3fa9c2d1`): only the actions listed here have a message, so nothing typed into a URL
/// is ever shown, and a link made by someone else, or for another page ("The case is closed." on a case that is
/// not), shows nothing.
enum Confirmation {
    static let messages: [AuditAction: String] = [
        .attachmentUploaded: "File attached.",
        .attachmentDeleted: "File deleted. The reason is kept.",
        .caseAssigned: "Lead caseworker saved.",
        .caseClosed: "The case is closed.",
        .caseClosureApproved: "Closure approved: the case is closed.",
        .caseClosureRequested: "Closure requested: a manager of the region will approve it.",
        .caseOpened: "Referral accepted and the case opened.",
        .caseReopened: "The case is open again.",
        .contactRecorded: "Contact saved.",
        .goalAdded: "Goal added.",
        .goalUpdated: "Goal updated.",
        .outcomeMeasuresRecorded: "Outcome measures saved.",
        .outcomeWheelAssessed: "Outcome wheel saved.",
        .registerRecorded: "Saved to the register.",
        .riskRated: "Risk rating saved.",
        .personSafeContactChanged: "Safe contact details saved.",
        .personMerged: "Records merged. The other record's name is kept as an alias.",
        .personLegalHoldSet: "Legal hold placed.",
        .personLegalHoldLifted: "Legal hold lifted.",
        .referralCreated: "Referral recorded and screened by the rules.",
        .referralNotAccepted: "Referral marked as not accepted.",
        .informationSharingRecorded: "Information share recorded.",
        .shareRequested: "Request sent to the other region's managers.",
        .shareApproved: "Share approved.",
        .shareRefused: "Share refused.",
        .subjectAccessOpened: "Subject access request opened.",
        .subjectAccessCompleted: "Subject access request marked complete.",
        .loneWorkingStarted: "Visit started. Check in or out before the expected end.",
        .loneWorkingCheckedIn: "Checked in.",
        .loneWorkingCheckedOut: "Checked out. Stay safe.",
        .loneWorkingAcknowledged: "Acknowledged. The visit stays on screen until the worker is known to be safe.",
        .loneWorkingEscalated: "Escalation step recorded.",
        .loneWorkingDuressAcknowledged: "Recorded that you have acted on the duress alarm.",
        .onCallShiftAdded: "Added to the rota.",
        .onCallShiftRemoved: "Removed from the rota.",
        .alertAcknowledged: "Acknowledged. Nobody else will be alerted about it.",
        .accountAlertContactChanged: "How you are alerted is saved.",
        .accountAlertPhoneConfirmed: "Your number is confirmed: alerts can reach it.",
        .contextCreated: "Place or group added.",
        .contextLinked: "Referral linked.",
        .contextNoted: "Note added.",
        .partnershipMeetingRecorded: "Meeting recorded.",
        .partnershipActionAdded: "Action added.",
        .partnershipActionDone: "Action marked done.",
        .outreachRecorded: "Outreach session recorded.",
        .rescueUpdated: "Rescue progress saved.",
        .rescueConverted: "Case opened from the rescue.",
        .rescueIdentified: "The young person's details are saved: the referral is made and screened.",
        .rescueRecorded: "Rescue saved.",
        .rescueRecordedUnidentified: "Rescue saved.",
        .partnerReferralCalledBack: "Call-back recorded: the clock has stopped.",
        .partnerReferralSpam: "Marked as spam: what was sent is removed, the audit entry kept.",
        .partnerReferralRouted: "Sent to the region's triage list.",
        .partnerReferralTriaged: "Referral recorded from the partner's referral and screened by the rules.",
        .partnerDomainAdded: "Partner domain added.",
        .partnerDomainRemoved: "Partner domain removed.",
        .staffAbsenceRecorded: "Absence recorded.",
        .staffProfileSaved: "Profile saved.",
        .staffTrainingRecorded: "Training recorded.",
    ]

    /// The message for a `saved` value made for this session, or nil.
    static func message(for saved: String?, path: String, session: String) -> String? {
        guard let saved, let dot = saved.lastIndex(of: ".") else { return nil }
        guard let action = AuditAction(rawValue: String(saved[..<dot])),
              String(saved[saved.index(after: dot)...]) == tag(action, path: path, session: session) else { return nil }
        return messages[action]
    }

    /// `path` with what was saved named for the next page.
    static func path(_ path: String, saved action: AuditAction, session: String) -> String {
        guard messages[action] != nil else { return path }
        let (base, fragment) = path.firstIndex(of: "#").map { (String(path[..<$0]), String(path[$0...])) } ?? (path, "")
        let page = base.split(separator: "?", maxSplits: 1).first.map(String.init) ?? base
        return base + (base.contains("?") ? "&" : "?") + "saved=" + action.rawValue + "." + tag(action, path: page, session: session) + fragment
    }

    private static func tag(_ action: AuditAction, path: String, session: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((action.rawValue + " " + path).utf8), using: SymmetricKey(data: Data(session.utf8)))
        return Hex.lowercase(Array(code).prefix(4))
    }
}

extension Request {
    /// The redirect after a save, with its confirmation.
    func redirect(to path: String, saved action: AuditAction) throws -> Response {
        redirect(to: Confirmation.path(path, saved: action, session: try csrfToken))
    }
}
