import Vapor

/// Every path of the site, used both to register routes and to build links, so the two cannot drift apart.
/// A case with an identifier builds a link when given one, and the route pattern when given nil.
enum SiteURL: Sendable {
    case health
    case ready
    case home
    case search
    case kept
    case keptSave(UUID?)
    case keptDiscard(UUID?)
    case stillHere
    case signIn
    case signInCode
    case signInEnrol
    case signOut
    case setup(token: String?)
    case account
    case accountSessionEnd(UUID?)
    case accountSignOutEverywhere
    case adminUsers
    case adminUserNew
    case adminUser(UUID?)
    case adminUserRole(UUID?)
    case adminUserDisable(UUID?)
    case adminUserEnable(UUID?)
    case adminUserResetAccess(UUID?)
    case adminApprovals
    case adminApprovalConfirm(UUID?)
    case adminApprovalRefuse(UUID?)
    case adminRegions
    case adminRegion(String?)
    case adminRegionLocalAuthorities(String?)
    case adminCodeLists
    case adminCodeList(String?)
    case annualReport
    case annualReportCSV
    case referrals
    case referralNew
    case referral(UUID?)
    case referralAccept(UUID?)
    case referralDecline(UUID?)
    case person(UUID?)
    case personMerge(UUID?)
    case imports
    case adminAudit
    case personLegalHold(UUID?)
    case subjectAccessRequests
    case personSubjectAccess(UUID?)
    case subjectAccess(UUID?)
    case subjectAccessJSON(UUID?)
    case subjectAccessZIP(UUID?)
    case subjectAccessComplete(UUID?)
    case subjectAccessApprovals
    case subjectAccessApprove(UUID?)
    case subjectAccessSeparate(UUID?)
    case informationSharing
    case referralShareRequest(UUID?)
    case shareRequestApprove(UUID?)
    case shareRequestRefuse(UUID?)
    case cases
    case supportCase(UUID?)
    case caseAssign(UUID?)
    case caseContacts(UUID?)
    case caseMeasures(UUID?)
    case caseRisk(UUID?)
    case caseClose(UUID?)
    case caseApproveClosure(UUID?)
    case caseReopen(UUID?)
    case personSafeContact(UUID?)
    case caseWheel(UUID?)
    case caseGoals(UUID?)
    case caseGoalUpdate(UUID?)
    case caseRegisters(UUID?)
    case caseTimeline(UUID?)
    case caseViewers(UUID?)
    case loneWorking
    case visitCheckIn(UUID?)
    case visitCheckOut(UUID?)
    case visitAcknowledge(UUID?)
    case visitDuressAcknowledge(UUID?)
    case loneWorkingDuressWord
    case visitEscalate(UUID?)
    case outreach
    case contexts
    case context(UUID?)
    case contextLinks(UUID?)
    case contextNotes(UUID?)
    case partnerships
    case partnershipMeeting(UUID?)
    case meetingActions(UUID?)
    case meetingActionDone(UUID?)
    case staff
    case staffMember(UUID?)
    case staffProfile(UUID?)
    case staffAbsences(UUID?)
    case staffTraining(UUID?)
    case rescues
    case rescueNew
    case rescue(UUID?)
    case rescueProgress(UUID?)
    case rescueConvert(UUID?)
    case pendingRescue(UUID?)
    case pendingRescueComplete(UUID?)
    case caseAttachments(UUID?)
    case registerEntryAttachments(caseID: UUID?, entryID: UUID?)
    case referralAttachments(UUID?)
    case rescueAttachments(UUID?)
    case attachment(UUID?)
    case attachmentDelete(UUID?)
    case apiCaseAttachments(UUID?)
    case apiReferralAttachments(UUID?)
    case apiAttachment(UUID?)
    case refer
    case referUrgent
    case referFull
    case partnerReferrals
    case alerts
    case alertAcknowledgeOnPage(UUID?)
    case alertAcknowledge(token: String?)
    case onCall
    case onCallShiftRemove(UUID?)
    case accountAlerts
    case accountAlertsConfirm
    case twilioStatus
    case twilioSMS
    case twilioVoice
    case partnerReferral(UUID?)
    case partnerReferralCalledBack(UUID?)
    case partnerReferralSpam(UUID?)
    case partnerReferralRoute(UUID?)
    case adminPartnerDomains
    case adminPartnerDomainRemove(UUID?)
    case personInformationSharing(UUID?)
    case accountTokens
    case accountTokenRevoke(UUID?)
    // The JSON API (versioned; described by /api/openapi.json).
    case apiDocument
    case apiReferrals
    case apiReferral(UUID?)
    case apiPeople
    case apiCases
    case apiCase(UUID?)
    case apiCaseContacts(UUID?)
    case apiCaseMeasures(UUID?)
    case apiRescues
    case apiAnnualReport
    case metrics

    var path: String {
        "/" + pattern.map { component in
            if case let .constant(text) = component { return text }
            return ""
        }.joined(separator: "/")
    }

    var pattern: [PathComponent] {
        switch self {
        case .health: ["health"]
        case .ready: ["ready"]
        case .home: []
        case .search: ["search"]
        case .kept: ["kept"]
        case let .keptSave(id): ["kept", Self.parameter(id?.uuidString, "keptID"), "save"]
        case let .keptDiscard(id): ["kept", Self.parameter(id?.uuidString, "keptID"), "discard"]
        case .stillHere: ["still-here"]
        case .signIn: ["sign-in"]
        case .signInCode: ["sign-in", "code"]
        case .signInEnrol: ["sign-in", "set-up-authenticator"]
        case .signOut: ["sign-out"]
        case let .setup(token): ["set-up", Self.parameter(token, "token")]
        case .account: ["account"]
        case let .accountSessionEnd(id): ["account", "sessions", Self.parameter(id?.uuidString, "sessionID"), "end"]
        case .accountSignOutEverywhere: ["account", "sign-out-everywhere"]
        case .adminUsers: ["admin", "users"]
        case .adminUserNew: ["admin", "users", "new"]
        case let .adminUser(id): ["admin", "users", Self.parameter(id?.uuidString, "userID")]
        case let .adminUserRole(id): ["admin", "users", Self.parameter(id?.uuidString, "userID"), "role"]
        case let .adminUserDisable(id): ["admin", "users", Self.parameter(id?.uuidString, "userID"), "disable"]
        case let .adminUserEnable(id): ["admin", "users", Self.parameter(id?.uuidString, "userID"), "enable"]
        case let .adminUserResetAccess(id): ["admin", "users", Self.parameter(id?.uuidString, "userID"), "reset-access"]
        case .adminApprovals: ["admin", "approvals"]
        case let .adminApprovalConfirm(id): ["admin", "approvals", Self.parameter(id?.uuidString, "approvalID"), "confirm"]
        case let .adminApprovalRefuse(id): ["admin", "approvals", Self.parameter(id?.uuidString, "approvalID"), "refuse"]
        case .adminRegions: ["admin", "regions"]
        case let .adminRegion(code): ["admin", "regions", Self.parameter(code, "regionCode")]
        case let .adminRegionLocalAuthorities(code):
            ["admin", "regions", Self.parameter(code, "regionCode"), "local-authorities"]
        case .adminCodeLists: ["admin", "code-lists"]
        case let .adminCodeList(list): ["admin", "code-lists", Self.parameter(list, "list")]
        case .annualReport: ["reports", "annual"]
        case .annualReportCSV: ["reports", "annual.csv"]
        case .referrals: ["referrals"]
        case .referralNew: ["referrals", "new"]
        case let .referral(id): ["referrals", Self.parameter(id?.uuidString, "referralID")]
        case let .referralAccept(id): ["referrals", Self.parameter(id?.uuidString, "referralID"), "accept"]
        case let .referralDecline(id): ["referrals", Self.parameter(id?.uuidString, "referralID"), "decline"]
        case let .person(id): ["people", Self.parameter(id?.uuidString, "personID")]
        case let .personMerge(id): ["people", Self.parameter(id?.uuidString, "personID"), "merge"]
        case .imports: ["imports"]
        case .adminAudit: ["admin", "audit"]
        case let .personLegalHold(id): ["people", Self.parameter(id?.uuidString, "personID"), "legal-hold"]
        case .subjectAccessRequests: ["subject-access"]
        case let .personSubjectAccess(id): ["people", Self.parameter(id?.uuidString, "personID"), "subject-access"]
        case let .subjectAccess(id): ["subject-access", Self.parameter(id?.uuidString, "requestID")]
        case let .subjectAccessJSON(id): ["subject-access", Self.parameter(id?.uuidString, "requestID"), "export.json"]
        case let .subjectAccessZIP(id): ["subject-access", Self.parameter(id?.uuidString, "requestID"), "export.zip"]
        case let .subjectAccessComplete(id): ["subject-access", Self.parameter(id?.uuidString, "requestID"), "complete"]
        case .subjectAccessApprovals: ["subject-access-approvals"]
        case let .subjectAccessApprove(id): ["subject-access-approvals", Self.parameter(id?.uuidString, "requestID"), "approve"]
        case let .subjectAccessSeparate(id): ["subject-access-approvals", Self.parameter(id?.uuidString, "requestID"), "separate"]
        case .informationSharing: ["information-sharing"]
        case let .referralShareRequest(id): ["referrals", Self.parameter(id?.uuidString, "referralID"), "share-request"]
        case let .shareRequestApprove(id): ["share-requests", Self.parameter(id?.uuidString, "shareRequestID"), "approve"]
        case let .shareRequestRefuse(id): ["share-requests", Self.parameter(id?.uuidString, "shareRequestID"), "refuse"]
        case .cases: ["cases"]
        case let .supportCase(id): ["cases", Self.parameter(id?.uuidString, "caseID")]
        case let .caseAssign(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "assign"]
        case let .caseContacts(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "contacts"]
        case let .caseMeasures(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "outcome-measures"]
        case let .caseRisk(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "risk"]
        case let .caseClose(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "close"]
        case let .caseApproveClosure(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "approve-closure"]
        case let .caseReopen(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "reopen"]
        case let .personSafeContact(id): ["people", Self.parameter(id?.uuidString, "personID"), "safe-contact"]
        case let .caseWheel(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "outcome-wheel"]
        case let .caseGoals(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "goals"]
        case let .caseGoalUpdate(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "goals", "update"]
        case let .caseRegisters(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "registers"]
        case let .caseTimeline(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "timeline"]
        case let .caseViewers(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "viewers"]
        case .loneWorking: ["lone-working"]
        case let .visitCheckIn(id): ["lone-working", Self.parameter(id?.uuidString, "visitID"), "check-in"]
        case let .visitCheckOut(id): ["lone-working", Self.parameter(id?.uuidString, "visitID"), "check-out"]
        case let .visitAcknowledge(id): ["lone-working", Self.parameter(id?.uuidString, "visitID"), "acknowledge"]
        case let .visitDuressAcknowledge(id): ["lone-working", Self.parameter(id?.uuidString, "visitID"), "duress-acknowledge"]
        case .loneWorkingDuressWord: ["lone-working", "duress-word"]
        case let .visitEscalate(id): ["lone-working", Self.parameter(id?.uuidString, "visitID"), "escalate"]
        case .outreach: ["outreach"]
        case .contexts: ["contexts"]
        case let .context(id): ["contexts", Self.parameter(id?.uuidString, "contextID")]
        case let .contextLinks(id): ["contexts", Self.parameter(id?.uuidString, "contextID"), "links"]
        case let .contextNotes(id): ["contexts", Self.parameter(id?.uuidString, "contextID"), "notes"]
        case .partnerships: ["partnerships"]
        case let .partnershipMeeting(id): ["partnerships", Self.parameter(id?.uuidString, "meetingID")]
        case let .meetingActions(id): ["partnerships", Self.parameter(id?.uuidString, "meetingID"), "actions"]
        case let .meetingActionDone(id): ["partnerships", Self.parameter(id?.uuidString, "meetingID"), "actions", "done"]
        case .staff: ["staff"]
        case let .staffMember(id): ["staff", Self.parameter(id?.uuidString, "staffID")]
        case let .staffProfile(id): ["staff", Self.parameter(id?.uuidString, "staffID"), "profile"]
        case let .staffAbsences(id): ["staff", Self.parameter(id?.uuidString, "staffID"), "absences"]
        case let .staffTraining(id): ["staff", Self.parameter(id?.uuidString, "staffID"), "training"]
        case .rescues: ["rescues"]
        case .rescueNew: ["rescues", "new"]
        case let .rescue(id): ["rescues", Self.parameter(id?.uuidString, "rescueID")]
        case let .rescueProgress(id): ["rescues", Self.parameter(id?.uuidString, "rescueID"), "progress"]
        case let .rescueConvert(id): ["rescues", Self.parameter(id?.uuidString, "rescueID"), "convert"]
        case let .pendingRescue(id): ["rescues", "unidentified", Self.parameter(id?.uuidString, "pendingID")]
        case let .pendingRescueComplete(id): ["rescues", "unidentified", Self.parameter(id?.uuidString, "pendingID"), "details"]
        case let .caseAttachments(id): ["cases", Self.parameter(id?.uuidString, "caseID"), "attachments"]
        case let .registerEntryAttachments(caseID, entryID):
            ["cases", Self.parameter(caseID?.uuidString, "caseID"), "registers", Self.parameter(entryID?.uuidString, "entryID"), "attachments"]
        case let .referralAttachments(id): ["referrals", Self.parameter(id?.uuidString, "referralID"), "attachments"]
        case let .rescueAttachments(id): ["rescues", Self.parameter(id?.uuidString, "rescueID"), "attachments"]
        case let .attachment(id): ["attachments", Self.parameter(id?.uuidString, "attachmentID")]
        case let .attachmentDelete(id): ["attachments", Self.parameter(id?.uuidString, "attachmentID"), "delete"]
        case let .apiCaseAttachments(id): ["api", "v1", "cases", Self.parameter(id?.uuidString, "caseID"), "attachments"]
        case let .apiReferralAttachments(id): ["api", "v1", "referrals", Self.parameter(id?.uuidString, "referralID"), "attachments"]
        case let .apiAttachment(id): ["api", "v1", "attachments", Self.parameter(id?.uuidString, "attachmentID")]
        case .refer: ["refer"]
        case .referUrgent: ["refer", "urgent"]
        case .referFull: ["refer", "full"]
        case .partnerReferrals: ["partner-referrals"]
        case .alerts: ["alerts"]
        case let .alertAcknowledgeOnPage(id): ["alerts", Self.parameter(id?.uuidString, "alertID"), "acknowledge"]
        case let .alertAcknowledge(token): ["alerts", "ack", Self.parameter(token, "token")]
        case .onCall: ["on-call"]
        case let .onCallShiftRemove(id): ["on-call", Self.parameter(id?.uuidString, "shiftID"), "remove"]
        case .accountAlerts: ["account", "alerts"]
        case .accountAlertsConfirm: ["account", "alerts", "confirm"]
        // Twilio calls these; each request is signed with the account's auth token, and refused unless it is.
        case .twilioStatus: ["webhooks", "twilio", "status"]
        case .twilioSMS: ["webhooks", "twilio", "sms"]
        case .twilioVoice: ["webhooks", "twilio", "voice"]
        case let .partnerReferral(id): ["partner-referrals", Self.parameter(id?.uuidString, "partnerReferralID")]
        case let .partnerReferralCalledBack(id): ["partner-referrals", Self.parameter(id?.uuidString, "partnerReferralID"), "called-back"]
        case let .partnerReferralSpam(id): ["partner-referrals", Self.parameter(id?.uuidString, "partnerReferralID"), "spam"]
        case let .partnerReferralRoute(id): ["partner-referrals", Self.parameter(id?.uuidString, "partnerReferralID"), "route"]
        case .adminPartnerDomains: ["admin", "partner-domains"]
        case let .adminPartnerDomainRemove(id): ["admin", "partner-domains", Self.parameter(id?.uuidString, "domainID"), "remove"]
        case let .personInformationSharing(id): ["people", Self.parameter(id?.uuidString, "personID"), "information-sharing"]
        case .accountTokens: ["account", "tokens"]
        case let .accountTokenRevoke(id): ["account", "tokens", Self.parameter(id?.uuidString, "tokenID"), "revoke"]
        case .apiDocument: ["api", "openapi.json"]
        case .apiReferrals: ["api", "v1", "referrals"]
        case let .apiReferral(id): ["api", "v1", "referrals", Self.parameter(id?.uuidString, "referralID")]
        case .apiPeople: ["api", "v1", "people", "search"]
        case .apiCases: ["api", "v1", "cases"]
        case let .apiCase(id): ["api", "v1", "cases", Self.parameter(id?.uuidString, "caseID")]
        case let .apiCaseContacts(id): ["api", "v1", "cases", Self.parameter(id?.uuidString, "caseID"), "contacts"]
        case let .apiCaseMeasures(id): ["api", "v1", "cases", Self.parameter(id?.uuidString, "caseID"), "outcome-measures"]
        case .apiRescues: ["api", "v1", "rescues"]
        case .apiAnnualReport: ["api", "v1", "reports", "annual"]
        case .metrics: ["metrics"]
        }
    }

    private static func parameter(_ value: String?, _ name: String) -> PathComponent {
        if let value { return .constant(value) }
        return .parameter(name)
    }
}
