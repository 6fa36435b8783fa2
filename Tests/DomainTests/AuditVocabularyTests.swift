import Domain
import Testing

/// The audit log stores these codes and people search it by them: a code renamed would split one action's
/// history in two. The lists are frozen here; a new action is a new case, added to its list.
@Suite("Audit vocabulary")
struct AuditVocabularyTests {
    @Test("Every audit action keeps its stored code")
    func actions() {
        #expect(AuditAction.allCases.map(\.rawValue) == [
            "access.refused", "account.alert_contact_changed", "account.alert_phone_code_refused",
            "account.alert_phone_confirmed", "account.first_admin_created", "account.locked", "account.password_set",
            "alert.acknowledged", "alert.delivery", "alert.escalated", "alert.link_refused", "alert.list_viewed",
            "alert.raised", "alert.reply", "alert.resolved", "alert.send_failed", "alert.sent", "alert.step_skipped",
            "api.token_refused", "api_token.created", "api_token.refused", "api_token.revoked", "attachment.deleted",
            "attachment.downloaded", "attachment.list", "attachment.uploaded", "audit.searched", "backup.written",
            "case.assigned", "case.closed", "case.closure_approved", "case.closure_requested", "case.list",
            "case.opened", "case.reopened", "case.viewed", "case.viewers_read", "code_list.code_added",
            "contact.recorded", "context.created", "context.linked", "context.noted", "context.viewed", "csrf.refused",
            "export.annual_report", "goal.added", "goal.updated", "import", "import.outreach", "import.referrals",
            "import.refused", "information_sharing.recorded", "information_sharing.viewed", "keys.rotated",
            "local_authority.added", "lone_working.acknowledged", "lone_working.checked_in", "lone_working.checked_out",
            "lone_working.duress", "lone_working.duress_acknowledged", "lone_working.duress_word_set",
            "lone_working.escalated", "lone_working.overdue", "lone_working.started", "lone_working.viewed",
            "mfa.enrolled", "on_call.shift_added", "on_call.shift_removed", "outcome_measures.recorded",
            "outcome_wheel.assessed", "outreach.recorded", "partner_domain.added", "partner_domain.removed",
            "partner_referral.call_back_overdue", "partner_referral.called_back", "partner_referral.honeypot",
            "partner_referral.list", "partner_referral.rate_limited", "partner_referral.received",
            "partner_referral.refused", "partner_referral.routed", "partner_referral.searched", "partner_referral.spam",
            "partner_referral.triaged", "partner_referral.viewed", "partnership.action_added", "partnership.action_done",
            "partnership.list_viewed", "partnership.meeting_recorded", "partnership.meeting_viewed", "person.anonymised",
            "person.legal_hold_lifted", "person.legal_hold_set", "person.merged", "person.safe_contact_changed",
            "person.searched", "person.viewed", "referral.accepted", "referral.created", "referral.list",
            "referral.not_accepted", "referral.viewed", "region.created", "register.recorded", "report.viewed",
            "request.too_large", "rescue.converted", "rescue.identified", "rescue.list", "rescue.recorded",
            "rescue.recorded_unidentified", "rescue.updated", "rescue.viewed", "risk.rated", "session.bench",
            "session.ended_by_user", "session.expired", "setup.first_admin_link_issued", "share.approved",
            "share.refused", "share.requested", "signin.failure", "signin.password_accepted", "signin.rate_limited",
            "signin.success", "signout", "signout.everywhere", "staff.absence_recorded", "staff.list",
            "staff.profile_saved", "staff.training_recorded", "subject_access.approval_needed",
            "subject_access.approvals_viewed", "subject_access.approved", "subject_access.completed",
            "subject_access.exported", "subject_access.list_viewed", "subject_access.opened",
            "subject_access.separate_records", "submission.discarded", "submission.kept", "submission.kept_viewed",
            "submission.resent", "user.access_reset", "user.approval_confirmed", "user.approval_refused",
            "user.approval_requested", "user.created", "user.disabled", "user.enabled", "user.role_changed",
            "user.setup_link_emailed", "webhook.refused",
        ])
    }

    @Test("Every audited object type keeps its stored code")
    func objects() {
        #expect(AuditedObject.allCases.map(\.rawValue) == [
            "account_approval", "alert", "alert_message", "api_token", "attachment", "audit", "backup", "case",
            "code_list", "context", "data_key", "file", "goal", "information_sharing", "kept_submission",
            "local_authority", "meeting", "on_call_shift", "outreach", "partner_domain", "partner_referral",
            "pending_rescue", "person", "referral", "region", "register_entry", "report", "rescue", "route", "session",
            "share_request", "staff", "subject_access", "user", "visit",
        ])
    }
}
