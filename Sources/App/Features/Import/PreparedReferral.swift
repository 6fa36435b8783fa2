import Domain
import Foundation

/// A checked import row with everything the writer needs that does not depend on the database: its fingerprint,
/// the key it matches young people by, its eligibility, and the column values of the rows it would insert, each
/// with new keys. Made beside the checking, on another core, so that the writer's task only looks up and inserts.
///
/// Which young person the row names is only known once the database has been asked, so the person's key in the
/// referral and case values is filled in by `values(personID:)`; a new person's row is used only if nobody
/// matched. Keys made for rows that turn out to be unchanged or updates are simply not used.
///
/// A class, because a part's rows pass through several arrays on their way to the writer: copying a reference is
/// one retain, copying this many strings and arrays was a tenth of the checking's time.
final class PreparedReferral: Sendable {
    let row: ReferralRow
    let fingerprint: String
    let personKey: PeopleIndex.Key
    let eligibility: Eligibility
    let regionID: UUID
    let newPersonID: UUID
    let newPerson: [BulkValue]
    let referralID: UUID
    private let referral: [BulkValue]
    private let supportCase: [BulkValue]?
    let measures: [[BulkValue]]
    let rescue: [BulkValue]?

    /// Where the young person's key sits in `Referral.bulk()` and `SupportCase.bulk()`'s columns.
    private static let referralPersonColumn = Referral.bulk().columns.firstIndex(of: "person_id")!
    private static let casePersonColumn = SupportCase.bulk().columns.firstIndex(of: "person_id")!

    init(_ row: ReferralRow, reference: ImportReferenceData, createdAt: Date) {
        self.row = row
        fingerprint = row.storedFingerprint
        regionID = reference.regionIDs[row.region]!
        personKey = PeopleIndex.Key(row, regionID: regionID)
        eligibility = Eligibility.assess(
            received: row.receivedDate, dateOfBirth: row.dateOfBirth, homeLocalAuthority: row.homeLocalAuthority,
            regionLocalAuthorities: reference.localAuthoritiesByRegion[row.region] ?? [], exploitationTypes: row.exploitationTypes)
        newPersonID = OrderedID.make()
        newPerson = Person.importValues(row, id: newPersonID, regionID: regionID, createdAt: createdAt)
        referralID = OrderedID.make()
        referral = ReferralImport.ImportedReferral(row: row, personID: newPersonID, regionID: regionID, eligibility: eligibility)
            .insertValues(id: referralID, fingerprint: fingerprint, createdAt: createdAt)
        rescue = row.service == Service.rescue.rawValue ? Rescue.importValues(row, referralID: referralID) : nil
        if let opened = row.caseOpened {
            let caseID = OrderedID.make()
            supportCase = SupportCase.importValues(row, id: caseID, referralID: referralID, personID: newPersonID,
                                                   regionID: regionID, opened: opened, createdAt: createdAt)
            measures = ReferralImport.measureValues(row, caseID: caseID, opened: opened)
        } else {
            supportCase = nil
            measures = []
        }
    }

    /// The referral's and its case's values, naming the young person the row turned out to name.
    func values(personID: UUID) -> (referral: [BulkValue], supportCase: [BulkValue]?) {
        guard personID != newPersonID else { return (referral, supportCase) }
        var referral = referral
        referral[Self.referralPersonColumn] = BulkValue(personID)
        var supportCase = supportCase
        supportCase?[Self.casePersonColumn] = BulkValue(personID)
        return (referral, supportCase)
    }
}
