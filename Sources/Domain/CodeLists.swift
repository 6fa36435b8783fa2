/// The code lists of SPEC §5, as seeded into the database. Admins may add codes later; these are the
/// codes that CSV files and the JSON API use, so existing codes are never renamed.
public enum CodeList: String, CaseIterable, Sendable {
    case service
    case gender
    case ethnicity
    case referralSource = "referral_source"
    case exploitationType = "exploitation_type"
    case closureReason = "closure_reason"
    case goalProgress = "goal_progress"
    case audience
    /// Where a young person or family was sent when the service could not take them.
    case signposting
    /// The areas of the outcome wheel, scored 1 to 10 (our own areas, from no licensed tool).
    case outcomeArea = "outcome_area"
    /// Training courses staff complete, seeded with those the seed report lists.
    case trainingCourse = "training_course"
    case specialism
    case meetingType = "meeting_type"

    public var label: String {
        switch self {
        case .service: "Service"
        case .gender: "Gender"
        case .ethnicity: "Ethnicity"
        case .referralSource: "Referral source"
        case .exploitationType: "Exploitation type"
        case .closureReason: "Closure reason"
        case .goalProgress: "Goal progress"
        case .audience: "Audience"
        case .signposting: "Signposting destination"
        case .outcomeArea: "Outcome wheel area"
        case .trainingCourse: "Training course"
        case .specialism: "Staff specialism"
        case .meetingType: "Partnership meeting type"
        }
    }

    /// The seeded codes with their labels, in display order.
    public var seed: [(code: String, label: String)] {
        switch self {
        case .service:
            [("support", "Support"), ("rescue", "Rescue")]
        case .gender:
            [("male", "Male"), ("female", "Female"), ("non_binary", "Non-binary"), ("other", "Other"),
             ("not_known", "Not known")]
        case .ethnicity:
            [("asian", "Asian or Asian British"), ("black", "Black, Black British, Caribbean or African"),
             ("mixed", "Mixed or multiple ethnic groups"), ("white", "White"), ("other", "Other ethnic group"),
             ("not_known", "Not known")]
        case .referralSource:
            [("police", "Police"), ("childrens_social_care", "Children's social care"), ("education", "Education"),
             ("youth_justice", "Youth justice"), ("health", "Health"), ("probation", "Probation"),
             ("prison", "Prison"), ("voluntary_sector", "Voluntary sector"), ("family", "Family"),
             ("self", "Self-referral"), ("other", "Other")]
        case .exploitationType:
            [("county_lines", "County lines"), ("criminal_exploitation", "Criminal exploitation"),
             ("sexual_exploitation", "Sexual exploitation"), ("trafficking", "Trafficking"),
             ("cuckooing", "Cuckooing"), ("financial_exploitation", "Financial exploitation"),
             ("online_exploitation", "Online exploitation"), ("gang_association", "Gang association")]
        case .closureReason:
            [("planned", "Planned"), ("disengaged", "Disengaged"), ("moved_away", "Moved away"),
             ("custody", "Custody"), ("transferred", "Transferred"), ("other", "Other")]
        case .goalProgress:
            [("positive", "Positive"), ("none", "None"), ("negative", "Negative")]
        case .audience:
            [("young_people", "Young people"), ("parents_carers", "Parents and carers"),
             ("professionals", "Professionals"), ("mixed", "Mixed")]
        case .signposting:
            [("safecall", "SafeCall"), ("kooth", "Kooth"), ("la_exploitation_team", "The local authority's exploitation team"),
             ("camhs", "CAMHS"), ("youth_justice", "Youth justice service"), ("substance_misuse", "Substance misuse service"),
             ("housing", "Housing"), ("other", "Other")]
        case .outcomeArea:
            [("feeling_safe", "Feeling safe"), ("relationships", "Family and relationships"),
             ("emotional_wellbeing", "Emotional wellbeing"), ("physical_health", "Physical and sexual health"),
             ("education_work", "Education, training and work"), ("daily_living", "Money, housing and daily living"),
             ("staying_out_of_trouble", "Staying out of trouble"), ("drugs_alcohol", "Drugs and alcohol")]
        case .trainingCourse:
            [("lone_working", "Lone working"), ("mental_health_awareness", "Mental health awareness and personal resilience"),
             ("mental_health_first_aid_youth", "Mental health first aid (youth)"), ("online_harms", "Online harms"),
             ("outcome_measurement", "Outcome measurement"), ("professional_boundaries", "Professional boundaries"),
             ("safeguarding", "Safeguarding"), ("substance_misuse", "Substance misuse"),
             ("conflict_management", "Conflict management, de-escalation and personal safety"), ("eating_disorders", "Eating disorders"),
             ("extra_familial_harm", "Extra-familial harm"), ("gender_exploitation", "Gender exploitation"),
             ("gender_identity", "Gender identity and awareness"), ("suicidal_conversations", "Handling suicidal conversations"),
             ("harmful_sexual_behaviour", "Harmful sexual behaviour in young people"), ("hydra", "Hydra"),
             ("modern_slavery_trafficking", "Modern slavery and trafficking"),
             ("health_based_violence_prevention", "Preventing violence against young people using health-based interventions"),
             ("missing_uasc", "Responding to missing unaccompanied asylum-seeking children"), ("sexual_health_ccard", "Sexual health / C-Card"),
             ("gangs_criminal_exploitation", "Understanding gangs and criminal exploitation"),
             ("vawg", "Violence against women and girls")]
        case .specialism:
            [("women_and_girls", "Women and girls"), ("prisons", "Prisons"), ("sexual_health", "Sexual health"),
             ("mental_health", "Mental health"), ("substance_misuse", "Substance misuse"), ("holistic_support", "Holistic and emotional support")]
        case .meetingType:
            [("violence_reduction_partnership", "Violence reduction partnership stakeholder meeting"),
             ("daily_missing_exploitation", "Daily missing and exploitation briefing"),
             ("county_lines_vulnerability", "County lines vulnerability group"),
             ("home_office_evaluation", "Home Office and evaluation partner meeting"),
             ("steering_group", "Internal steering group"), ("other", "Other")]
        }
    }
}

/// A code is lower case letters, digits, hyphens and underscores: safe in CSV, JSON and URLs.
public enum Code {
    public static func isValid(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 64
            && code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}
