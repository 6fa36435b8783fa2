import Domain
import Fluent
import Foundation
import SQLKit

/// Retention (ASVS v5.0.0-14.2.7, UK GDPR storage limitation): a young person whose last case closed, and last
/// referral arrived, more than the configured years ago, with no open case and no legal hold, is anonymised.
/// Identifiers and narrative go; the statistical fields stay (age at referral, gender, ethnicity, local
/// authority, codes, dates, outcome measures), so that old annual reports give the same figures.
enum Retention {
    struct Due: Sendable {
        let personID: UUID
        let lastActivity: String
    }

    static let anonymisedName = "Anonymised"

    static func cutoff(years: Int, today: CivilDate) -> CivilDate {
        var year = today.year - years
        if today.month == 2 && today.day == 29 && !CivilDate.isLeap(year) { return CivilDate(year: year, month: 2, day: 28) }
        year = max(year, 1)
        return CivilDate(year: year, month: today.month, day: today.day)
    }

    static func due(years: Int, today: CivilDate, on db: any Database) async throws -> [Due] {
        let limit = cutoff(years: years, today: today).description
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT p.id AS id,
              (SELECT MAX(r.received_date) FROM referrals r WHERE r.person_id = p.id) AS last_referral,
              (SELECT MAX(c.closed_date) FROM cases c WHERE c.person_id = p.id) AS last_closed
            FROM people p
            WHERE p.merged_into_id IS NULL AND p.anonymised_at IS NULL AND p.legal_hold = \(bind: false)
              AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND c.closed_date IS NULL)
              AND COALESCE((SELECT MAX(c.closed_date) FROM cases c WHERE c.person_id = p.id), '0000-00-00') < \(bind: limit)
              AND COALESCE((SELECT MAX(r.received_date) FROM referrals r WHERE r.person_id = p.id), '0000-00-00') < \(bind: limit)
            ORDER BY last_referral
            """).all()
        return try rows.map { row in
            let referral = try row.decode(column: "last_referral", as: String?.self) ?? ""
            let closed = try row.decode(column: "last_closed", as: String?.self) ?? ""
            return Due(personID: try row.decode(column: "id", as: UUID.self), lastActivity: max(referral, closed))
        }
    }

    /// Lone-working visits name places and companions in free text and belong to no case: their text goes once
    /// the visit is as old as the retention period, whoever it was about. Returns how many were cleared.
    static func clearVisits(before cutoff: CivilDate, on db: any Database) async throws -> Int {
        let limit = Date(timeIntervalSince1970: TimeInterval(cutoff.daysSinceEpoch) * 86_400)
        let old = LoneWorkingVisit.query(on: db).filter(\.$startedAt < limit).group(.or) {
            $0.filter(\.$place != "").filter(\.$withWhom != "").filter(\.$checkInNote != "")
        }
        let count = try await old.count()
        try await LoneWorkingVisit.query(on: db).filter(\.$startedAt < limit)
            .set(\.$place, to: "").set(\.$withWhom, to: "").set(\.$checkInNote, to: "").set(\.$acknowledgement, to: nil)
            .set(\.$checkOutNote, to: nil).update()
        return count
    }

    /// Anonymises one person and everything identifying held about them, in one transaction, with an audit entry
    /// that records the fact and not the removed data.
    static func anonymise(_ personID: UUID, actor: AuditEntry, now: Date, on db: any Database) async throws {
        try await PersonAlias.query(on: db).filter(\.$person.$id == personID).delete()
        try await Person.query(on: db).filter(\.$id == personID)
            .set(\.$firstName, to: anonymisedName).set(\.$lastName, to: anonymisedName)
            .set(\.$foldedFirst, to: "").set(\.$foldedLast, to: "").set(\.$surnameKey, to: "")
            .set(\.$dateOfBirth, to: "").set(\.$contactDetails, to: nil).set(\.$safeContact, to: nil)
            .set(\.$anonymisedAt, to: now).update()
        let caseIDs = try await SupportCase.query(on: db).filter(\.$person.$id == personID).all().compactMap(\.id)
        if !caseIDs.isEmpty {
            try await SupportCase.query(on: db).filter(\.$id ~~ caseIDs).set(\.$closureRequestedReason, to: nil)
                .set(\.$closureRequestedOn, to: nil)
                .set(\.$closureNote, to: nil).update()
            try await Contact.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).set(\.$notes, to: nil).update()
            try await RiskRating.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).set(\.$reason, to: "").update()
            try await Goal.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).set(\.$description, to: "").update()
            try await CaseRegisterEntry.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).set(\.$fields, to: "").update()
        }
        let referralIDs = try await Referral.query(on: db).filter(\.$person.$id == personID).all(\.$id)
        if !referralIDs.isEmpty {
            // Where they were found, and the places and groups they were linked to: a context only they were linked to
            // says who they are, so its name and notes go with them.
            try await Rescue.query(on: db).filter(\.$referral.$id ~~ referralIDs).set(\.$foundPlace, to: nil)
                .set(\.$caller, to: nil).update()
            let contextIDs = Set(try await ContextLink.query(on: db).filter(\.$referral.$id ~~ referralIDs).all().map(\.$context.id))
            try await ContextLink.query(on: db).filter(\.$referral.$id ~~ referralIDs).delete()
            for contextID in contextIDs where try await ContextLink.query(on: db).filter(\.$context.$id == contextID).count() == 0 {
                try await ContextNote.query(on: db).filter(\.$context.$id == contextID).delete()
                try await SafeguardingContext.query(on: db).filter(\.$id == contextID).set(\.$name, to: anonymisedName).update()
            }
        }
        // Their documents and photos: the files and their names go; the rows stay as removed (no report counts them).
        let held = try await Attachment.query(on: db).group(.or) { either in
            either.filter(\.$caseID ~~ caseIDs).filter(\.$referralID ~~ referralIDs)
        }.all()
        for attachment in held { try await AttachmentStore.purge(attachment.requireID(), on: db) }
        if !held.isEmpty {
            try await Attachment.query(on: db).filter(\.$id ~~ held.compactMap(\.id))
                .set(\.$status, to: .removed).set(\.$fileName, to: nil).set(\.$deleteReason, to: nil)
                .set(\.$size, to: 0).set(\.$chunkCount, to: 0).update()
        }
        try await Referral.query(on: db).filter(\.$person.$id == personID)
            .set(\.$firstName, to: anonymisedName).set(\.$lastName, to: anonymisedName).set(\.$dateOfBirth, to: "")
            .set(\.$concerns, to: nil).set(\.$referrerContact, to: nil).set(\.$notAcceptedReason, to: nil).update()
        try await InformationShare.query(on: db).filter(\.$person.$id == personID).set(\.$agency, to: "").set(\.$what, to: "")
            .set(\.$why, to: "").update()
        try await SubjectAccessRequest.query(on: db).filter(\.$person.$id == personID).set(\.$requester, to: "").update()
        var entry = actor
        entry.action = .personAnonymised
        entry.objectType = .person
        entry.objectID = personID.uuidString
        try await Audit.append(entry, on: db, at: now)
    }
}
