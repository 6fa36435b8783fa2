import Domain
import Fluent
import Vapor

/// Everything held on a young person, across every region, decrypted: the subject-access export (UK GDPR Art. 15).
struct SubjectAccessExport: Content {
    struct PersonPart: Content {
        let firstName: String
        let lastName: String
        let dateOfBirth: String
        let gender: String
        let ethnicity: String?
        let homeLocalAuthority: String
        let contactDetails: String?
        let aliases: [String]
    }

    struct ReferralPart: Content {
        let ref: String
        let region: String
        let service: String
        let receivedDate: String
        let referralSource: String
        let referrerOrganisation: String?
        let referrerContact: String?
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
        let rescueCallAt: Date?
        let rescueArrivedAt: Date?
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

    struct CasePart: Content {
        let region: String
        let openedDate: String
        let closedDate: String?
        let closureReason: String?
        let outcomeMeasures: [MeasurePart]
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
    let referrals: [ReferralPart]
    let cases: [CasePart]
    let informationShared: [SharePart]

    static func build(personID: UUID, request: SubjectAccessRequest, app: Application, on db: any Database) async throws -> SubjectAccessExport {
        let cipher = app.cipher
        guard let person = try await Person.query(on: db).filter(\.$id == personID).with(\.$aliases).first() else {
            throw Abort(.notFound)
        }
        let referrals = try await Referral.query(on: db).filter(\.$person.$id == personID).with(\.$region)
            .sort(\.$receivedDate).all()
        let rescues = try await Rescue.query(on: db).filter(\.$referral.$id ~~ referrals.compactMap(\.id)).all()
        let cases = try await SupportCase.query(on: db).filter(\.$person.$id == personID).with(\.$region).sort(\.$openedDate).all()
        let measures = try await OutcomeMeasure.query(on: db).filter(\.$supportCase.$id ~~ cases.compactMap(\.id))
            .sort(\.$recordedOn).all()
        let shares = try await InformationShare.query(on: db).filter(\.$person.$id == personID).sort(\.$sharedOn).all()
        return SubjectAccessExport(
            generatedAt: app.clock.now(), requestReceivedOn: request.receivedOn,
            person: PersonPart(firstName: person.firstName, lastName: person.lastName, dateOfBirth: person.dateOfBirth,
                               gender: person.gender, ethnicity: person.ethnicity, homeLocalAuthority: person.homeLocalAuthority,
                               contactDetails: try person.contactDetails.map(cipher.open), aliases: person.aliases.map(\.name)),
            referrals: try referrals.map { r in
                let rescue = rescues.first { $0.$referral.id == r.id }
                return ReferralPart(
                    ref: r.ref, region: r.region.name, service: r.service, receivedDate: r.receivedDate,
                    referralSource: r.referralSource, referrerOrganisation: r.referrerOrganisation,
                    referrerContact: try r.referrerContact.map(cipher.open), exploitationTypes: r.exploitationTypeCodes,
                    riskIndicators: r.riskIndicators.split(separator: ";").map(String.init), consent: r.consent,
                    concerns: try r.concerns.map(cipher.open), eligible: r.eligible,
                    ineligibilityReasons: r.ineligibilityReasons.split(separator: ";").map(String.init), status: r.status.rawValue,
                    notAcceptedReason: try r.notAcceptedReason.map(cipher.open), signpostedTo: r.signpostedTo, signpostedOn: r.signpostedOn,
                    rescueCallAt: rescue?.callAt, rescueArrivedAt: rescue?.arrivedAt)
            },
            cases: cases.map { c in
                CasePart(region: c.region.name, openedDate: c.openedDate, closedDate: c.closedDate, closureReason: c.closureReason,
                         outcomeMeasures: measures.filter { $0.$supportCase.id == c.id }.map { m in
                             MeasurePart(stage: m.stage.rawValue, recordedOn: m.recordedOn, safety: m.safety,
                                         mentalHealth: m.mentalHealth, criminogenicNeed: m.criminogenicNeed,
                                         missingEpisodes: m.missingEpisodes, offences: m.offences,
                                         countyLinesActive: m.countyLinesActive, familyConflict: m.familyConflict, eet: m.eet,
                                         goalProgress: m.goalProgress)
                         })
            },
            informationShared: try shares.map {
                SharePart(sharedOn: $0.sharedOn, agency: $0.agency, what: try cipher.open($0.what), why: try cipher.open($0.why),
                          lawfulBasis: $0.lawfulBasis, consentSought: $0.consentSought)
            })
    }
}
