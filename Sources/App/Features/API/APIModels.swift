import Domain
import Foundation

/// The API's JSON shapes. Narrative fields (concerns, contact details, referrer contact) may be sent but are
/// never sent back in lists; the people who may read them read them on the case page.
struct ReferralJSON: Encodable {
    struct Screening: Encodable {
        struct Reason: Encodable {
            let code: String
            let explanation: String
        }
        let eligible: Bool
        let reasons: [Reason]
    }

    let id: UUID
    let ref: String
    let region: String
    let service: String
    let receivedDate: String
    let referralSource: String
    let referrerOrganisation: String?
    let personId: UUID
    let firstName: String
    let lastName: String
    let dateOfBirth: String
    let ageAtReferral: Int
    let gender: String
    let ethnicity: String?
    let homeLocalAuthority: String
    let exploitationTypes: [String]
    let riskIndicators: [String]
    let consent: String
    let status: String
    let repeatReferral: Bool
    let screening: Screening

    init(_ referral: Referral, regionCode: String) {
        id = referral.id!
        ref = referral.ref
        region = regionCode
        service = referral.service
        receivedDate = referral.receivedDate
        referralSource = referral.referralSource
        referrerOrganisation = referral.referrerOrganisation
        personId = referral.$person.id
        firstName = referral.firstName
        lastName = referral.lastName
        dateOfBirth = referral.dateOfBirth
        ageAtReferral = referral.ageAtReferral
        gender = referral.gender
        ethnicity = referral.ethnicity
        homeLocalAuthority = referral.homeLocalAuthority
        exploitationTypes = Self.list(referral.exploitationTypes)
        riskIndicators = Self.list(referral.riskIndicators)
        consent = referral.consent
        status = referral.status.rawValue
        repeatReferral = referral.isRepeat
        let reasons = Self.list(referral.ineligibilityReasons).compactMap(Eligibility.Reason.init(rawValue:))
        screening = Screening(eligible: referral.eligible,
                              reasons: reasons.map { .init(code: $0.rawValue, explanation: $0.explanation) })
    }

    static func list(_ joined: String) -> [String] { StoredCodes.split(joined) }
}

/// What `POST /referrals` answers: the referral as stored, with its screening, and who the young person was
/// matched to. Near matches are listed for a person to judge; they are never merged here.
struct CreatedReferralJSON: Encodable {
    let referral: ReferralJSON
    let matchedExistingPerson: Bool
    let possibleDuplicates: [PersonJSON]
    let heldByAnotherRegion: Bool
}

struct PersonJSON: Encodable {
    let id: UUID
    let firstName: String
    let lastName: String
    let dateOfBirth: String
    /// `same` (the same folded name and date of birth) or `possible` (a near match to check).
    let match: String
    let possibleDuplicate: Bool
    let nearMatch: String?
    let explanation: String?

    init(_ candidate: PersonMatchQuery.Candidate) {
        id = candidate.person.id!
        firstName = candidate.person.firstName
        lastName = candidate.person.lastName
        dateOfBirth = candidate.person.dateOfBirth
        switch candidate.result {
        case .same:
            match = "same"
            possibleDuplicate = false
            nearMatch = nil
            explanation = nil
        case let .possible(near):
            match = "possible"
            possibleDuplicate = true
            nearMatch = near.rawValue
            explanation = near.explanation
        }
    }
}

struct CaseSummaryJSON: Encodable {
    let id: UUID
    let region: String
    let personId: UUID
    let referralId: UUID
    let leadCaseworkerId: UUID?
    let openedDate: String
    let closedDate: String?
    let closureReason: String?
    let status: String
    let closureAwaitingApproval: Bool

    init(_ supportCase: SupportCase, regionCode: String) {
        id = supportCase.id!
        region = regionCode
        personId = supportCase.$person.id
        referralId = supportCase.$referral.id
        leadCaseworkerId = supportCase.$leadCaseworker.id
        openedDate = supportCase.openedDate
        closedDate = supportCase.closedDate
        closureReason = supportCase.closureReason
        status = supportCase.isOpen ? "open" : "closed"
        closureAwaitingApproval = supportCase.isOpen && supportCase.closureRequestedReason != nil
    }
}

struct CaseJSON: Encodable {
    let summary: CaseSummaryJSON
    let youngPerson: YoungPerson
    let riskRating: String?
    let contacts: [ContactJSON]
    let outcomeMeasures: [MeasuresJSON]

    struct YoungPerson: Encodable {
        let id: UUID
        let firstName: String
        let lastName: String
        let dateOfBirth: String
    }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(youngPerson, forKey: .youngPerson)
        try container.encode(riskRating, forKey: .riskRating)
        try container.encode(contacts, forKey: .contacts)
        try container.encode(outcomeMeasures, forKey: .outcomeMeasures)
    }

    private enum CodingKeys: String, CodingKey { case youngPerson, riskRating, contacts, outcomeMeasures }
}

struct ContactJSON: Encodable {
    let id: UUID
    let happenedAt: Date
    let kind: String
    let durationMinutes: Int
    let present: [String]
    let sensitive: Bool
    /// Null when there are none, or when the note is sensitive and the caller is not its case's lead
    /// caseworker or a manager of its region (`notesWithheld` then says so).
    let notes: String?
    let notesWithheld: Bool

    init(_ contact: Contact, notes: String?, withheld: Bool) {
        id = contact.id!
        happenedAt = contact.happenedAt
        kind = contact.kind.rawValue
        durationMinutes = contact.durationMinutes
        present = ReferralJSON.list(contact.present)
        sensitive = contact.sensitive
        self.notes = withheld ? nil : notes
        notesWithheld = withheld
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(happenedAt, forKey: .happenedAt)
        try container.encode(kind, forKey: .kind)
        try container.encode(durationMinutes, forKey: .durationMinutes)
        try container.encode(present, forKey: .present)
        try container.encode(sensitive, forKey: .sensitive)
        try container.encode(notes, forKey: .notes)
        try container.encode(notesWithheld, forKey: .notesWithheld)
    }

    private enum CodingKeys: String, CodingKey { case id, happenedAt, kind, durationMinutes, present, sensitive, notes, notesWithheld }
}

/// Measures not taken are left out (the document does not require them).
struct MeasuresJSON: Encodable {
    let id: UUID
    let stage: String
    let recordedOn: String
    let source: String
    let safety: Int?
    let mentalHealth: Int?
    let criminogenicNeed: Int?
    let missingEpisodes: Int?
    let offences: Int?
    let countyLinesActive: Bool?
    let familyConflict: Bool?
    let eet: Bool?
    let goalProgress: String?

    init(_ measure: OutcomeMeasure) {
        id = measure.id!
        stage = measure.stage.rawValue
        recordedOn = measure.recordedOn
        source = measure.source
        safety = measure.safety
        mentalHealth = measure.mentalHealth
        criminogenicNeed = measure.criminogenicNeed
        missingEpisodes = measure.missingEpisodes
        offences = measure.offences
        countyLinesActive = measure.countyLinesActive
        familyConflict = measure.familyConflict
        eet = measure.eet
        goalProgress = measure.goalProgress
    }
}

struct RescueJSON: Encodable {
    let id: UUID
    let callAt: Date?
    let caller: String?
    let outOfHours: Bool
    let dispatchedCaseworkerId: UUID?
    let referral: ReferralJSON
}
