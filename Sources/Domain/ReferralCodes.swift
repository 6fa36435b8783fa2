/// Fixed choices on the referral form that reports do not count, so they live in code rather than in the
/// admins' code lists.
public enum RiskIndicator: String, CaseIterable, Sendable {
    case goingMissing = "going_missing"
    case foundOutOfArea = "found_out_of_area"
    case drugsOrCash = "drugs_or_cash"
    case extraPhones = "extra_phones"
    case weapons
    case injuries
    case olderAssociates = "older_associates"
    case excludedFromSchool = "excluded_from_school"
    case debtBondage = "debt_bondage"
    case homeTakenOver = "home_taken_over"

    public var label: String {
        switch self {
        case .goingMissing: "Going missing"
        case .foundOutOfArea: "Found outside their home area"
        case .drugsOrCash: "Found with drugs or unexplained cash"
        case .extraPhones: "Has several phones or is always on the phone"
        case .weapons: "Carrying weapons"
        case .injuries: "Unexplained injuries"
        case .olderAssociates: "Associating with older people or gang members"
        case .excludedFromSchool: "Excluded from school or not in education"
        case .debtBondage: "Owes a debt to exploiters"
        case .homeTakenOver: "Home taken over by others (cuckooing)"
        }
    }
}

/// Whether the young person (or, for a younger child, their parent or carer) agreed to the referral.
public enum Consent: String, CaseIterable, Sendable {
    case given
    case refused
    case notYetSought = "not_yet_sought"
    case notRecorded = "not_recorded"

    public var label: String {
        switch self {
        case .given: "Given"
        case .refused: "Refused"
        case .notYetSought: "Not yet sought"
        case .notRecorded: "Not recorded (imported)"
        }
    }

    /// The choices offered on the form (imports alone say "not recorded").
    public static var formChoices: [Consent] { [.given, .refused, .notYetSought] }
}

/// The lawful basis for sharing information about a young person with another agency.
public enum LawfulBasis: String, CaseIterable, Sendable {
    case safeguarding
    case consent
    case legalObligation = "legal_obligation"
    case vitalInterests = "vital_interests"
    case publicTask = "public_task"

    public var label: String {
        switch self {
        case .safeguarding: "Safeguarding of children and individuals at risk (DPA 2018, Sch. 1 para 18)"
        case .consent: "Consent of the young person (or parent or carer)"
        case .legalObligation: "A legal obligation or court order"
        case .vitalInterests: "Vital interests: to protect someone's life"
        case .publicTask: "A public task of the receiving agency"
        }
    }
}
