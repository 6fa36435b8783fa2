import Domain
import Fluent
import Vapor

/// Either path of the partners' form: every field with what was typed and its error, and the choices.
struct FrontDoorFormPage: Encodable {
    struct AreaSelect: Encodable {
        let field: FormField
        let first: [SelectOption]
        let groups: [FrontDoorAreas.Group]
        let last: [SelectOption]
    }

    let layout: Layout
    let action: String
    let callBack: String
    let errorLinks: [FormErrorLink]?
    let who: FormField
    let whereNow: FormField
    let whereNowArea: AreaSelect
    let homeLocalAuthority: AreaSelect
    let firstName: FormField
    let lastName: FormField
    let aliases: FormField
    let dateOfBirth: FormField
    let gender: FormField
    let genders: [SelectOption]
    let ethnicity: FormField
    let ethnicities: [SelectOption]
    let contactDetails: FormField
    let exploitationTypes: [Choice]
    let exploitationTypesError: String?
    let riskIndicators: [Choice]
    let riskIndicatorsError: String?
    let consents: [Choice]
    let consentError: String?
    let concerns: FormField
    let referrerName: FormField
    let referrerOrganisation: FormField
    let referralSource: FormField
    let sources: [SelectOption]
    let referrerPhone: FormField
    let referrerEmail: FormField
    let submission: String

    static func make(path: PartnerReferralPath, form: PartnerReferralForm, errors: FieldErrors, areas: FrontDoorAreas,
                     callBack: String, layout: Layout, on db: any Database) async throws -> FrontDoorFormPage {
        let lists = try await CodeListChoices.load(on: db)
        func options(_ list: CodeList, selected: String?, blank: String) -> [SelectOption] { lists.options(list, selected: selected, blank: blank) }
        func field(_ id: String, _ value: String?) -> FormField { FormField(id, value: value ?? "", error: errors[id]) }
        func area(_ id: String, _ value: String?) -> AreaSelect {
            let parts = areas.groups(selected: value)
            return AreaSelect(field: field(id, value), first: parts.first, groups: parts.groups, last: parts.last)
        }
        let types = Set(form.exploitationTypes ?? []), risks = Set(form.riskIndicators ?? [])
        return FrontDoorFormPage(
            layout: layout, action: path == .urgent ? SiteURL.referUrgent.path : SiteURL.referFull.path, callBack: callBack,
            errorLinks: errors.links,
            who: field("who", form.who), whereNow: field("whereNow", form.whereNow),
            whereNowArea: area("whereNowArea", form.whereNowArea),
            homeLocalAuthority: area("homeLocalAuthority", form.homeLocalAuthority),
            firstName: field("firstName", form.firstName), lastName: field("lastName", form.lastName),
            aliases: field("aliases", form.aliases), dateOfBirth: field("dateOfBirth", form.dateOfBirth),
            gender: field("gender", form.gender), genders: options(.gender, selected: form.gender, blank: "Not given"),
            ethnicity: field("ethnicity", form.ethnicity),
            ethnicities: options(.ethnicity, selected: form.ethnicity, blank: "Not given"),
            contactDetails: field("contactDetails", form.contactDetails),
            exploitationTypes: lists.choices(.exploitationType, idPrefix: "type", checked: types),
            exploitationTypesError: errors["exploitationTypes"],
            riskIndicators: RiskIndicator.allCases.map {
                Choice(id: "risk-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: risks.contains($0.rawValue))
            },
            riskIndicatorsError: errors["riskIndicators"],
            consents: Consent.formChoices.map {
                Choice(id: "consent-\($0.rawValue)", value: $0.rawValue, label: $0.label, checked: $0.rawValue == form.consent)
            },
            consentError: errors["consent"],
            concerns: field("concerns", form.concerns),
            referrerName: field("referrerName", form.referrerName),
            referrerOrganisation: field("referrerOrganisation", form.referrerOrganisation),
            referralSource: field("referralSource", form.referralSource),
            sources: options(.referralSource, selected: form.referralSource, blank: "Select your kind of organisation"),
            referrerPhone: field("referrerPhone", form.referrerPhone),
            referrerEmail: field("referrerEmail", form.referrerEmail),
            submission: form.submissionKey ?? UUID().uuidString)
    }
}
