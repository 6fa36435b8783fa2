import Domain
import Fluent
import Vapor

struct ReferralRowView: Encodable {
    let ref: String
    let path: String
    let name: String
    let received: String
    let service: String
    let source: String
    let localAuthority: String
    let eligible: Bool
    let isRepeat: Bool
    let status: String
    let region: String
    let fromPartner: Bool

    init(_ referral: Referral, labels: CodeLabels, fromPartner: Bool = false) {
        ref = referral.ref
        path = SiteURL.referral(referral.id).path
        name = "\(referral.firstName) \(referral.lastName)"
        received = referral.receivedDate
        service = labels.label(.service)(referral.service)
        source = labels.label(.referralSource)(referral.referralSource)
        localAuthority = PlaceName.fromCode(referral.homeLocalAuthority)
        eligible = referral.eligible
        isRepeat = referral.isRepeat
        status = referral.status.label
        region = referral.$region.value?.name ?? ""
        self.fromPartner = fromPartner
    }
}

struct ReferralListPage: Encodable {
    struct Tab: Encodable {
        let label: String
        let href: String
        let current: Bool
    }

    let layout: Layout
    let heading: String
    let tabs: [Tab]
    let referrals: [ReferralRowView]
    let total: Int
    let hasReferrals: Bool
    let newPath: String?
    /// The filters, as chosen.
    let from, to, source, localAuthority, order: FormField
    let status: String
    let previousPage: String?
    let nextPage: String?
    let pageText: String

    static func make(referrals: [Referral], total: Int, filters: ReferralFilters, labels: CodeLabels,
                     canWrite: Bool, user: CurrentUser, layout: Layout, on db: any Database) async throws -> ReferralListPage {
        let tabs = [Tab(label: "From partners, awaiting triage", href: SiteURL.partnerReferrals.path, current: false)]
            + Referral.Status.allCases.map { status in
                Tab(label: status.label, href: SiteURL.referrals.path + "?status=\(status.rawValue)", current: status == filters.status)
            }
        let sources = [SelectOption(value: "", label: "Any source", selected: filters.source == nil)]
            + labels.byLabel(.referralSource)
                .map { SelectOption(value: $0.code, label: $0.label, selected: $0.code == filters.source) }
        var authorityQuery = LocalAuthority.query(on: db)
        if let regionID = user.regionID { authorityQuery = authorityQuery.filter(\.$region.$id == regionID) }
        let authorities = try await authorityQuery.sort(\.$name).all()
        let authorityOptions = [SelectOption(value: "", label: "Any local authority", selected: filters.localAuthority == nil)]
            + authorities.map { SelectOption(value: $0.code, label: $0.name, selected: $0.code == filters.localAuthority) }
        let pages = max(1, (total + ReferralsController.pageSize - 1) / ReferralsController.pageSize)
        let fromPartners = Set(try await PartnerReferral.query(on: db).filter(\.$referralID ~~ referrals.compactMap(\.id))
            .all().compactMap(\.referralID))
        return ReferralListPage(
            layout: layout, heading: "Referrals: \(filters.status.label.lowercased())", tabs: tabs,
            referrals: referrals.map { ReferralRowView($0, labels: labels, fromPartner: fromPartners.contains($0.id ?? UUID())) }, total: total, hasReferrals: !referrals.isEmpty,
            newPath: canWrite ? SiteURL.referralNew.path : nil,
            from: filters.fromFilter.field("from", label: "Received from"),
            to: filters.toFilter.field("to", label: "to"),
            source: FormField("source").select("Source", options: sources),
            localAuthority: FormField("localAuthority").select("Local authority", options: authorityOptions),
            order: FormField("order").select("Order", options: [
                SelectOption(value: "oldest", label: "Oldest first", selected: !filters.newestFirst),
                SelectOption(value: "newest", label: "Newest first", selected: filters.newestFirst),
            ]),
            status: filters.status.rawValue,
            previousPage: filters.page > 1 ? SiteURL.referrals.path + filters.query(page: filters.page - 1) : nil,
            nextPage: filters.page < pages ? SiteURL.referrals.path + filters.query(page: filters.page + 1) : nil,
            pageText: "Page \(min(filters.page, pages)) of \(pages), \(total) referral\(total == 1 ? "" : "s")")
    }
}

/// One referral: who, why, the screening result with its reasons, possible duplicates, and the decision.
struct ReferralPage: Encodable {
    struct Item: Encodable {
        let label: String
        let value: String
    }

    struct Duplicate: Encodable {
        let name: String
        let dateOfBirth: String
        let reason: String
        let mergePath: String?
    }

    let layout: Layout
    let ref: String
    let name: String
    let personPath: String
    let status: String
    let isAwaiting: Bool
    let eligible: Bool
    let reasons: [String]
    let isRepeat: Bool
    let details: [Item]
    let concerns: String?
    let duplicates: [Duplicate]
    let hasDuplicates: Bool
    /// Another region holds a young person of exactly this name and date of birth: said, never shown.
    let heldElsewhere: Bool
    /// Where this referral's requests to share stand, and where to ask.
    let shareRequests: [String]
    let shareRequestPath: String
    let canScreen: Bool
    let acceptPath: String
    let declinePath: String
    let caseworker: FormField
    let decision: String?
    let today: String
    let errorLinks: [FormErrorLink]?
    let declineReason: FormField
    let signpostedTo: FormField
    let signpostedOn: FormField
    /// For managers: who has opened this referral, most recent first (ASVS v5.0.0-16.3.2 reads of sensitive data).
    let viewers: [Viewer]?
    /// The reason given when asking another region to share, kept after a refusal.
    let shareReason: FormField
    /// Sent through the partners' form: its reference, and whether the referrer's email was a listed partner's.
    let fromPartner: FromPartner?
    var attachments: AttachmentList

    struct FromPartner: Encodable {
        let ref: String
        let href: String
        let detail: String
    }

    struct Viewer: Encodable {
        let who: String
        let when: String
    }

    /// The page of a referral the caller has found in `scope`; `errors`, `typed` and `shareReason` are a refused
    /// form's.
    static func make(_ referral: Referral, scope: RegionScope, errors: FieldErrors = FieldErrors(),
                     typed: ScreeningController.DeclineForm? = nil, shareReason: String = "", user: CurrentUser,
                     layout: Layout, settings: Settings, cipher: FieldCipher, now: Date,
                     on db: any Database) async throws -> ReferralPage {
        let labels = try await CodeLabels.load(on: db)
        let reasons = StoredCodes.split(referral.ineligibilityReasons).compactMap {
            Eligibility.Reason(rawValue: String($0))?.explanation
        }
        let person = try await Person.query(on: db).filter(\.$id == referral.$person.id).with(\.$aliases).first()
        var duplicates: [Duplicate] = []
        var heldElsewhere = false
        if let person, let key = PersonMatchQuery.key(of: person) {
            // Only people this user may see are offered; another region's are only said to exist.
            let matches = try await PersonMatchQuery.matches(for: key, excluding: person.id, within: scope.reach, on: db)
            heldElsewhere = matches.heldElsewhere
            for candidate in matches.candidates {
                guard case let .possible(reason) = candidate.result else { continue }
                duplicates.append(Duplicate(
                    name: "\(candidate.person.firstName) \(candidate.person.lastName)", dateOfBirth: candidate.person.dateOfBirth,
                    reason: reason.explanation,
                    mergePath: scope.isManager ? SiteURL.personMerge(person.id).path + "?with=\(candidate.person.id!.uuidString)" : nil))
            }
        }
        var details: [Item] = [
            Item(label: "Received", value: referral.receivedDate),
            Item(label: "Service", value: labels.label(.service)(referral.service)),
            Item(label: "Referred by", value: [labels.label(.referralSource)(referral.referralSource), referral.referrerOrganisation]
                .compactMap { $0 }.joined(separator: ", ")),
            Item(label: "Date of birth", value: "\(referral.dateOfBirth) (\(referral.ageAtReferral) when referred)"),
            Item(label: "Gender", value: labels.label(.gender)(referral.gender)),
            Item(label: "Ethnicity", value: referral.ethnicity.map(labels.label(.ethnicity)) ?? "Not known"),
            Item(label: "Home local authority", value: PlaceName.fromCode(referral.homeLocalAuthority)),
            Item(label: "Exploitation", value: referral.exploitationTypeCodes.map(labels.label(.exploitationType))
                .joined(separator: ", ").nonEmpty ?? "None recorded"),
            Item(label: "Risk indicators", value: StoredCodes.split(referral.riskIndicators)
                .compactMap { RiskIndicator(rawValue: String($0))?.label }.joined(separator: ", ").nonEmpty ?? "None recorded"),
            Item(label: "Consent", value: Consent(rawValue: referral.consent)?.label ?? referral.consent),
        ]
        if let contact = referral.referrerContact {
            details.insert(Item(label: "Referrer's contact", value: try cipher.open(contact)), at: 3)
        }
        var decision: String?
        switch referral.status {
        case .accepted: decision = "Accepted: a case was opened."
        case .notAccepted:
            // Imported ineligible referrals carry no note: the rules decided.
            let reason = try referral.notAcceptedReason.map(cipher.open)
                ?? (referral.eligible ? "no reason recorded" : "did not meet the criteria")
            decision = "Not accepted: \(reason)."
            if let to = referral.signpostedTo {
                decision! += " Signposted to \(labels.label(.signposting)(to))" + (referral.signpostedOn.map { " on \($0)." } ?? ".")
            }
        case .awaitingScreening: decision = nil
        }
        let caseworkers = try await CaseLeaders.all(in: referral.$region.id, on: db)
        let me = user
        var viewers: [Viewer]?
        if scope.isManager {
            let views = try await AuditEvent.query(on: db).filter(\.$objectType == AuditedObject.referral.rawValue)
                .filter(\.$objectID == referral.id!.uuidString).filter(\.$action == AuditAction.referralViewed.rawValue)
                .sort(\.$seq, .descending).limit(50).all()
            viewers = views.map { Viewer(who: $0.actor, when: String($0.at.prefix(16)).replacingOccurrences(of: "T", with: " ")) }
        }
        let partner = try await PartnerReferral.query(on: db).filter(\.$referralID == referral.id).first()
        let fromPartner = try partner.map { partner in
            // The call-back is still owed when the referral was recorded before it: the clock runs on.
            let callBack = partner.calledBackAt == nil ? " Call-back not yet recorded: \(partner.clock.summary(at: now))." : ""
            return FromPartner(ref: partner.ref, href: SiteURL.partnerReferral(partner.id).path,
                               detail: "\(partner.path.label.lowercased()), received \(DateFormats.shown(partner.receivedAt)). "
                                   + (try PartnerReferralPage.trust(partner, cipher: cipher)) + "." + callBack)
        }
        let writable = scope.canWrite && scope.contains(regionID: referral.$region.id)
        let attachments = try await AttachmentList.make(
            owner: referral.requireID(), scope: scope, mayReadSensitive: scope.isManager && writable, canWrite: writable,
            uploadPath: SiteURL.referralAttachments(referral.id).path, csrfToken: layout.csrfToken, settings: settings,
            cipher: cipher, error: errors[AttachmentList.fileField], on: db)
        return ReferralPage(
            layout: layout,
            ref: referral.ref, name: "\(referral.firstName) \(referral.lastName)",
            personPath: SiteURL.person(referral.$person.id).path, status: referral.status.label,
            isAwaiting: referral.status == .awaitingScreening, eligible: referral.eligible, reasons: reasons,
            isRepeat: referral.isRepeat, details: details,
            concerns: try referral.concerns.map(cipher.open), duplicates: duplicates,
            hasDuplicates: !duplicates.isEmpty, heldElsewhere: heldElsewhere,
            shareRequests: try await ShareRequest.query(on: db).filter(\.$referral.$id == referral.id!)
                .sort(\.$requestedAt).all().map { request in
                    let asked = "Asked on \(DateFormats.display.string(from: request.requestedAt))"
                    switch request.outcome {
                    case .approved?: return asked + ": agreed. The young person's details are now shared with your region."
                    case .refused?: return asked + ": refused by the other region's manager."
                    case nil: return asked + ": waiting for the other region's manager."
                    }
                },
            shareRequestPath: SiteURL.referralShareRequest(referral.id).path, canScreen: scope.canWrite && scope.contains(regionID: referral.$region.id),
            acceptPath: SiteURL.referralAccept(referral.id).path, declinePath: SiteURL.referralDecline(referral.id).path,
            caseworker: FormField("caseworker", error: errors["caseworker"]).select(
                "Accept and open a case led by",
                options: caseworkers.map { SelectOption(value: $0.id!.uuidString, label: $0.displayName, selected: $0.id == me.id) }),
            decision: decision, today: CivilDate.today(at: now).description, errorLinks: errors.links,
            declineReason: FormField("reason", value: typed?.reason ?? "", error: errors["reason"])
                .drawn("Not accepted because", as: .textarea, ["rows": "2"]),
            signpostedTo: FormField("signpostedTo", value: typed?.signpostedTo ?? "").select(
                "Signposted to",
                options: [SelectOption(value: "", label: "Not signposted", selected: (typed?.signpostedTo ?? "").isEmpty)]
                    + labels.byLabel(.signposting)
                        .map { SelectOption(value: $0.code, label: $0.label, selected: $0.code == typed?.signpostedTo) }),
            signpostedOn: FormField("signpostedOn", value: typed?.signpostedOn ?? CivilDate.today(at: now).description,
                                    error: errors["signpostedOn"] ?? errors["signpostedTo"]).drawn("Date signposted", as: .date),
            viewers: viewers,
            shareReason: FormField("share-reason", value: shareReason, error: errors["share-reason"])
                .drawn("Why you need what they hold", hint: "For example: to plan a safe return home. Do not write the young person's name.",
                       name: "reason", as: .textarea, ["rows": "3"]),
            fromPartner: fromPartner,
            attachments: attachments)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
