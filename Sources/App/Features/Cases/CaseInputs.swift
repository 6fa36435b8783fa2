import Domain
import Fluent
import Vapor

/// A contact as typed on the case page or sent to the API, and its checks: both write the same rows.
struct ContactInput: Sendable {
    var happenedAt: String?
    var kind: String?
    var durationMinutes: Int?
    var present: [String]?
    var notes: String?
    /// Nil when the form's box sent something that is neither ticked nor clear (`TickBox`).
    var sensitive: Bool?

    static let presentChoices = ["young_person", "parent_carer", "professional"]
    static let notesLimit = 10_000

    struct Checked: Sendable {
        let happenedAt: Date
        let kind: Contact.Kind
        let durationMinutes: Int
        let present: [String]
        let notes: String?
        let sensitive: Bool
    }

    /// Field ids are the API's member names; the case page's fields carry the same ids.
    /// `earliest`: the day the case's referral was received; nothing of the case happened before it.
    func check(now: Date, earliest: CivilDate) -> Result<Checked, FieldErrors> {
        var errors = FieldErrors()
        let happened = ImportTimestamp.parse(happenedAt ?? "")
        if happened == nil || happened! > now.addingTimeInterval(300) {
            errors.add("happenedAt", "Enter when the contact happened (not in the future)")
        } else if CivilDate.today(at: happened!) < earliest {
            errors.add("happenedAt", "The contact cannot be before the referral was received (\(earliest))")
        }
        let kind = Contact.Kind(rawValue: self.kind ?? "")
        if kind == nil { errors.add("kind", "Select the type of contact") }
        if durationMinutes.map({ !(0...1440).contains($0) }) ?? true {
            errors.add("durationMinutes", "Enter the duration in minutes, 0 to 1440")
        }
        let present = present ?? []
        if present.contains(where: { !Self.presentChoices.contains($0) }) {
            errors.add("present", "Select who was present: the young person, a parent or carer, a professional")
        }
        let text = (notes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > Self.notesLimit { errors.add("notes", "Notes must be 10,000 characters or fewer") }
        if sensitive == nil { errors.add("sensitive", "Sensitive: tick the box to mark the notes sensitive, or leave it clear") }
        guard errors.isEmpty, let happened, let kind, let durationMinutes, let sensitive else { return .failure(errors) }
        return .success(Checked(happenedAt: happened, kind: kind, durationMinutes: durationMinutes, present: present,
                                notes: text.isEmpty ? nil : text, sensitive: sensitive))
    }
}

extension ContactInput.Checked {
    /// The row to store, its notes sealed.
    func contact(caseID: UUID, recordedBy userID: UUID, cipher: FieldCipher) throws -> Contact {
        let contact = Contact()
        contact.id = UUID()
        contact.$supportCase.id = caseID
        contact.happenedAt = happenedAt
        contact.kind = kind
        contact.durationMinutes = durationMinutes
        contact.present = StoredCodes.join(present)
        contact.notes = try notes.map(cipher.seal)
        contact.sensitive = sensitive
        contact.recordedByID = userID
        return contact
    }
}

/// Outcome measures as typed on the case page or sent to the API: the stage, the date, who gave them, and the
/// measures keyed as the import's columns without their `entry_`/`exit_` prefix (`safety`, `mental_health`…),
/// checked by the import's own rules so that every path stores the same values.
struct MeasuresInput: Sendable {
    var stage: String?
    var recordedOn: String?
    var source: String?
    var cells: [String: String]

    static let sources = ["self_report", "police", "school", "caseworker"]

    struct Checked: Sendable {
        let stage: OutcomeMeasure.Stage
        let recordedOn: CivilDate
        let source: String
        let values: ReferralRow.Measures
    }

    /// `earliest`: the day the case's referral was received; no measure of the case was taken before it.
    func check(codes: [CodeList: Set<String>], today: CivilDate, earliest: CivilDate) -> Result<Checked, FieldErrors> {
        var errors = FieldErrors()
        let stage = OutcomeMeasure.Stage(rawValue: self.stage ?? "")
        if stage == nil { errors.add("stage", "Select entry, review or exit") }
        let recorded = CivilDate(recordedOn ?? "")
        if recorded == nil { errors.add("recordedOn", "Enter the date the measures were taken, such as \(today)") }
        else if recorded! > today { errors.add("recordedOn", "The date the measures were taken cannot be in the future") }
        else if recorded! < earliest { errors.add("recordedOn", "The measures cannot be from before the referral was received (\(earliest))") }
        let source = source.flatMap { $0.isEmpty ? nil : $0 } ?? "caseworker"
        if !Self.sources.contains(source) { errors.add("source", "Select who gave the measures: the young person, the police, a school or the caseworker") }
        guard let stage else { return .failure(errors) }
        let prefix = stage == .entry ? "entry" : "exit"
        var prefixed: [String: String] = [:]
        for (key, value) in cells { prefixed[key == "goal_progress" ? key : "\(prefix)_\(key)"] = value }
        let context = ImportContext(regions: [], codes: codes, today: today)
        switch MeasuresForm.parse(prefixed, isEntry: stage == .entry, context: context) {
        case let .failure(problems):
            for problem in problems.problems {
                let column = problem.column == "goal_progress" ? problem.column : String(problem.column.dropFirst(prefix.count + 1))
                errors.add(column, problem.problem)
            }
            return .failure(errors)
        case let .success(values):
            // A record with no measure in it would count as taken (a review, an exit) while saying nothing.
            if values.isEmpty { errors.add("safety", "Enter at least one measure, such as the feeling of safety") }
            guard errors.isEmpty, let recorded else { return .failure(errors) }
            return .success(Checked(stage: stage, recordedOn: recorded, source: source, values: values))
        }
    }
}

extension MeasuresInput.Checked {
    /// Stores the measures. One entry and one exit per case: a new one replaces the old, so reports count
    /// each case once.
    func save(caseID: UUID, on db: any Database) async throws -> OutcomeMeasure {
        if stage != .review {
            try await OutcomeMeasure.query(on: db).filter(\.$supportCase.$id == caseID).filter(\.$stage == stage).delete()
        }
        let measure = OutcomeMeasure.make(caseID: caseID, stage: stage, on: recordedOn, values: values, source: source)
        measure.id = UUID()
        try await measure.create(on: db)
        try await CaseActivity.refresh(caseID, on: db)
        return measure
    }
}
