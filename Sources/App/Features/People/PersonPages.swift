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
    let merged: Bool
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
    let lawfulBases: [SelectOption]
    let today: String

    static func make(req: Request, person: Person, scope: RegionScope) async throws -> PersonPage {
        let personID = try person.requireID()
        let labels = try await Labels.load(on: req.db)
        let referrals = try await scope.referrals(on: req.db).filter(\.$person.$id == personID).with(\.$region)
            .sort(\.$receivedDate, .descending).all()
        let cases = try await scope.cases(on: req.db).filter(\.$person.$id == personID).with(\.$region)
            .sort(\.$openedDate, .descending).all()
        let allReferrals = try await Referral.query(on: req.db).filter(\.$person.$id == personID).count()
        return PersonPage(
            layout: req.layout(title: "\(person.firstName) \(person.lastName)"),
            merged: req.query[String.self, at: "merged"] != nil,
            name: "\(person.firstName) \(person.lastName)", dateOfBirth: person.dateOfBirth,
            aliases: person.aliases.map(\.name), hasAliases: !person.aliases.isEmpty,
            referrals: referrals.map { ReferralRowView($0, labels: labels) },
            cases: cases.map {
                CaseRow(path: SiteURL.supportCase($0.id).path, opened: $0.openedDate, closed: $0.closedDate ?? "Open",
                        closure: $0.closureReason.map(labels.label("closure_reason")) ?? "", region: $0.region.name)
            },
            hasCases: !cases.isEmpty, repeatCount: referrals.filter(\.isRepeat).count,
            elsewhere: allReferrals - referrals.count,
            contactDetails: try person.contactDetails.map(req.application.cipher.open),
            legalHold: person.legalHold, canHold: scope.isManager, legalHoldPath: SiteURL.personLegalHold(personID).path,
            canWrite: scope.canWrite, subjectAccessPath: SiteURL.personSubjectAccess(personID).path,
            sharingPath: SiteURL.personInformationSharing(personID).path,
            lawfulBases: LawfulBasis.allCases.map { SelectOption(value: $0.rawValue, label: $0.label, selected: $0 == .safeguarding) },
            today: CivilDate.today(at: req.now).description)
    }
}

struct MergePage: Encodable {
    struct Side: Encodable {
        let name: String
        let dateOfBirth: String
        let aliases: String
        let referrals: Int
        let path: String
    }

    let layout: Layout
    let keep: Side
    let other: Side
    let reason: String
    let action: String
    let otherID: String

    static func make(req: Request, keep: Person, other: Person, scope: RegionScope) async throws -> MergePage {
        func side(_ person: Person) async throws -> Side {
            Side(name: "\(person.firstName) \(person.lastName)", dateOfBirth: person.dateOfBirth,
                 aliases: person.aliases.map(\.name).joined(separator: ", ").nonEmpty ?? "None",
                 referrals: try await Referral.query(on: req.db).filter(\.$person.$id == person.id!).count(),
                 path: SiteURL.person(person.id).path)
        }
        var reason = "These records do not look alike: check carefully before merging."
        if let a = PersonMatchQuery.key(of: keep), let b = PersonMatchQuery.key(of: other),
           case let .possible(near)? = PersonMatcher.compare(a, with: b) {
            reason = near.explanation
        }
        return MergePage(layout: req.layout(title: "Merge two records"), keep: try await side(keep), other: try await side(other),
                         reason: reason, action: SiteURL.personMerge(keep.id).path, otherID: other.id!.uuidString)
    }
}
