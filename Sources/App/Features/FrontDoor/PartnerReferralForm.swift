import Domain
import Vapor

/// The partners' form as typed (kept when refused), for both paths, and its checks. Everything a partner may
/// leave out is optional: the triager completes the referral after calling back.
struct PartnerReferralForm: Content {
    var referrerName: String?
    var referrerOrganisation: String?
    var referrerPhone: String?
    var referrerEmail: String?
    var referralSource: String?
    var who: String?
    var whereNow: String?
    var whereNowArea: String?
    var homeLocalAuthority: String?
    var firstName: String?
    var lastName: String?
    var aliases: String?
    var dateOfBirth: String?
    var gender: String?
    var ethnicity: String?
    var contactDetails: String?
    var exploitationTypes: [String]?
    var riskIndicators: [String]?
    var consent: String?
    var concerns: String?
    /// The honeypot: hidden from people (and from screen readers), filled in only by robots.
    var website: String?
    /// The form's one-time key, made with the page: the same form sent twice is kept once.
    var submission: String?

    /// The key as sent, when it is one this service could have made.
    var submissionKey: String? { submission.flatMap(UUID.init(uuidString:))?.uuidString }

    /// Nobody types control characters (a NUL, an escape), invisible formatting (right-to-left overrides that
    /// disguise text, zero-width spaces) or line separators: dropped from every field before anything is checked,
    /// stored or shown again. Line breaks and tabs stay.
    func cleaned() -> PartnerReferralForm {
        func clean(_ text: String?) -> String? {
            text.map { String(String.UnicodeScalarView($0.unicodeScalars.filter { scalar in
                if scalar == "\n" || scalar == "\r" || scalar == "\t" { return true }
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return false
                default: return true
                }
            })) }
        }
        var form = self
        for path in [\PartnerReferralForm.referrerName, \.referrerOrganisation, \.referrerPhone, \.referrerEmail, \.referralSource,
                     \.who, \.whereNow, \.whereNowArea, \.homeLocalAuthority, \.firstName, \.lastName, \.aliases,
                     \.dateOfBirth, \.gender, \.ethnicity, \.contactDetails, \.consent, \.concerns] {
            form[keyPath: path] = clean(form[keyPath: path])
        }
        return form
    }

    /// Each field as its length error names it.
    static let names: [String: String] = [
        "who": "The name or description", "whereNow": "Where they are now", "firstName": "The first name",
        "lastName": "The last name", "contactDetails": "How to contact them", "concerns": "What you are worried about",
        "referrerName": "Your name", "referrerOrganisation": "Your organisation", "referrerPhone": "The phone number",
        "referrerEmail": "The email address",
    ]

    /// The value of the area lists for "somewhere else in the UK": a place in no region's list.
    static let elsewhere = "elsewhere"

    /// The checked content, or the problems by field id in the order the form shows them.
    /// `areas` are the local authority codes the lists offer.
    func check(_ path: PartnerReferralPath, codes: [CodeList: Set<String>], areas: Set<String>,
               today: CivilDate) -> Result<PartnerReferralContent, FieldErrors> {
        var errors = FieldErrors()
        func text(_ id: String, _ value: String?, required: String? = nil, limit: Int = 200) -> String? {
            guard let text = value?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                if let required { errors.add(id, required) }
                return nil
            }
            // Counted as the body counts them (code points), so that every field at its longest fits the body limit.
            if text.unicodeScalars.count > limit {
                let name = (path == .urgent && id == "concerns") ? "Anything else" : Self.names[id] ?? "This"
                errors.add(id, "\(name) must be \(limit.formatted()) characters or fewer")
            }
            return text
        }
        func area(_ id: String, _ value: String?) -> String? {
            guard let value = text(id, value), value != Self.elsewhere else { return nil }
            guard areas.contains(value) else { errors.add(id, "Select an area from the list"); return nil }
            return value
        }
        func code(_ id: String, _ value: String?, _ list: CodeList, name: String) -> String? {
            guard let value = text(id, value) else { return nil }
            guard codes[list]?.contains(value) == true else { errors.add(id, "Select \(name) from the list"); return nil }
            return value
        }
        var content = PartnerReferralContent(referrerName: "", referrerOrganisation: "", referrerPhone: "")
        if path == .urgent {
            content.who = text("who", who, required: "Enter the young person's name, or describe them", limit: 500)
            content.whereNow = text("whereNow", whereNow, required: "Enter where the young person is now", limit: 500)
        } else {
            content.firstName = text("firstName", firstName, required: "Enter the young person's first name", limit: 100)
            content.lastName = text("lastName", lastName, required: "Enter the young person's last name", limit: 100)
            for (id, name) in [("firstName", content.firstName), ("lastName", content.lastName)]
            where name.map(NameFolding.hasLetters) == false {
                errors.add(id, "Enter the name in letters, as the young person gives it")
            }
            let aliasList = (aliases ?? "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if aliasList.count > 20 || aliasList.contains(where: { $0.count > 100 }) {
                errors.add("aliases", "Enter at most 20 names, each 100 characters or fewer")
            }
            content.aliases = aliasList.isEmpty ? nil : aliasList
            if let born = text("dateOfBirth", dateOfBirth) {
                if let date = CivilDate(born), date <= today, date.age(on: today) < 120 {
                    content.dateOfBirth = date.description
                } else {
                    errors.add("dateOfBirth", "Enter a real date of birth in the past, like 2009-03-27, or leave it empty")
                }
            }
            content.gender = code("gender", gender, .gender, name: "a gender")
            content.ethnicity = code("ethnicity", ethnicity, .ethnicity, name: "an ethnicity")
            content.whereNow = text("whereNow", whereNow, limit: 500)
        }
        content.whereNowArea = area("whereNowArea", whereNowArea)
        content.homeLocalAuthority = area("homeLocalAuthority", homeLocalAuthority)
        if path == .full {
            content.contactDetails = text("contactDetails", contactDetails, limit: 1000)
            let types = (exploitationTypes ?? []).filter { !$0.isEmpty }
            if types.count > 20 || types.contains(where: { codes[.exploitationType]?.contains($0) != true }) {
                errors.add("exploitationTypes", "Select the kinds of exploitation from the list")
            }
            content.exploitationTypes = Array(Set(types)).sorted()
            let risks = (riskIndicators ?? []).filter { !$0.isEmpty }
            if risks.contains(where: { RiskIndicator(rawValue: $0) == nil }) || risks.count > 20 {
                errors.add("riskIndicators", "Select the signs from the list")
            }
            content.riskIndicators = Array(Set(risks)).sorted()
            if let value = text("consent", consent), Consent.formChoices.map(\.rawValue).contains(value) {
                content.consent = value
            } else {
                errors.add("consent", "Select whether the young person agreed to this referral")
            }
        }
        content.concerns = text("concerns", concerns, limit: path == .urgent ? 2000 : ReferralForm.textLimit)
        content.referrerName = text("referrerName", referrerName, required: "Enter your name", limit: 200) ?? ""
        content.referrerOrganisation = text("referrerOrganisation", referrerOrganisation,
                                            required: "Enter your organisation", limit: 200) ?? ""
        if path == .full {
            content.referralSource = code("referralSource", referralSource, .referralSource, name: "your kind of organisation")
            if content.referralSource == nil, errors["referralSource"] == nil {
                errors.add("referralSource", "Select your kind of organisation")
            }
        }
        content.referrerPhone = text("referrerPhone", referrerPhone, required: "Enter a number we can call you back on", limit: 30) ?? ""
        if !content.referrerPhone.isEmpty, !Self.isPhoneNumber(content.referrerPhone) {
            errors.add("referrerPhone", "Enter a phone number, like 07700 900 982 or +44 20 7946 0000")
        }
        content.referrerEmail = text("referrerEmail", referrerEmail, required: path == .full ? "Enter your work email address" : nil,
                                     limit: 254)
        if let email = content.referrerEmail, PartnerDomainTrust.domain(of: email) == nil || email.hasPrefix("@")
            || email.filter({ $0 == "@" }).count != 1 || email.contains(where: \.isWhitespace) {
            errors.add("referrerEmail", "Enter an email address, like name@example.police.uk")
        }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(content)
    }

    /// Digits with the spaces, brackets, dashes and leading `+` people type: 7 to 15 digits (E.164's most).
    static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        let allowed = text.enumerated().allSatisfy { index, character in
            (character.isASCII && character.isNumber) || " ()-".contains(character) || (character == "+" && index == 0)
        }
        return allowed && (7...15).contains(digits)
    }
}
