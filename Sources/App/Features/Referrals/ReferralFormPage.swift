import Domain
import Fluent
import Vapor

/// The referral form's page: every field with what was typed and its error, and the choices from the
/// reference data.
struct ReferralFormPage: Encodable {
    let layout: Layout
    let action: String
    let regionName: String
    let errorLinks: [FormErrorLink]?
    let receivedDate: FormField
    let services: [Choice]
    let serviceError: String?
    let referralSource: FormField
    let sources: [SelectOption]
    let referrerOrganisation: FormField
    let referrerContact: FormField
    let firstName: FormField
    let lastName: FormField
    let aliases: FormField
    let dateOfBirth: FormField
    let gender: FormField
    let genders: [SelectOption]
    let ethnicity: FormField
    let ethnicities: [SelectOption]
    let homeLocalAuthority: FormField
    let localAuthorities: [SelectOption]
    let otherLocalAuthority: FormField
    let contactDetails: FormField
    let exploitationTypes: [Choice]
    let exploitationTypesError: String?
    let riskIndicators: [Choice]
    let consents: [Choice]
    let consentError: String?
    let concerns: FormField
    let partnerReferral: PartnerLink?

    struct PartnerLink: Encodable {
        let id: String
        let ref: String
        let href: String
    }

    static func make(user: CurrentUser, form: ReferralForm, errors: FieldErrors, layout: Layout, on db: any Database) async throws -> ReferralFormPage {
        let lists = try await CodeListChoices.load(on: db)
        func options(_ list: CodeList, selected: String?, blank: String) -> [SelectOption] { lists.options(list, selected: selected, blank: blank) }
        func field(_ id: String, _ value: String?) -> FormField { FormField(id, value: value ?? "", error: errors[id]) }
        let authorities = try await LocalAuthority.query(on: db).filter(\.$region.$id == (user.regionID ?? UUID()))
            .sort(\.$name).all()
        let knownAuthority = authorities.contains { $0.code == form.homeLocalAuthority }
        let chosenAuthority = knownAuthority || form.homeLocalAuthority == "other" ? form.homeLocalAuthority : nil
        var authorityOptions = [SelectOption(value: "", label: "Select a local authority", selected: chosenAuthority == nil)]
        authorityOptions += authorities.map { SelectOption(value: $0.code, label: $0.name, selected: $0.code == chosenAuthority) }
        authorityOptions.append(SelectOption(value: "other", label: "Outside the region (type it below)",
                                             selected: chosenAuthority == "other"))
        let types = Set(form.exploitationTypes ?? []), risks = Set(form.riskIndicators ?? [])
        return ReferralFormPage(
            layout: layout, action: SiteURL.referralNew.path,
            regionName: user.regionName ?? "", errorLinks: errors.links,
            receivedDate: field("receivedDate", form.receivedDate),
            services: lists.choices(.service, idPrefix: "service", checked: Set([form.service ?? ""])),
            serviceError: errors["service"],
            referralSource: field("referralSource", form.referralSource),
            sources: options(.referralSource, selected: form.referralSource, blank: "Select who referred"),
            referrerOrganisation: field("referrerOrganisation", form.referrerOrganisation),
            referrerContact: field("referrerContact", form.referrerContact),
            firstName: field("firstName", form.firstName), lastName: field("lastName", form.lastName),
            aliases: field("aliases", form.aliases), dateOfBirth: field("dateOfBirth", form.dateOfBirth),
            gender: field("gender", form.gender), genders: options(.gender, selected: form.gender, blank: "Select gender"),
            ethnicity: field("ethnicity", form.ethnicity),
            ethnicities: options(.ethnicity, selected: form.ethnicity, blank: "Not known"),
            homeLocalAuthority: field("homeLocalAuthority", form.homeLocalAuthority), localAuthorities: authorityOptions,
            otherLocalAuthority: field("otherLocalAuthority", form.otherLocalAuthority),
            contactDetails: field("contactDetails", form.contactDetails),
            exploitationTypes: lists.choices(.exploitationType, idPrefix: "type", checked: types),
            exploitationTypesError: errors["exploitationTypes"],
            riskIndicators: RiskIndicator.allCases.map {
                Choice(id: "risk-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: risks.contains($0.rawValue))
            },
            consents: Consent.formChoices.map {
                Choice(id: "consent-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: $0.rawValue == form.consent)
            },
            consentError: errors["consent"],
            concerns: field("concerns", form.concerns),
            partnerReferral: try await form.partnerReferral.flatMap { UUID(uuidString: $0) }.asyncMap { id in
                try await RegionScope(user).partnerReferrals(on: db).filter(\.$id == id).first()
            }.flatMap { $0 }.map { PartnerLink(id: $0.id!.uuidString, ref: $0.ref, href: SiteURL.partnerReferral($0.id).path) })
    }
}
