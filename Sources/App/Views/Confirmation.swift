import Crypto
import Vapor

/// The line a page shows after a save ("Contact saved."), so that nobody wonders at 2 a.m. whether it went in.
/// The redirect after a save names what was saved by its audit action and a tag bound to the session and the page
/// (`?saved=contact.recorded.3fa9c2d1`): only the actions listed here have a message, so nothing typed into a URL
/// is ever shown, and a link made by someone else, or for another page ("The case is closed." on a case that is
/// not), shows nothing.
enum Confirmation {
    static let messages: [String: String] = [
        "attachment.uploaded": "File attached.",
        "attachment.deleted": "File deleted. The reason is kept.",
        "case.assigned": "Lead caseworker saved.",
        "case.closed": "The case is closed.",
        "case.closure_approved": "Closure approved: the case is closed.",
        "case.closure_requested": "Closure requested: a manager of the region will approve it.",
        "case.opened": "Referral accepted and the case opened.",
        "case.reopened": "The case is open again.",
        "contact.recorded": "Contact saved.",
        "goal.added": "Goal added.",
        "goal.updated": "Goal updated.",
        "outcome_measures.recorded": "Outcome measures saved.",
        "outcome_wheel.assessed": "Outcome wheel saved.",
        "register.recorded": "Saved to the register.",
        "risk.rated": "Risk rating saved.",
        "person.safe_contact_changed": "Safe contact details saved.",
        "person.merged": "Records merged. The other record's name is kept as an alias.",
        "person.legal_hold_set": "Legal hold placed.",
        "person.legal_hold_lifted": "Legal hold lifted.",
        "referral.created": "Referral recorded and screened by the rules.",
        "referral.not_accepted": "Referral marked as not accepted.",
        "information_sharing.recorded": "Information share recorded.",
        "share.requested": "Request sent to the other region's managers.",
        "share.approved": "Share approved.",
        "share.refused": "Share refused.",
        "subject_access.opened": "Subject access request opened.",
        "subject_access.completed": "Subject access request marked complete.",
        "lone_working.started": "Visit started. Check in or out before the expected end.",
        "lone_working.checked_in": "Checked in.",
        "lone_working.checked_out": "Checked out. Stay safe.",
        "lone_working.acknowledged": "Acknowledged. The visit stays on screen until the worker is known to be safe.",
        "lone_working.escalated": "Escalation step recorded.",
        "lone_working.duress_acknowledged": "Recorded that you have acted on the duress alarm.",
        "on_call.shift_added": "Added to the rota.",
        "on_call.shift_removed": "Removed from the rota.",
        "alert.acknowledged": "Acknowledged. Nobody else will be alerted about it.",
        "account.alert_contact_changed": "How you are alerted is saved.",
        "account.alert_phone_confirmed": "Your number is confirmed: alerts can reach it.",
        "context.created": "Place or group added.",
        "context.linked": "Referral linked.",
        "context.noted": "Note added.",
        "partnership.meeting_recorded": "Meeting recorded.",
        "partnership.action_added": "Action added.",
        "partnership.action_done": "Action marked done.",
        "outreach.recorded": "Outreach session recorded.",
        "rescue.updated": "Rescue progress saved.",
        "rescue.converted": "Case opened from the rescue.",
        "rescue.identified": "The young person's details are saved: the referral is made and screened.",
        "rescue.recorded": "Rescue saved.",
        "partner_referral.called_back": "Call-back recorded: the clock has stopped.",
        "partner_referral.spam": "Marked as spam: what was sent is removed, the audit entry kept.",
        "partner_referral.routed": "Sent to the region's triage list.",
        "partner_referral.triaged": "Referral recorded from the partner's referral and screened by the rules.",
        "partner_domain.added": "Partner domain added.",
        "partner_domain.removed": "Partner domain removed.",
        "staff.absence_recorded": "Absence recorded.",
        "staff.profile_saved": "Profile saved.",
        "staff.training_recorded": "Training recorded.",
    ]

    /// The message for a `saved` value made for this session, or nil.
    static func message(for saved: String?, path: String, session: String) -> String? {
        guard let saved, let dot = saved.lastIndex(of: ".") else { return nil }
        let action = String(saved[..<dot])
        guard String(saved[saved.index(after: dot)...]) == tag(action, path: path, session: session) else { return nil }
        return messages[action]
    }

    /// `path` with what was saved named for the next page.
    static func path(_ path: String, saved action: String, session: String) -> String {
        guard messages[action] != nil else { return path }
        let (base, fragment) = path.firstIndex(of: "#").map { (String(path[..<$0]), String(path[$0...])) } ?? (path, "")
        let page = base.split(separator: "?", maxSplits: 1).first.map(String.init) ?? base
        return base + (base.contains("?") ? "&" : "?") + "saved=" + action + "." + tag(action, path: page, session: session) + fragment
    }

    private static func tag(_ action: String, path: String, session: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((action + " " + path).utf8), using: SymmetricKey(data: Data(session.utf8)))
        return Hex.lowercase(Array(code).prefix(4))
    }
}

extension Request {
    /// The redirect after a save, with its confirmation.
    func redirect(to path: String, saved action: String) -> Response {
        redirect(to: Confirmation.path(path, saved: action, session: csrfToken))
    }
}
