import Domain
import Fluent
import Vapor

/// Records a referral from a checked form: matches the young person (the same folded name and date of birth
/// is the same person; near matches are left for a person to judge), screens it by the rules, stores the
/// result and its reasons, and audits it. One transaction. Used by the web form and the API.
enum ReferralIntake {
    /// The rescue request's details, when the referral is a rescue logged from the rescue form.
    struct RescueDetails: Sendable {
        var callAt: Date
        var caller: String
        var callBackAt: Date?
        var outOfHours: Bool
        var foundPlace: String?
        var policeForceArea: String?
        var dispatchedCaseworkerID: UUID?
        /// The rescue saved before the young person was identified: its alert carries on as this rescue's, rather
        /// than a second alert about the same call.
        var continuing: UUID? = nil
    }

    /// `within` runs in the same transaction once the referral is stored (the API keeps its idempotent answer
    /// there, so a referral and the record of having answered for it are written together or not at all).
    static func create(_ form: ReferralForm.Checked, rescueDetails: RescueDetails? = nil, user: CurrentUser, req: Request,
                       within: (@Sendable (any Database, Referral) async throws -> Void)? = nil) async throws -> Referral {
        guard let regionID = user.regionID, let regionCode = user.regionCode else { throw Abort(.forbidden) }
        let cipher = try req.application.cipher
        let sealedConcerns = try form.concerns.map(cipher.seal)
        let sealedContact = try form.referrerContact.map(cipher.seal)
        let sealedDetails = try form.contactDetails.map(cipher.seal)
        let sealedPlace = try rescueDetails?.foundPlace.map(cipher.seal)
        let sealedCaller = try rescueDetails.map { try cipher.seal($0.caller) }
        let key = PersonKey(firstName: form.firstName, lastName: form.lastName, dateOfBirth: form.dateOfBirth, aliases: form.aliases)
        let now = req.now
        let entryTemplate = req.auditEntry(.referralCreated, objectType: .referral, region: regionCode)
        return try await req.write { db in
            let authorities = Set(try await LocalAuthority.query(on: db).filter(\.$region.$id == regionID).all().map(\.code))
            // Only the region's own young people are matched: knowing a name and a date of birth must not attach
            // this referral (and this user) to a young person another region holds (SPEC §1).
            let matches = try await PersonMatchQuery.matches(for: key, within: .regions([regionID]), on: db)
            let person: Person
            if let same = matches.same {
                person = same
            } else {
                person = Person.make(firstName: form.firstName, lastName: form.lastName, dateOfBirth: form.dateOfBirth,
                                     gender: form.gender, ethnicity: form.ethnicity, homeLocalAuthority: form.homeLocalAuthority,
                                     regionID: regionID)
                try await person.create(on: db)
            }
            let personID = try person.requireID()
            if let sealedDetails { person.contactDetails = sealedDetails; try await person.save(on: db) }
            let knownAliases = Set(try await PersonAlias.query(on: db).filter(\.$person.$id == personID).all().map(\.folded))
            for alias in form.aliases where !knownAliases.contains(NameFolding.fold(alias)) {
                try await PersonAlias(personID: personID, name: alias, folded: NameFolding.fold(alias)).create(on: db)
            }
            let eligibility = Eligibility.assess(received: form.received, dateOfBirth: form.dateOfBirth,
                                                 homeLocalAuthority: form.homeLocalAuthority,
                                                 regionLocalAuthorities: authorities, exploitationTypes: form.exploitationTypes)
            let closings = try await SupportCase.query(on: db).filter(\.$person.$id == personID).filter(\.$closedDate != nil)
                .field(\.$closedDate).all().compactMap { $0.closedDate.flatMap(CivilDate.init) }
            let referral = Referral()
            referral.id = UUID()
            referral.ref = "REF-" + referral.id!.uuidString.prefix(8)
            referral.$region.id = regionID
            referral.service = form.service
            referral.receivedDate = form.received.description
            referral.referralSource = form.source
            referral.referrerOrganisation = form.organisation
            referral.referrerContact = sealedContact
            referral.$person.id = personID
            referral.firstName = form.firstName
            referral.lastName = form.lastName
            referral.dateOfBirth = form.dateOfBirth.description
            referral.ageAtReferral = form.dateOfBirth.age(on: form.received)
            referral.gender = form.gender
            referral.ethnicity = form.ethnicity
            referral.homeLocalAuthority = form.homeLocalAuthority
            referral.exploitationTypes = StoredCodes.join(form.exploitationTypes)
            referral.riskIndicators = StoredCodes.join(form.riskIndicators)
            referral.consent = form.consent
            referral.concerns = sealedConcerns
            referral.eligible = eligibility.isEligible
            referral.ineligibilityReasons = StoredCodes.join(eligibility.reasons.map(\.rawValue))
            referral.firstIneligibilityReason = eligibility.firstReason?.rawValue
            referral.isRepeat = RepeatReferral.isRepeat(received: form.received, caseClosings: closings)
            referral.status = .awaitingScreening
            referral.createdByID = user.id
            try await referral.create(on: db)
            if form.service == Service.rescue.rawValue {
                let rescue = Rescue()
                rescue.$referral.id = referral.id!
                if let details = rescueDetails {
                    rescue.callAt = details.callAt
                    rescue.caller = sealedCaller
                    rescue.callBackAt = details.callBackAt
                    rescue.outOfHours = details.outOfHours
                    rescue.foundPlace = sealedPlace
                    rescue.policeForceArea = details.policeForceArea
                    rescue.dispatchedCaseworkerID = details.dispatchedCaseworkerID
                }
                try await rescue.create(on: db)
                var rescueEntry = entryTemplate
                rescueEntry.action = .rescueRecorded
                rescueEntry.objectType = .rescue
                rescueEntry.objectID = rescue.id!.uuidString
                try await Audit.append(rescueEntry, on: db, at: now)
                // A call happening now (not one logged afterwards): whoever is on call hears of it until a
                // caseworker is on the way.
                if let pending = rescueDetails?.continuing {
                    try await AlertBook.carryOver(.rescueWaiting, from: pending, to: rescue.id!, on: db)
                } else if let details = rescueDetails, details.callAt > now.addingTimeInterval(-6 * 3600) {
                    try await AlertBook.raise(.rescueWaiting, subject: rescue.id!, episode: "call", regionID: referral.$region.id,
                                              now: now, on: db)
                }
            }
            var entry = entryTemplate
            entry.objectID = referral.id!.uuidString
            entry.detail = (eligibility.isEligible ? "eligible" : "not eligible: " + referral.ineligibilityReasons)
                + (matches.same != nil ? "; matched an existing person" : "; new person")
                + (matches.heldElsewhere ? "; another region holds a young person of this name and date of birth" : "")
            try await Audit.append(entry, on: db, at: now)
            try await within?(db, referral)
            return referral
        }
    }
}
