import Domain
import Fluent
import Foundation

/// Two records of one young person made one, inside the caller's transaction: by a manager's merge, and when a
/// region's request to share a young person another region holds is approved. Every record moves; the
/// merged-away row keeps no identifiers.
enum PersonMerge {
    struct Moved {
        let referrals: Int
        let cases: Int
    }

    static func merge(_ otherID: UUID, into keepID: UUID, on db: any Database, cipher: FieldCipher) async throws -> Moved {
        guard keepID != otherID,
              let keep = try await Person.find(keepID, on: db), let other = try await Person.find(otherID, on: db),
              keep.mergedIntoID == nil, other.mergedIntoID == nil else { throw MergeRefused() }
        let referrals = try await Referral.query(on: db).filter(\.$person.$id == otherID).count()
        let cases = try await SupportCase.query(on: db).filter(\.$person.$id == otherID).count()
        try await Referral.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
        try await SupportCase.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
        try await PersonAlias.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
        try await InformationShare.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
        try await SubjectAccessRequest.query(on: db).filter(\.$person.$id == otherID).set(\.$person.$id, to: keepID).update()
        // What the two records say about reaching the young person is kept, both where both say something; a
        // legal hold on either holds the one that remains.
        try await Person.query(on: db).filter(\.$id == keepID)
            .set(\.$contactDetails, to: try combined(keep.contactDetails, other.contactDetails, cipher: cipher))
            .set(\.$safeContact, to: try combined(keep.safeContact, other.safeContact, cipher: cipher))
            .set(\.$legalHold, to: keep.legalHold || other.legalHold)
            .set(\.$doNotText, to: keep.doNotText || other.doNotText)
            .set(\.$phoneMayBeControlled, to: keep.phoneMayBeControlled || other.phoneMayBeControlled).update()
        // The other record's name stays findable as an alias of the person it turned out to be.
        let otherName = "\(other.firstName) \(other.lastName)"
        let folded = NameFolding.fold(otherName)
        if folded != NameFolding.fold("\(keep.firstName) \(keep.lastName)"),
           try await PersonAlias.query(on: db).filter(\.$person.$id == keepID).filter(\.$folded == folded).count() == 0 {
            try await PersonAlias(personID: keepID, name: otherName, folded: folded).create(on: db)
        }
        // The merged-away row keeps no identifiers: it only points at the person it turned out to be, and
        // retention (which anonymises that person) never needs to find it.
        try await Person.query(on: db).filter(\.$id == otherID).set(\.$mergedIntoID, to: keepID)
            .set(\.$firstName, to: Retention.anonymisedName).set(\.$lastName, to: Retention.anonymisedName)
            .set(\.$foldedFirst, to: "").set(\.$foldedLast, to: "").set(\.$surnameKey, to: "").set(\.$dateOfBirth, to: "")
            .set(\.$contactDetails, to: nil).set(\.$safeContact, to: nil).set(\.$legalHold, to: false).update()
        try await ReferralImport.markRepeats(personIDs: [keepID], on: db)
        return Moved(referrals: referrals, cases: cases)
    }

    /// Two sealed texts as one: either alone, or both on lines of their own.
    static func combined(_ kept: String?, _ other: String?, cipher: FieldCipher) throws -> String? {
        guard let other else { return kept }
        guard let kept else { return other }
        let keptText = try cipher.open(kept), otherText = try cipher.open(other)
        return keptText == otherText ? kept : try cipher.seal(keptText + "\n" + otherText)
    }

    struct MergeRefused: Error {}
}
