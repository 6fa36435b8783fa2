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
    let service: FormField
    let referralSource: FormField
    let referrerOrganisation: FormField
    let referrerContact: FormField
    let firstName: FormField
    let lastName: FormField
    let aliases: FormField
    let dateOfBirth: FormField
    let gender: FormField
    let ethnicity: FormField
    let homeLocalAuthority: FormField
    let otherLocalAuthority: FormField
    let contactDetails: FormField
    let exploitationTypes: FormField
    let riskIndicators: FormField
    let consent: FormField
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
            receivedDate: field("receivedDate", form.receivedDate).drawn("Date received", as: .date),
            service: field("service", form.service).group(
                "Service", choices: lists.choices(.service, idPrefix: "service", checked: Set([form.service ?? ""]))),
            referralSource: field("referralSource", form.referralSource).select(
                "Referral source", options: options(.referralSource, selected: form.referralSource, blank: "Select who referred")),
            referrerOrganisation: field("referrerOrganisation", form.referrerOrganisation).drawn("Referrer's organisation (optional)"),
            referrerContact: field("referrerContact", form.referrerContact).drawn("Referrer's name and contact details (optional)",
                                                                                  ["autocomplete": "off"]),
            firstName: field("firstName", form.firstName).drawn("First name", ["autocomplete": "off", "spellcheck": "false"]),
            lastName: field("lastName", form.lastName).drawn("Last name", ["autocomplete": "off", "spellcheck": "false"]),
            aliases: field("aliases", form.aliases).drawn("Known aliases or street names (optional)", hint: "One on each line.",
                                                          as: .textarea, ["rows": "2"]),
            dateOfBirth: field("dateOfBirth", form.dateOfBirth).drawn("Date of birth", as: .date),
            gender: field("gender", form.gender).select("Gender", options: options(.gender, selected: form.gender, blank: "Select gender")),
            ethnicity: field("ethnicity", form.ethnicity).select(
                "Ethnicity (optional)", options: options(.ethnicity, selected: form.ethnicity, blank: "Not recorded")),
            homeLocalAuthority: field("homeLocalAuthority", form.homeLocalAuthority).select("Home local authority",
                                                                                            options: authorityOptions),
            otherLocalAuthority: field("otherLocalAuthority", form.otherLocalAuthority).drawn("If outside the region: the local authority"),
            contactDetails: field("contactDetails", form.contactDetails).drawn(
                "Contact details and address (optional)", hint: "Stored encrypted. Note if the phone may be controlled by exploiters.",
                as: .textarea, ["rows": "3"]),
            exploitationTypes: field("exploitationTypes", nil).group(
                "Types of exploitation", hint: "Select all that apply. A referral with none does not meet the criteria.",
                name: "exploitationTypes[]", as: .checkboxes,
                choices: lists.choices(.exploitationType, idPrefix: "type", checked: types)),
            riskIndicators: field("riskIndicators", nil).group(
                "Risk indicators", name: "riskIndicators[]", as: .checkboxes,
                choices: Choice.riskIndicators(idPrefix: "risk", checked: risks)),
            consent: field("consent", form.consent).group(
                "Consent to the referral",
                choices: Choice.consents(chosen: form.consent)),
            concerns: field("concerns", form.concerns).drawn("What the referrer is worried about (optional)", hint: "Stored encrypted.",
                                                             as: .textarea, ["rows": "6"]),
            partnerReferral: try await form.partnerReferral.flatMap { UUID(uuidString: $0) }.asyncMap { id in
                try await RegionScope(user).partnerReferrals(on: db).filter(\.$id == id).first()
            }.flatMap { $0 }.map { PartnerLink(id: $0.id!.uuidString, ref: $0.ref, href: SiteURL.partnerReferral($0.id).path) })
    }
}
