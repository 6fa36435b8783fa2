/// What the audit log records, one case an action. The raw values are stored in `audit_events.action` and read by
/// the audit log's search and by people reading exports, so they are never renamed; a new action is a new case.
public enum AuditAction: String, CaseIterable, Sendable {
    case accessRefused = "access.refused"

    case accountAlertContactChanged = "account.alert_contact_changed"
    case accountAlertPhoneCodeRefused = "account.alert_phone_code_refused"
    case accountAlertPhoneConfirmed = "account.alert_phone_confirmed"
    case accountFirstAdminCreated = "account.first_admin_created"
    case accountLocked = "account.locked"
    case accountPasswordSet = "account.password_set"

    case alertAcknowledged = "alert.acknowledged"
    case alertDelivery = "alert.delivery"
    case alertEscalated = "alert.escalated"
    case alertLinkRefused = "alert.link_refused"
    case alertListViewed = "alert.list_viewed"
    case alertRaised = "alert.raised"
    case alertReply = "alert.reply"
    case alertResolved = "alert.resolved"
    case alertSendFailed = "alert.send_failed"
    case alertSent = "alert.sent"
    case alertStepSkipped = "alert.step_skipped"

    case apiRequestRefused = "api.token_refused"

    case apiTokenCreated = "api_token.created"
    case apiTokenRefused = "api_token.refused"
    case apiTokenRevoked = "api_token.revoked"

    case attachmentDeleted = "attachment.deleted"
    case attachmentDownloaded = "attachment.downloaded"
    case attachmentList = "attachment.list"
    case attachmentUploaded = "attachment.uploaded"

    case auditSearched = "audit.searched"

    case backupWritten = "backup.written"

    case caseAssigned = "case.assigned"
    case caseClosed = "case.closed"
    case caseClosureApproved = "case.closure_approved"
    case caseClosureRequested = "case.closure_requested"
    case caseList = "case.list"
    case caseOpened = "case.opened"
    case caseReopened = "case.reopened"
    case caseViewed = "case.viewed"
    case caseViewersRead = "case.viewers_read"

    case codeListCodeAdded = "code_list.code_added"

    case contactRecorded = "contact.recorded"

    case contextCreated = "context.created"
    case contextLinked = "context.linked"
    case contextNoted = "context.noted"
    case contextViewed = "context.viewed"

    case csrfRefused = "csrf.refused"

    case exportAnnualReport = "export.annual_report"

    case goalAdded = "goal.added"
    case goalUpdated = "goal.updated"

    case importFile = "import"
    case importOutreach = "import.outreach"
    case importReferrals = "import.referrals"
    case importRefused = "import.refused"

    case informationSharingRecorded = "information_sharing.recorded"
    case informationSharingViewed = "information_sharing.viewed"

    case keysRotated = "keys.rotated"

    case localAuthorityAdded = "local_authority.added"

    case loneWorkingAcknowledged = "lone_working.acknowledged"
    case loneWorkingCheckedIn = "lone_working.checked_in"
    case loneWorkingCheckedOut = "lone_working.checked_out"
    case loneWorkingDuress = "lone_working.duress"
    case loneWorkingDuressAcknowledged = "lone_working.duress_acknowledged"
    case loneWorkingDuressWordSet = "lone_working.duress_word_set"
    case loneWorkingEscalated = "lone_working.escalated"
    case loneWorkingOverdue = "lone_working.overdue"
    case loneWorkingStarted = "lone_working.started"
    case loneWorkingViewed = "lone_working.viewed"

    case mfaEnrolled = "mfa.enrolled"

    case onCallShiftAdded = "on_call.shift_added"
    case onCallShiftRemoved = "on_call.shift_removed"

    case outcomeMeasuresRecorded = "outcome_measures.recorded"

    case outcomeWheelAssessed = "outcome_wheel.assessed"

    case outreachRecorded = "outreach.recorded"

    case partnerDomainAdded = "partner_domain.added"
    case partnerDomainRemoved = "partner_domain.removed"

    case partnerReferralCallBackOverdue = "partner_referral.call_back_overdue"
    case partnerReferralCalledBack = "partner_referral.called_back"
    case partnerReferralHoneypot = "partner_referral.honeypot"
    case partnerReferralList = "partner_referral.list"
    case partnerReferralRateLimited = "partner_referral.rate_limited"
    case partnerReferralReceived = "partner_referral.received"
    case partnerReferralRefused = "partner_referral.refused"
    case partnerReferralRouted = "partner_referral.routed"
    case partnerReferralSearched = "partner_referral.searched"
    case partnerReferralSpam = "partner_referral.spam"
    case partnerReferralTriaged = "partner_referral.triaged"
    case partnerReferralViewed = "partner_referral.viewed"

    case partnershipActionAdded = "partnership.action_added"
    case partnershipActionDone = "partnership.action_done"
    case partnershipListViewed = "partnership.list_viewed"
    case partnershipMeetingRecorded = "partnership.meeting_recorded"
    case partnershipMeetingViewed = "partnership.meeting_viewed"

    case personAnonymised = "person.anonymised"
    case personLegalHoldLifted = "person.legal_hold_lifted"
    case personLegalHoldSet = "person.legal_hold_set"
    case personMerged = "person.merged"
    case personSafeContactChanged = "person.safe_contact_changed"
    case personSearched = "person.searched"
    case personViewed = "person.viewed"

    case referralAccepted = "referral.accepted"
    case referralCreated = "referral.created"
    case referralList = "referral.list"
    case referralNotAccepted = "referral.not_accepted"
    case referralViewed = "referral.viewed"

    case regionCreated = "region.created"

    case registerRecorded = "register.recorded"

    case reportViewed = "report.viewed"

    case requestTooLarge = "request.too_large"

    case rescueConverted = "rescue.converted"
    case rescueIdentified = "rescue.identified"
    case rescueList = "rescue.list"
    /// The rescue record made with its referral (`referral.created` names the referral).
    case rescueRecorded = "rescue.recorded"
    case rescueRecordedUnidentified = "rescue.recorded_unidentified"
    case rescueUpdated = "rescue.updated"
    case rescueViewed = "rescue.viewed"

    case riskRated = "risk.rated"

    case sessionBench = "session.bench"
    case sessionEndedByUser = "session.ended_by_user"
    case sessionExpired = "session.expired"

    case setupFirstAdminLinkIssued = "setup.first_admin_link_issued"

    case shareApproved = "share.approved"
    case shareRefused = "share.refused"
    case shareRequested = "share.requested"

    case signInFailure = "signin.failure"
    case signInPasswordAccepted = "signin.password_accepted"
    case signInRateLimited = "signin.rate_limited"
    case signInSuccess = "signin.success"

    case signOut = "signout"
    case signOutEverywhere = "signout.everywhere"

    case staffAbsenceRecorded = "staff.absence_recorded"
    case staffList = "staff.list"
    case staffProfileSaved = "staff.profile_saved"
    case staffTrainingRecorded = "staff.training_recorded"

    case subjectAccessApprovalNeeded = "subject_access.approval_needed"
    case subjectAccessApprovalsViewed = "subject_access.approvals_viewed"
    case subjectAccessApproved = "subject_access.approved"
    case subjectAccessCompleted = "subject_access.completed"
    case subjectAccessExported = "subject_access.exported"
    case subjectAccessListViewed = "subject_access.list_viewed"
    case subjectAccessOpened = "subject_access.opened"
    case subjectAccessSeparateRecords = "subject_access.separate_records"

    case submissionDiscarded = "submission.discarded"
    case submissionKept = "submission.kept"
    case submissionKeptViewed = "submission.kept_viewed"
    case submissionResent = "submission.resent"

    case userAccessReset = "user.access_reset"
    case userApprovalConfirmed = "user.approval_confirmed"
    case userApprovalRefused = "user.approval_refused"
    case userApprovalRequested = "user.approval_requested"
    case userCreated = "user.created"
    case userDisabled = "user.disabled"
    case userEnabled = "user.enabled"
    case userRoleChanged = "user.role_changed"
    case userSetupLinkEmailed = "user.setup_link_emailed"

    case webhookRefused = "webhook.refused"
}

/// The kind of thing an audit entry names (`audit_events.object_type`), beside its id.
public enum AuditedObject: String, CaseIterable, Sendable {
    case accountApproval = "account_approval"
    case alert
    case alertMessage = "alert_message"
    case apiToken = "api_token"
    case attachment
    case audit
    case backup
    case supportCase = "case"
    case codeList = "code_list"
    case context
    case dataKey = "data_key"
    case file
    case goal
    case informationSharing = "information_sharing"
    case keptSubmission = "kept_submission"
    case localAuthority = "local_authority"
    case meeting
    case onCallShift = "on_call_shift"
    case outreach
    case partnerDomain = "partner_domain"
    case partnerReferral = "partner_referral"
    case pendingRescue = "pending_rescue"
    case person
    case referral
    case region
    case registerEntry = "register_entry"
    case report
    case rescue
    case route
    case session
    case shareRequest = "share_request"
    case staff
    case subjectAccess = "subject_access"
    case user
    case visit
}
