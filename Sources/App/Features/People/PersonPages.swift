import Domain
import Fluent
import Vapor

struct PersonPage: Encodable {
    struct CaseRow: Encodable {
        let path: String
        let opened: String
        let closed: String
        let closure: String
        let region: String
    }

    let layout: Layout
    let name: String
    let dateOfBirth: String
    let aliases: [String]
    let hasAliases: Bool
    let referrals: [ReferralRowView]
    let cases: [CaseRow]
    let hasCases: Bool
    let repeatCount: Int
    let elsewhere: Int
    let contactDetails: String?
    let legalHold: Bool
    let canHold: Bool
    let legalHoldPath: String
    let canWrite: Bool
    let subjectAccessPath: String
    let sharingPath: String
    let today: String
    /// The information-sharing and subject-access forms: their fields, kept with their problems after a refusal.
    let fields: Fields
    let errorLinks: [FormErrorLink]?

    struct Fields: Encodable {
        let sharedOn, agency, what, why, lawfulBasis, consentSought, receivedOn, requester: FormField

        init(_ refused: RefusedForm, today: String) {
            sharedOn = refused.field("sharedOn", otherwise: today).drawn("Date shared", as: .date)
            agency = refused.field("agency").drawn("With which agency")
            what = refused.field("what").drawn("What was shared", as: .textarea, ["rows": "2"])
            why = refused.field("why").drawn("Why", as: .textarea, ["rows": "2"])
            let basis = refused.value("lawfulBasis", otherwise: LawfulBasis.safeguarding.rawValue)
            lawfulBasis = refused.field("lawfulBasis").select("Lawful basis", options: LawfulBasis.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.label, selected: $0.rawValue == basis)
            })
            let sought = refused.value("consentSought") == "yes"
            consentSought = refused.field("consentSought").group("Was consent sought?", choices: [
                Choice(id: "consent-yes", value: "yes", label: "Yes", checked: sought),
                Choice(id: "consent-no", value: "no", label: "No", checked: !sought),
            ])
            receivedOn = refused.field("receivedOn", otherwise: today).drawn("Request received on", as: .date)
            requester = refused.field("requester").drawn("Who asked")
        }
    }

    static func make(person: Person, scope: RegionScope, refused: RefusedForm = .none, layout: Layout, cipher: FieldCipher, now: Date, on db: any Database) async throws -> PersonPage {
        let personID = try person.requireID()
        let labels = try await CodeLabels.load(on: db)
        let referrals = try await scope.referrals(on: db).filter(\.$person.$id == personID).with(\.$region)
            .sort(\.$receivedDate, .descending).all()
        let cases = try await scope.cases(on: db).filter(\.$person.$id == personID).with(\.$region)
            .sort(\.$openedDate, .descending).all()
        let allReferrals = try await Referral.query(on: db).filter(\.$person.$id == personID).count()
        return PersonPage(
            layout: layout,
            name: "\(person.firstName) \(person.lastName)", dateOfBirth: person.dateOfBirth,
            aliases: person.aliases.map(\.name), hasAliases: !person.aliases.isEmpty,
            referrals: referrals.map { ReferralRowView($0, labels: labels) },
            cases: cases.map {
                CaseRow(path: SiteURL.supportCase($0.id).path, opened: $0.openedDate, closed: $0.closedDate ?? "Open",
                        closure: $0.closureReason.map(labels.label(.closureReason)) ?? "", region: $0.region.name)
            },
            hasCases: !cases.isEmpty, repeatCount: referrals.filter(\.isRepeat).count,
            elsewhere: allReferrals - referrals.count,
            contactDetails: try person.contactDetails.map(cipher.open),
            legalHold: person.legalHold, canHold: scope.isManager, legalHoldPath: SiteURL.personLegalHold(personID).path,
            canWrite: scope.canWrite, subjectAccessPath: SiteURL.personSubjectAccess(personID).path,
            sharingPath: SiteURL.personInformationSharing(personID).path,
            today: CivilDate.today(at: now).description,
            fields: Fields(refused, today: CivilDate.today(at: now).description), errorLinks: refused.errors.links)
    }
}

struct MergePage: Encodable {
    struct Side: Encodable {
        let id: String
        let name: String
        let dateOfBirth: String
        let aliases: String
        let referrals: Int
        let firstReferred: String
        let path: String
        /// The older record is kept unless the manager chooses otherwise: the newer one is the likelier to be
        /// misspelt, typed in a hurry from a phone call.
        let keptByDefault: Bool
    }

    let layout: Layout
    /// Older first.
    let sides: [Side]
    let reason: String
    let action: String
    let otherID: String

    static func make(keep: Person, other: Person, scope: RegionScope, layout: Layout, on db: any Database) async throws -> MergePage {
        let a = try await firstReferral(of: keep, on: db), b = try await firstReferral(of: other, on: db)
        let keepIsOlder = isOlder(keep, a.first, than: other, b.first)
        func side(_ person: Person, _ facts: (count: Int, first: String), older: Bool) -> Side {
            Side(id: person.id!.uuidString, name: "\(person.firstName) \(person.lastName)", dateOfBirth: person.dateOfBirth,
                 aliases: person.aliases.map(\.name).joined(separator: ", ").nonEmpty ?? "None", referrals: facts.count,
                 firstReferred: facts.first, path: SiteURL.person(person.id).path, keptByDefault: older)
        }
        let sides = keepIsOlder ? [side(keep, a, older: true), side(other, b, older: false)]
            : [side(other, b, older: true), side(keep, a, older: false)]
        var reason = "These records do not look alike: check carefully before merging"
        if let x = PersonMatchQuery.key(of: keep), let y = PersonMatchQuery.key(of: other),
           case let .possible(near)? = PersonMatcher.compare(x, with: y) {
            reason = near.explanation
        }
        return MergePage(layout: layout, sides: sides, reason: reason,
                         action: SiteURL.personMerge(keep.id).path, otherID: other.id!.uuidString)
    }

    /// How many referrals a record has, and the date of its first.
    static func firstReferral(of person: Person, on db: any Database) async throws -> (count: Int, first: String) {
        let referrals = try await Referral.query(on: db).filter(\.$person.$id == person.id!).sort(\.$receivedDate)
            .field(\.$receivedDate).all()
        return (referrals.count, referrals.first?.receivedDate ?? "")
    }

    /// Older: referred first; on the same day, the record made first. The merge keeps it unless the manager says.
    static func isOlder(_ a: Person, _ aFirst: String, than b: Person, _ bFirst: String) -> Bool {
        (aFirst, a.createdAt ?? .distantPast) <= (bFirst, b.createdAt ?? .distantPast)
    }
}
