import Domain
import Fluent
import Vapor

/// The referral form as typed (kept on error), and its checks. Every field of SPEC §2.1.
struct ReferralForm: Content {
    var receivedDate: String?
    var service: String?
    var referralSource: String?
    var referrerOrganisation: String?
    var referrerContact: String?
    var firstName: String?
    var lastName: String?
    var aliases: String?
    var dateOfBirth: String?
    var gender: String?
    var ethnicity: String?
    var homeLocalAuthority: String?
    var otherLocalAuthority: String?
    var contactDetails: String?
    var exploitationTypes: [String]?
    var riskIndicators: [String]?
    var consent: String?
    var concerns: String?
    /// The partner referral being triaged into this referral (`?partner=` on the form), if any.
    var partnerReferral: String?

    /// A checked form: every field typed, ready to save.
    struct Checked: Sendable {
        let received: CivilDate
        let service: String
        let source: String
        let organisation: String?
        let referrerContact: String?
        let firstName: String
        let lastName: String
        let aliases: [String]
        let dateOfBirth: CivilDate
        let gender: String
        let ethnicity: String?
        let homeLocalAuthority: String
        let contactDetails: String?
        let exploitationTypes: [String]
        let riskIndicators: [String]
        let consent: String
        let concerns: String?
    }

    static let textLimit = 5000

    /// The problems by field id, in the order the form shows the fields, or the checked values.
    func check(codes: [CodeList: Set<String>], today: CivilDate) -> Result<Checked, FieldErrors> {
        var errors = FieldErrors()
        func trimmed(_ value: String?) -> String? {
            guard let text = value?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        func date(_ id: String, _ value: String?, name: String) -> CivilDate? {
            guard let text = trimmed(value) else { errors.add(id, "Enter the \(name)"); return nil }
            guard let date = CivilDate(text) else { errors.add(id, "The \(name) must be a real date"); return nil }
            if date > today { errors.add(id, "The \(name) must be today or in the past") }
            return date
        }
        func code(_ id: String, _ value: String?, _ list: CodeList, required: Bool, name: String) -> String? {
            guard let text = trimmed(value) else {
                if required { errors.add(id, "Select the \(name)") }
                return nil
            }
            guard codes[list]?.contains(text) == true else { errors.add(id, "Select a \(name) from the list"); return nil }
            return text
        }
        func text(_ id: String, _ value: String?, required: String? = nil, limit: Int = 200) -> String? {
            guard let text = trimmed(value) else {
                if let required { errors.add(id, required) }
                return nil
            }
            if text.count > limit { errors.add(id, "Must be \(limit) characters or fewer") }
            return text
        }

        let received = date("receivedDate", receivedDate, name: "date the referral was received")
        let service = code("service", service, .service, required: true, name: "service")
        let source = code("referralSource", referralSource, .referralSource, required: true, name: "referral source")
        let organisation = text("referrerOrganisation", referrerOrganisation)
        let contact = text("referrerContact", referrerContact, limit: 500)
        let first = text("firstName", firstName, required: "Enter the young person's first name", limit: 100)
        let last = text("lastName", lastName, required: "Enter the young person's last name", limit: 100)
        for (id, name) in [("firstName", first), ("lastName", last)] where name.map(NameFolding.hasLetters) == false {
            errors.add(id, "Enter the name in letters, as the young person gives it")
        }
        let aliasList = (aliases ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if aliasList.contains(where: { $0.count > 100 }) { errors.add("aliases", "Each alias must be 100 characters or fewer") }
        if aliasList.contains(where: { !NameFolding.hasLetters($0) }) { errors.add("aliases", "Enter each alias in letters, one a line") }
        let born = date("dateOfBirth", dateOfBirth, name: "date of birth")
        if let born, let received, born > received { errors.add("dateOfBirth", "The date of birth must be before the date received") }
        let gender = code("gender", gender, .gender, required: true, name: "gender")
        let ethnicity = code("ethnicity", ethnicity, .ethnicity, required: false, name: "ethnicity")
        var home = trimmed(homeLocalAuthority)
        if home == "other" {
            home = trimmed(otherLocalAuthority)?.lowercased().replacingOccurrences(of: " ", with: "-")
            if home == nil { errors.add("otherLocalAuthority", "Enter the home local authority") }
        }
        if home == nil, trimmed(homeLocalAuthority) == nil { errors.add("homeLocalAuthority", "Select the home local authority") }
        if let value = home, !Code.isValid(value) {
            errors.add(trimmed(homeLocalAuthority) == "other" ? "otherLocalAuthority" : "homeLocalAuthority",
                       "Enter the local authority's name in letters, like Kingston upon Thames")
        }
        let types = (exploitationTypes ?? []).filter { !$0.isEmpty }
        if types.contains(where: { codes[.exploitationType]?.contains($0) != true }) {
            errors.add("exploitationTypes", "Select exploitation types from the list")
        }
        let risks = (riskIndicators ?? []).filter { !$0.isEmpty }
        if risks.contains(where: { RiskIndicator(rawValue: $0) == nil }) {
            errors.add("riskIndicators", "Select risk indicators from the list")
        }
        let consentValue = trimmed(consent)
        if consentValue == nil || !Consent.formChoices.map(\.rawValue).contains(consentValue!) {
            errors.add("consent", "Select whether consent was given")
        }
        let details = text("contactDetails", contactDetails, limit: 1000)
        let concernText = text("concerns", concerns, limit: Self.textLimit)

        guard errors.isEmpty, let received, let service, let source, let first, let last, let born, let gender,
              let home, let consentValue else {
            return .failure(errors)
        }
        return .success(Checked(
            received: received, service: service, source: source, organisation: organisation, referrerContact: contact,
            firstName: first, lastName: last, aliases: aliasList, dateOfBirth: born, gender: gender, ethnicity: ethnicity,
            homeLocalAuthority: home, contactDetails: details, exploitationTypes: types, riskIndicators: risks,
            consent: consentValue, concerns: concernText))
    }
}
