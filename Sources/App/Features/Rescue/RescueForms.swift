import Domain
import Fluent
import Vapor

/// The rescue form: the call, where they were found, who went, and the young person (the referral's fields).
struct RescueForm: Content {
    var callAt: String?
    var caller: String?
    var callBackAt: String?
    var outOfHours: String?
    var foundPlace: String?
    var policeForceArea: String?
    var dispatchedCaseworker: String?
    var referralSource: String?
    var firstName: String?
    var lastName: String?
    var dateOfBirth: String?
    var gender: String?
    var homeLocalAuthority: String?
    var otherLocalAuthority: String?
    var exploitationTypes: [String]?
    /// "pending" when the young person is not yet identified: saved with `description` and `approximateAge`.
    var identity: String?
    var description: String?
    var approximateAge: String?

    var isPending: Bool { identity == "pending" }

    var referral: ReferralForm {
        var form = ReferralForm()
        form.referralSource = referralSource
        form.firstName = firstName
        form.lastName = lastName
        form.dateOfBirth = dateOfBirth
        form.gender = gender
        form.homeLocalAuthority = homeLocalAuthority
        form.otherLocalAuthority = otherLocalAuthority
        form.exploitationTypes = exploitationTypes
        return form
    }

    /// Checks the call and the young person (by the referral's rules); the caseworker dispatched must work in the
    /// user's region. Used by the rescue form and the API.
    func check(req: Request) async throws -> Result<(ReferralForm.Checked, ReferralIntake.RescueDetails), FieldErrors> {
        var errors = FieldErrors()
        let call = try await checkCall(req: req, errors: &errors)
        let codes = try await ImportReferenceData.load(on: req.db).codes
        var referralForm = referral
        referralForm.service = Service.rescue.rawValue
        referralForm.receivedDate = call.map { CivilDate.today(at: $0.callAt).description } ?? referralForm.receivedDate
        referralForm.consent = referralForm.consent ?? "not_yet_sought"
        let checked = referralForm.check(codes: codes, today: CivilDate.today(at: req.now))
        if case let .failure(more) = checked {
            for (id, message) in more.entries where id != "receivedDate" || call != nil { errors.add(id, message) }
        }
        guard errors.isEmpty, case let .success(valid) = checked, let call else { return .failure(errors) }
        return .success((valid, call))
    }

    /// A rescue before the young person is identified: the call as for any rescue, and what is known of them.
    struct PendingChecked {
        let call: ReferralIntake.RescueDetails
        let source: String
        let description: String
        let approximateAge: Int
    }

    func checkPending(req: Request) async throws -> Result<PendingChecked, FieldErrors> {
        var errors = FieldErrors()
        let call = try await checkCall(req: req, errors: &errors)
        let sources = Set(try await CodeListItem.query(on: req.db).filter(\.$list == CodeList.referralSource.rawValue).all().map(\.code))
        if !sources.contains(referralSource ?? "") { errors.add("referralSource", "Select the referral source") }
        let text = (description ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 1000 {
            errors.add("description", "Describe the young person as far as you know, such as \"a boy about 15, says his name is J\" (up to 1,000 characters)")
        }
        let age = Int((approximateAge ?? "").trimmingCharacters(in: .whitespaces))
        if age.map({ !(8...25).contains($0) }) ?? true { errors.add("approximateAge", "Enter their approximate age, 8 to 25") }
        guard errors.isEmpty, let call, let age, let source = referralSource else { return .failure(errors) }
        return .success(PendingChecked(call: call, source: source, description: text, approximateAge: age))
    }

    /// The call: when, who called, where they were found, who went. Problems are added to `errors`.
    private func checkCall(req: Request, errors: inout FieldErrors) async throws -> ReferralIntake.RescueDetails? {
        let user = try req.requireUser()
        let callAt = ImportTimestamp.parse(self.callAt ?? "")
        if callAt == nil || callAt! > req.now.addingTimeInterval(300) { errors.add("callAt", "Enter when the call came (not in the future)") }
        let caller = (self.caller ?? "").trimmingCharacters(in: .whitespaces)
        if caller.isEmpty || caller.count > 200 { errors.add("caller", "Enter who called, such as British Transport Police (up to 200 characters)") }
        if (foundPlace ?? "").count > 500 { errors.add("foundPlace", "Must be 500 characters or fewer") }
        if (policeForceArea ?? "").count > 100 { errors.add("policeForceArea", "Must be 100 characters or fewer") }
        let callBack = (callBackAt ?? "").isEmpty ? nil : ImportTimestamp.parse(callBackAt!)
        if !(callBackAt ?? "").isEmpty && callBack == nil { errors.add("callBackAt", "Enter the call-back time as a date and time") }
        var dispatched: UUID?
        if let worker = try await CaseLeaders.find(dispatchedCaseworker.flatMap { UUID(uuidString: $0) },
                                                   in: user.regionID ?? UUID(), on: req.db) {
            dispatched = worker.id
        } else {
            errors.add("dispatchedCaseworker", "Select the caseworker dispatched")
        }
        guard let callAt, let dispatched, errors.isEmpty else { return nil }
        return ReferralIntake.RescueDetails(
            callAt: callAt, caller: String(caller.prefix(200)), callBackAt: callBack,
            outOfHours: outOfHours == "yes" || RescueLogPage.isOutOfHours(callAt),
            foundPlace: foundPlace.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) },
            policeForceArea: policeForceArea.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) },
            dispatchedCaseworkerID: dispatched)
    }
}

/// A rescue's progress as typed: when the caseworker left, arrived and got the young person home, how, and the
/// outcome. An empty time leaves the one recorded before.
struct RescueProgressForm: Content {
    var departedAt: String?
    var arrivedAt: String?
    var journeyMode: String?
    var homeAt: String?
    var outcome: String?

    struct Checked {
        let departed: Date?
        let arrived: Date?
        let home: Date?
        let journeyMode: String?
        let outcome: String?
    }

    /// A few minutes' grace for a clock that runs a little behind the server's.
    static let futureGrace: TimeInterval = 300

    func check(against rescue: Rescue, now: Date) -> Result<Checked, FieldErrors> {
        var errors = FieldErrors()
        func time(_ field: String, _ label: String, _ text: String?) -> Date? {
            guard let text, !text.isEmpty else { return nil }
            guard let date = ImportTimestamp.parse(text) else {
                errors.add(field, "\(label): enter a date and time")
                return nil
            }
            if date > now.addingTimeInterval(Self.futureGrace) { errors.add(field, "\(label): cannot be in the future") }
            if let call = rescue.callAt, date < call { errors.add(field, "\(label): cannot be before the call") }
            return date
        }
        let departed = time("departedAt", "Departed", departedAt)
        let arrived = time("arrivedAt", "Arrived", arrivedAt)
        let home = time("homeAt", "Home", homeAt)
        // In order, with what was recorded before standing for what is left empty.
        let left = departed ?? rescue.departedAt, reached = arrived ?? rescue.arrivedAt
        if let reached, let left, reached < left { errors.add("arrivedAt", "Arrived: cannot be before departing") }
        if let home = home ?? rescue.homeAt, let reached, home < reached { errors.add("homeAt", "Home: cannot be before arriving") }
        let mode = journeyMode.flatMap { $0.isEmpty ? nil : $0 }
        if let mode, RescueJourneyMode(rawValue: mode) == nil { errors.add("journeyMode", "Journey home by: choose one of the list") }
        let outcome = outcome.flatMap { $0.isEmpty ? nil : $0 }
        if let outcome, RescueOutcome(rawValue: outcome) == nil { errors.add("outcome", "Outcome: choose one of the list") }
        // The form goes once the outcome is recorded, so an arrival left out then is left out for good.
        if let outcome = outcome.flatMap(RescueOutcome.init(rawValue:)), outcome.needsArrival, reached == nil {
            errors.add("arrivedAt", "Arrived: enter when the caseworker reached the young person before recording the outcome")
        }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(Checked(departed: departed, arrived: arrived, home: home, journeyMode: mode, outcome: outcome))
    }
}
