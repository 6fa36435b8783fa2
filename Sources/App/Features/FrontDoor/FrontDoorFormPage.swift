import Domain
import Fluent
import Vapor

/// Either path of the partners' form: every field with what was typed and its error, and the choices.
struct FrontDoorFormPage: Encodable {
    let layout: Layout
    let action: String
    let callBack: String
    let errorLinks: [FormErrorLink]?
    let who: FormField
    let whereNow: FormField
    let whereNowArea: FormField
    let homeLocalAuthority: FormField
    let firstName: FormField
    let lastName: FormField
    let aliases: FormField
    let dateOfBirth: FormField
    let gender: FormField
    let ethnicity: FormField
    let contactDetails: FormField
    let exploitationTypes: FormField
    let riskIndicators: FormField
    let consent: FormField
    let concerns: FormField
    let referrerName: FormField
    let referrerOrganisation: FormField
    let referralSource: FormField
    let referrerPhone: FormField
    let referrerEmail: FormField
    let submission: String

    static func make(path: PartnerReferralPath, form: PartnerReferralForm, errors: FieldErrors, areas: FrontDoorAreas,
                     callBack: String, layout: Layout, on db: any Database) async throws -> FrontDoorFormPage {
        let lists = try await CodeListChoices.load(on: db)
        func options(_ list: CodeList, selected: String?, blank: String) -> [SelectOption] { lists.options(list, selected: selected, blank: blank) }
        func field(_ id: String, _ value: String?) -> FormField { FormField(id, value: value ?? "", error: errors[id]) }
        let types = Set(form.exploitationTypes ?? []), risks = Set(form.riskIndicators ?? [])
        let urgent = path == .urgent
        let privateText: KeyValuePairs<String, String> = ["autocomplete": "off", "spellcheck": "false"]
        let organisationHint = urgent ? "For example, British Transport Police, or the school's name."
            : "For example, West Midlands Police, or the school's name."
        return FrontDoorFormPage(
            layout: layout, action: urgent ? SiteURL.referUrgent.path : SiteURL.referFull.path, callBack: callBack,
            errorLinks: errors.links,
            who: field("who", form.who).drawn("The young person's name, or a description if you do not know it",
                                              hint: "For example: Jordan, about 15, grey tracksuit.", as: .textarea,
                                              ["rows": "2", "autocomplete": "off"]),
            whereNow: urgent
                ? field("whereNow", form.whereNow).drawn("Where are they now?", hint: "For example: with us at Euston station, or at home.",
                                                         as: .textarea, ["rows": "2", "autocomplete": "off"])
                : field("whereNow", form.whereNow).drawn("Where they are now, if not at home (optional)", as: .textarea,
                                                         ["rows": "2", "autocomplete": "off"]),
            whereNowArea: areas.select(field("whereNowArea", form.whereNowArea), "The area they are in now",
                                       hint: "The local authority, if you know it."),
            homeLocalAuthority: areas.select(field("homeLocalAuthority", form.homeLocalAuthority), "Their home area",
                                             hint: "Where they live, if you know it. We send the referral to the team for that area."),
            firstName: field("firstName", form.firstName).drawn("First name", privateText),
            lastName: field("lastName", form.lastName).drawn("Last name", privateText),
            aliases: field("aliases", form.aliases).drawn("Other names or street names (optional)", hint: "One on each line.",
                                                          as: .textarea, ["rows": "2", "autocomplete": "off"]),
            dateOfBirth: field("dateOfBirth", form.dateOfBirth).drawn("Date of birth (optional)", hint: "If you know it.", as: .date,
                                                                      ["autocomplete": "off"]),
            gender: field("gender", form.gender).select("Gender (optional)",
                                                        options: options(.gender, selected: form.gender, blank: "Not given")),
            ethnicity: field("ethnicity", form.ethnicity).select("Ethnicity (optional)",
                                                                 options: options(.ethnicity, selected: form.ethnicity, blank: "Not given")),
            contactDetails: field("contactDetails", form.contactDetails).drawn(
                "How to contact them safely (optional)", hint: "Say if their phone may be controlled by the people exploiting them.",
                as: .textarea, ["rows": "3", "autocomplete": "off"]),
            exploitationTypes: field("exploitationTypes", nil).group(
                "What kind of exploitation do you suspect?", hint: "Select all that apply.", name: "exploitationTypes[]",
                as: .checkboxes, choices: lists.choices(.exploitationType, idPrefix: "type", checked: types)),
            riskIndicators: field("riskIndicators", nil).group(
                "Have you seen any of these signs?", hint: "Select all that apply.", name: "riskIndicators[]", as: .checkboxes,
                choices: Choice.riskIndicators(idPrefix: "risk", checked: risks)),
            consent: field("consent", form.consent).group(
                "Did the young person agree to this referral?",
                choices: Choice.consents(chosen: form.consent)),
            concerns: urgent
                ? field("concerns", form.concerns).drawn("Anything else we should know now (optional)", as: .textarea,
                                                         ["rows": "3", "autocomplete": "off"])
                : field("concerns", form.concerns).drawn("What are you worried about? (optional)",
                                                         hint: "What you have seen or been told, and by whom.", as: .textarea,
                                                         ["rows": "6", "autocomplete": "off"]),
            referrerName: field("referrerName", form.referrerName).drawn("Your name", ["autocomplete": "name"]),
            referrerOrganisation: field("referrerOrganisation", form.referrerOrganisation).drawn(
                "Your organisation", hint: organisationHint, ["autocomplete": "organization"]),
            referralSource: field("referralSource", form.referralSource).select(
                "Your kind of organisation",
                options: options(.referralSource, selected: form.referralSource, blank: "Select your kind of organisation")),
            referrerPhone: field("referrerPhone", form.referrerPhone).drawn("A number we can call you back on", as: .tel,
                                                                            ["autocomplete": "tel", "inputmode": "tel"]),
            referrerEmail: field("referrerEmail", form.referrerEmail).drawn(
                urgent ? "Your work email address (optional)" : "Your work email address",
                hint: "It tells us which organisation you are from. We send nothing about the young person to it.", as: .email,
                ["autocomplete": "email", "spellcheck": "false"]),
            submission: form.submissionKey ?? UUID().uuidString)
    }
}
