import Domain
import Fluent
import Vapor

/// Everything held on a young person, across every region, decrypted: the subject-access export (UK GDPR Art. 15).
///
/// "Everything" is the organisation's, not one region's: the person's own record, and every other record of the
/// same folded name and date of birth that a region keeps apart (a region never matches another's young people,
/// so the same child may be held twice). Each part below is one table's rows about them; a new table that holds
/// something about a young person adds a part here, and `SubjectAccessCompletenessTests` and
/// `FreeTextSweepTests` check that every marker written through the pages and the API comes out.
struct SubjectAccessExport: Content {
    struct PersonPart: Content {
        let firstName: String
        let lastName: String
        let dateOfBirth: String
        let gender: String
        let ethnicity: String?
        let homeLocalAuthority: String
        let contactDetails: String?
        let safeContact: String?
        let doNotText: Bool
        let phoneMayBeControlled: Bool
        let legalHold: Bool
        let aliases: [String]
    }

    struct RescuePart: Content {
        let callAt: Date?
        let caller: String?
        let callBackAt: Date?
        let foundPlace: String?
        let policeForceArea: String?
        let departedAt: Date?
        let arrivedAt: Date?
        let journeyMode: String?
        let homeAt: Date?
        let outcome: String?
    }

    struct ReferralPart: Content {
        let ref: String
        let region: String
        let service: String
        let receivedDate: String
        let referralSource: String
        let referrerOrganisation: String?
        let referrerContact: String?
        let firstName: String
        let lastName: String
        let exploitationTypes: [String]
        let riskIndicators: [String]
        let consent: String
        let concerns: String?
        let eligible: Bool
        let ineligibilityReasons: [String]
        let status: String
        let notAcceptedReason: String?
        let signpostedTo: String?
        let signpostedOn: String?
        let rescue: RescuePart?
        let placesAndGroups: [String]
    }

    struct MeasurePart: Content {
        let stage: String
        let recordedOn: String
        let safety: Int?
        let mentalHealth: Int?
        let criminogenicNeed: Int?
        let missingEpisodes: Int?
        let offences: Int?
        let countyLinesActive: Bool?
        let familyConflict: Bool?
        let eet: Bool?
        let goalProgress: String?
    }

    struct ContactPart: Content {
        let happenedAt: Date
        /// `happenedAt` as people read it, UK time.
        let when: String
        let kind: String
        let durationMinutes: Int
        let present: [String]
        let notes: String?
        let sensitive: Bool
    }

    struct RiskPart: Content {
        let ratedAt: Date
        let when: String
        let rating: String
        let reason: String
        let indicators: [String]
    }

    struct GoalPart: Content {
        let area: String
        let description: String
        let status: String
        let progress: Int
    }

    struct WheelPart: Content {
        let stage: String
        let assessedOn: String
        let scores: [String: Int]
        /// The scores as one line, for the document (templates cannot walk a dictionary).
        let summary: String

        init(stage: String, assessedOn: String, scores: [String: Int]) {
            self.stage = stage
            self.assessedOn = assessedOn
            self.scores = scores
            summary = scores.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
    }

    struct RegisterPart: Content {
        let kind: String
        let occurredOn: String
        let fields: [String: String]
        let summary: String

        init(kind: String, occurredOn: String, fields: [String: String]) {
            self.kind = kind
            self.occurredOn = occurredOn
            self.fields = fields
            summary = fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        }
    }

    struct AssignmentPart: Content {
        let caseworker: String
        let assignedAt: Date
    }

    struct CasePart: Content {
        let region: String
        let openedDate: String
        let closedDate: String?
        let closureReason: String?
        let closureNote: String?
        let assignments: [AssignmentPart]
        let contacts: [ContactPart]
        let riskRatings: [RiskPart]
        let goals: [GoalPart]
        let outcomeWheel: [WheelPart]
        let registers: [RegisterPart]
        let outcomeMeasures: [MeasurePart]
    }

    /// A partnership meeting where one of their cases was discussed: its notes and actions may be about them.
    struct MeetingPart: Content {
        let heldOn: String
        let type: String
        let agencies: String
        let notes: String
        let actions: [String]
    }

    struct SharePart: Content {
        let sharedOn: String
        let agency: String
        let what: String
        let why: String
        let lawfulBasis: String
        let consentSought: Bool
    }

    let generatedAt: Date
    let requestReceivedOn: String
    let person: PersonPart
    /// Records of the same name and date of birth kept apart by other regions, with their own details.
    let otherRecords: [PersonPart]
    let referrals: [ReferralPart]
    let cases: [CasePart]
    let meetings: [MeetingPart]
    let informationShared: [SharePart]
    let attachments: [AttachmentPart]

    /// The person and every record of the same folded name and date of birth, anywhere: who the export covers.
    /// Without `separate` (a national lead judged those to be someone else), the person alone.
    static func records(of personID: UUID, separate: Bool = true, on db: any Database) async throws -> [UUID] {
        guard let person = try await Person.find(personID, on: db) else { throw Abort(.notFound) }
        guard separate, !person.foldedFirst.isEmpty || !person.foldedLast.isEmpty else { return [personID] }
        let same = try await Person.query(on: db).filter(\.$foldedFirst == person.foldedFirst)
            .filter(\.$foldedLast == person.foldedLast).filter(\.$dateOfBirth == person.dateOfBirth)
            .filter(\.$mergedIntoID == nil).all(\.$id)
        return [personID] + same.filter { $0 != personID }
    }

    /// The regions holding any referral or case of these records.
    static func regions(of personIDs: [UUID], on db: any Database) async throws -> Set<UUID> {
        Set(try await Referral.query(on: db).filter(\.$person.$id ~~ personIDs).all(\.$region.$id))
            .union(try await SupportCase.query(on: db).filter(\.$person.$id ~~ personIDs).all(\.$region.$id))
    }

    static func build(personID: UUID, request: SubjectAccessRequest, cipher: FieldCipher, now: Date,
                      on db: any Database) async throws -> SubjectAccessExport {
        func open(_ sealed: String?) throws -> String? { try sealed.flatMap { $0.isEmpty ? nil : try cipher.open($0) } }
        let ids = try await records(of: personID, separate: !request.separateRecordsExcluded, on: db)
        let people = try await Person.query(on: db).filter(\.$id ~~ ids).with(\.$aliases).all()
        guard let person = people.first(where: { $0.id == personID }) else { throw Abort(.notFound) }
        func part(_ person: Person) throws -> PersonPart {
            PersonPart(firstName: person.firstName, lastName: person.lastName, dateOfBirth: person.dateOfBirth,
                       gender: person.gender, ethnicity: person.ethnicity, homeLocalAuthority: person.homeLocalAuthority,
                       contactDetails: try open(person.contactDetails), safeContact: try open(person.safeContact),
                       doNotText: person.doNotText, phoneMayBeControlled: person.phoneMayBeControlled,
                       legalHold: person.legalHold, aliases: person.aliases.map(\.name))
        }
        let referrals = try await Referral.query(on: db).filter(\.$person.$id ~~ ids).with(\.$region).sort(\.$receivedDate).all()
        let referralIDs = referrals.compactMap(\.id)
        let rescues = try await Rescue.query(on: db).filter(\.$referral.$id ~~ referralIDs).all()
        let links = try await ContextLink.query(on: db).filter(\.$referral.$id ~~ referralIDs).with(\.$context).all()
        let cases = try await SupportCase.query(on: db).filter(\.$person.$id ~~ ids).with(\.$region).sort(\.$openedDate).all()
        let caseIDs = cases.compactMap(\.id)
        let casework = try await CaseRecordsForExport.load(caseIDs, on: db)
        let shares = try await InformationShare.query(on: db).filter(\.$person.$id ~~ ids).sort(\.$sharedOn).all()
        let meetingIDs = Set(try await MeetingCase.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).all().map(\.$meeting.id))
        let meetings = try await PartnershipMeeting.query(on: db).filter(\.$id ~~ meetingIDs).sort(\.$heldOn).all()
        let actions = try await MeetingAction.query(on: db).filter(\.$meeting.$id ~~ meetingIDs).all()
        let attachments = try await attachmentParts(cases: cases, referrals: referrals, cipher: cipher, on: db)
        return SubjectAccessExport(
            generatedAt: now, requestReceivedOn: request.receivedOn, person: try part(person),
            otherRecords: try people.filter { $0.id != personID }.map(part),
            referrals: try referrals.map { r in
                let rescue = try rescues.first { $0.$referral.id == r.id }.map { rescue in
                    RescuePart(callAt: rescue.callAt, caller: try open(rescue.caller), callBackAt: rescue.callBackAt,
                               foundPlace: try open(rescue.foundPlace), policeForceArea: rescue.policeForceArea,
                               departedAt: rescue.departedAt, arrivedAt: rescue.arrivedAt, journeyMode: rescue.journeyMode,
                               homeAt: rescue.homeAt, outcome: rescue.outcome)
                }
                return ReferralPart(
                    ref: r.ref, region: r.region.name, service: r.service, receivedDate: r.receivedDate,
                    referralSource: r.referralSource, referrerOrganisation: r.referrerOrganisation,
                    referrerContact: try open(r.referrerContact), firstName: r.firstName, lastName: r.lastName,
                    exploitationTypes: r.exploitationTypeCodes,
                    riskIndicators: StoredCodes.split(r.riskIndicators), consent: r.consent,
                    concerns: try open(r.concerns), eligible: r.eligible,
                    ineligibilityReasons: StoredCodes.split(r.ineligibilityReasons), status: r.status.rawValue,
                    notAcceptedReason: try open(r.notAcceptedReason), signpostedTo: r.signpostedTo, signpostedOn: r.signpostedOn,
                    rescue: rescue, placesAndGroups: links.filter { $0.$referral.id == r.id }.map(\.context.name))
            },
            cases: try cases.map { try casework.part(of: $0, cipher: cipher) },
            meetings: try meetings.map { meeting in
                MeetingPart(heldOn: meeting.heldOn, type: meeting.type, agencies: meeting.agencies,
                            notes: try open(meeting.notes) ?? "",
                            actions: try actions.filter { $0.$meeting.id == meeting.id }.map {
                                "\(try open($0.description) ?? "") (\($0.owner)\($0.dueOn.map { ", due \($0)" } ?? ""))"
                            })
            },
            informationShared: try shares.map {
                SharePart(sharedOn: $0.sharedOn, agency: try cipher.openUnlessEmptied($0.agency),
                          what: try cipher.openUnlessEmptied($0.what), why: try cipher.openUnlessEmptied($0.why),
                          lawfulBasis: $0.lawfulBasis, consentSought: $0.consentSought)
            },
            attachments: attachments)
    }

    /// Every free text of the export that may name other people, titled for the redaction review.
    var narratives: [(title: String, text: String)] {
        var texts: [(String, String)] = []
        func add(_ title: String, _ text: String?) { if let text, !text.isEmpty { texts.append((title, text)) } }
        for record in [person] + otherRecords {
            add("Contact details", record.contactDetails)
            add("Safe contact", record.safeContact)
        }
        for referral in referrals {
            add("Concerns on referral \(referral.ref)", referral.concerns)
            add("Referrer's contact on referral \(referral.ref)", referral.referrerContact)
            add("Decision on referral \(referral.ref)", referral.notAcceptedReason)
            add("Where found, referral \(referral.ref)", referral.rescue?.foundPlace)
        }
        for episode in cases {
            let name = "case opened \(episode.openedDate)"
            add("Closure note, \(name)", episode.closureNote)
            for contact in episode.contacts { add("Contact on \(DateFormats.display.string(from: contact.happenedAt)), \(name)", contact.notes) }
            for rating in episode.riskRatings { add("Risk rated \(rating.rating) on \(DateFormats.display.string(from: rating.ratedAt)), \(name)", rating.reason) }
            for goal in episode.goals { add("Goal, \(name)", goal.description) }
            for entry in episode.registers {
                add("\(entry.kind.replacingOccurrences(of: "_", with: " ").capitalized) on \(entry.occurredOn), \(name)", entry.summary)
            }
        }
        for meeting in meetings {
            add("Partnership meeting on \(meeting.heldOn)", ([meeting.notes] + meeting.actions).filter { !$0.isEmpty }.joined(separator: "\n"))
        }
        for share in informationShared { add("Shared with \(share.agency) on \(share.sharedOn)", share.what + " — " + share.why) }
        return texts
    }
}
