import Domain
import Fluent
import Vapor

/// A region's partner referrals awaiting triage, the clock that runs out first at the top.
struct PartnerReferralListPage: Encodable {
    struct Row: Encodable {
        let ref: String
        let href: String
        let path: String
        let status: String
        let received: String
        let clock: String
        let overdue: Bool
        let organisation: String
        let trust: String
        let region: String?
    }

    let layout: Layout
    let rows: [Row]?
    let total: Int
    let overdue: Int
    /// Nil when none is overdue (Leaf takes 0 as true).
    let overdueText: String?
    let more: String?
    let showRegion: Bool

    static let length = 50

    static func make(scope: RegionScope, now: Date, cipher: FieldCipher, layout: Layout,
                     on db: any Database) async throws -> PartnerReferralListPage {
        let waiting = scope.openPartnerReferrals(on: db)
        let total = try await waiting.copy().count()
        let overdue = try await waiting.copy().filter(\.$calledBackAt == nil).filter(\.$callBackDue < now).count()
        // Those not yet called back first, each by when its clock runs out.
        let found = try await waiting.sort(\.$calledBackAt, .ascending).sort(\.$callBackDue).limit(length).all()
        let regions = Dictionary(uniqueKeysWithValues: try await Region.query(on: db).all().map { ($0.id!, $0.name) })
        let rows = try found.map { referral in
            let content = try PartnerReferralIntake.content(of: referral, cipher: cipher)
            return Row(ref: referral.ref, href: SiteURL.partnerReferral(referral.id).path, path: referral.path.label,
                       status: referral.status == .triaged ? "Recorded; call-back not yet recorded" : "Awaiting triage",
                       received: DateFormats.shown(referral.receivedAt), clock: referral.clock.summary(at: now),
                       overdue: referral.clock.isOverdue(at: now), organisation: content?.referrerOrganisation ?? "",
                       trust: try PartnerReferralPage.trust(referral, cipher: cipher), region: referral.regionID.flatMap { regions[$0] } ?? "Not yet routed")
        }
        return PartnerReferralListPage(layout: layout, rows: rows.isEmpty ? nil : rows, total: total, overdue: overdue,
                                       overdueText: overdue == 0 ? nil : "\(overdue) past the call-back time",
                                       more: total > rows.count ? "Showing the first \(rows.count) of \(total.formatted())." : nil,
                                       showRegion: scope.user.role == .nationalLead)
    }
}

/// One partner referral as its triager reads it: what was sent, the clock, where it was routed and why, whether the
/// referrer's email is in a listed partner domain, and what may be done with it.
struct PartnerReferralPage: Encodable {
    struct Line: Encodable {
        let label: String
        let value: String
    }

    let layout: Layout
    let ref: String
    let path: String
    let urgent: Bool
    let status: String
    let received: String
    let callBackDue: String
    let clock: String
    let overdue: Bool
    let calledBack: String?
    let routed: String
    let regionCode: String?
    let trust: String
    let trusted: Bool
    let aboutYoungPerson: [Line]?
    let aboutReferrer: [Line]?
    let removed: String?
    let referralHref: String?
    let canTriage: Bool
    let canCallBack: Bool
    let canMarkSpam: Bool
    let triageHref: String
    let calledBackAction: String
    let spamAction: String
    /// The mark-as-spam form's confirmation box: its problem, if any (the box itself is drawn by the page).
    let spamConfirm: FormField
    let routeAction: String?
    /// The region to send an unrouted referral to; nil when it is not to be routed here.
    let region: FormField?
    let errorLinks: [FormErrorLink]?

    static func trust(_ referral: PartnerReferral, cipher: FieldCipher) throws -> String {
        if let listed = referral.listedDomain { return "Email in a listed partner domain (\(listed))" }
        if let domain = try referral.emailDomain.map(cipher.open) { return "Email domain \(domain) is not a listed partner domain" }
        return referral.status == .spam ? "Removed with the rest of what was sent" : "No email address given"
    }

    static func make(_ referral: PartnerReferral, scope: RegionScope, now: Date, cipher: FieldCipher, layout: Layout,
                     spamError: String?, routeError: String?, on db: any Database) async throws -> PartnerReferralPage {
        let content = try PartnerReferralIntake.content(of: referral, cipher: cipher)
        let region = try await referral.regionID.asyncMap { try await Region.find($0, on: db) } ?? nil
        let labels = try await CodeLabels.load(on: db)
        let areas = Dictionary(uniqueKeysWithValues: try await LocalAuthority.query(on: db).all().map { ($0.code, $0.name) })
        var person: [Line] = [], referrer: [Line] = []
        if let content {
            func add(_ lines: inout [Line], _ label: String, _ value: String?) {
                if let value, !value.isEmpty { lines.append(Line(label: label, value: value)) }
            }
            add(&person, "Name or description", content.who)
            add(&person, "Name", [content.firstName, content.lastName].compactMap { $0 }.joined(separator: " "))
            add(&person, "Other names", content.aliases?.joined(separator: ", "))
            add(&person, "Date of birth", content.dateOfBirth)
            add(&person, "Gender", content.gender.map { labels.label(.gender)($0) })
            add(&person, "Ethnicity", content.ethnicity.map { labels.label(.ethnicity)($0) })
            add(&person, "Where they are now", content.whereNow)
            add(&person, "Area they are in now", content.whereNowArea.map { areas[$0] ?? $0 })
            add(&person, "Home area", content.homeLocalAuthority.map { areas[$0] ?? $0 })
            add(&person, "Contact details", content.contactDetails)
            add(&person, "Exploitation suspected", content.exploitationTypes.map { $0.map { labels.label(.exploitationType)($0) }.joined(separator: ", ") })
            add(&person, "Signs seen", content.riskIndicators.map { $0.compactMap { RiskIndicator(rawValue: $0)?.label }.joined(separator: ", ") })
            add(&person, "Consent", content.consent.flatMap { Consent(rawValue: $0)?.label })
            add(&person, referral.path == .urgent ? "Anything else" : "Concerns", content.concerns)
            add(&referrer, "Name", content.referrerName)
            add(&referrer, "Organisation", content.referrerOrganisation)
            add(&referrer, "Kind of organisation", content.referralSource.map { labels.label(.referralSource)($0) })
            add(&referrer, "Call-back number", content.referrerPhone)
            add(&referrer, "Email", content.referrerEmail)
        }
        let routedWhy = switch referral.routedBy {
        case "home_local_authority": "by the young person's home area"
        case "where_now": "by where the young person is now (home area not known, or in no region)"
        case "national_lead": "by the national lead"
        default: "to the national lead: no region's list holds the areas given"
        }
        let awaiting = referral.status == .awaitingTriage
        let canTriage = awaiting && scope.canTriage(referral)
        let owesCallBack = referral.isOpen && referral.calledBackAt == nil
        let status = switch referral.status {
        case .awaitingTriage: "Awaiting triage"
        case .triaged: referral.calledBackAt == nil ? "Recorded as a referral; the call-back is not yet recorded" : "Triaged into a referral"
        case .spam: "Marked as spam"
        }
        return PartnerReferralPage(
            layout: layout, ref: referral.ref, path: referral.path.label, urgent: referral.path == .urgent, status: status,
            received: DateFormats.shown(referral.receivedAt), callBackDue: DateFormats.shown(referral.callBackDue),
            clock: owesCallBack ? referral.clock.summary(at: now) : (referral.status == .spam ? "no call-back: marked as spam" : ""),
            overdue: owesCallBack && referral.clock.isOverdue(at: now),
            calledBack: referral.calledBackAt.map(DateFormats.shown),
            routed: (region.map { "\($0.name), " } ?? "") + routedWhy, regionCode: region?.code,
            trust: try trust(referral, cipher: cipher), trusted: referral.listedDomain != nil,
            aboutYoungPerson: person.isEmpty ? nil : person, aboutReferrer: referrer.isEmpty ? nil : referrer,
            removed: referral.status == .spam ? "What was sent was removed when it was marked as spam; the audit log keeps the entry."
                : referral.status == .triaged ? "What was sent is now held on the referral." : nil,
            referralHref: referral.referralID.flatMap { id in scope.user.role == .admin ? nil : SiteURL.referral(id).path },
            canTriage: canTriage && referral.regionID != nil, canCallBack: owesCallBack && scope.canTriage(referral),
            canMarkSpam: canTriage,
            triageHref: SiteURL.referralNew.path + "?partner=\(referral.id!.uuidString)",
            calledBackAction: SiteURL.partnerReferralCalledBack(referral.id).path,
            spamAction: SiteURL.partnerReferralSpam(referral.id).path,
            spamConfirm: FormField("confirm", error: spamError),
            routeAction: canTriage && referral.regionID == nil ? SiteURL.partnerReferralRoute(referral.id).path : nil,
            region: canTriage && referral.regionID == nil
                ? FormField("region", error: routeError).select(
                    "Region", options: [SelectOption(value: "", label: "Select a region", selected: true)]
                        + (try await Region.query(on: db).sort(\.$name).all()).map { SelectOption(value: $0.code, label: $0.name, selected: false) })
                : nil,
            errorLinks: spamError.map { [FormErrorLink(href: "#confirm", message: $0)] }
                ?? routeError.map { [FormErrorLink(href: "#region", message: $0)] })
    }
}
