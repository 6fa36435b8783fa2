import Fluent
import Foundation

/// The lone-working page: the visits under way (the earliest deadline first) and the forms to start one, check in,
/// check out, acknowledge and escalate.
struct LoneWorkingPage: Encodable {
    struct Row: Encodable {
        let id: String
        let worker: String
        let place: String
        let withWhom: String
        let note: String
        let expectedEnd: String
        let overdue: Bool
        let acknowledged: String?
        let howLate: String?
        /// The check-in's new end, the check-out note, and (for a manager) the acknowledgement and escalation step.
        let extend, checkOutNote, acknowledgement, step: FormField
        let escalations: [String]
        let own: Bool
        let checkInPath: String
        let checkOutPath: String
        let acknowledgePath: String
        let escalatePath: String
        let duress: Bool
        let duressAcknowledgePath: String
    }

    let layout: Layout
    let rows: [Row]
    let isManager: Bool
    let duressWordPath: String
    let hasDuressWord: Bool
    let duressWordSet: Bool
    let duressWord: FormField
    let action: String
    let errorLinks: [FormErrorLink]?
    let place, withWhom, expectedEnd, checkInNote: FormField
}

extension LoneWorkingPage {
    /// The visits under way that `user` may see (a caseworker their own; a manager the region's, and a duress alarm
    /// nobody has acted on, never their own), and the forms; after a refused form, each problem beside its field and
    /// what was typed kept (`typed`, by field id).
    static func make(user: CurrentUser, errors: FieldErrors, typed: [String: String], duressWordSet: Bool, layout: Layout,
                     cipher: FieldCipher, now: Date, on db: any Database) async throws -> LoneWorkingPage {
        var query = LoneWorkingVisit.query(on: db).filter(\.$region.$id == (user.regionID ?? UUID()))
            .with(\.$caseworker).sort(\.$expectedEnd)
        if user.role == .caseworker {
            // A caseworker's own visits under way; a duress check-out is checked out here like any other.
            query = query.filter(\.$caseworker.$id == user.id).filter(\.$checkedOutAt == nil)
        } else {
            // Managers also see a duress alarm nobody has acted on yet, but never their own.
            query = query.group(.or) { $0.filter(\.$checkedOutAt == nil).group(.and) {
                $0.filter(\.$duressAt != nil).filter(\.$duressAcknowledgedAt == nil).filter(\.$caseworker.$id != user.id)
            } }
        }
        let visits = try await query.all()
        let escalations = visits.isEmpty ? [] : try await VisitEscalation.query(on: db)
            .filter(\.$visit.$id ~~ visits.compactMap(\.id)).sort(\.$at).all()
        let rows = try visits.map { visit in
            Row(
                id: visit.id!.uuidString, worker: visit.caseworker.displayName, place: try cipher.open(visit.place),
                withWhom: try cipher.open(visit.withWhom), note: try cipher.open(visit.checkInNote),
                expectedEnd: DateFormats.shown(visit.expectedEnd), overdue: visit.expectedEnd < now,
                acknowledged: visit.isAcknowledged ? try visit.acknowledgement.map(cipher.open) : nil,
                howLate: visit.expectedEnd < now ? LoneWorkingVisit.howLate(visit.expectedEnd, now: now) : nil,
                extend: FormField("expectedEnd-\(visit.id!)", value: typed["expectedEnd-\(visit.id!)"] ?? "",
                                  error: errors["expectedEnd-\(visit.id!)"])
                    .drawn("New end, if later (optional)", hint: "At most 12 hours from now.", name: "expectedEnd", as: .dateTime),
                checkOutNote: FormField("checkout-note-\(visit.id!)").drawn("Check-out note (optional)", name: "note",
                                                                           ["autocomplete": "off"]),
                acknowledgement: FormField("note-\(visit.id!)", error: errors["note-\(visit.id!)"])
                    .drawn("Acknowledge: what you have done", name: "note"),
                step: FormField("step-\(visit.id!)", error: errors["step-\(visit.id!)"]).drawn("Record an escalation step", name: "step"),
                escalations: try escalations.filter { $0.$visit.id == visit.id }.map { "\(DateFormats.shown($0.at)): \(try cipher.open($0.step))" },
                own: visit.$caseworker.id == user.id, checkInPath: SiteURL.visitCheckIn(visit.id).path,
                checkOutPath: SiteURL.visitCheckOut(visit.id).path, acknowledgePath: SiteURL.visitAcknowledge(visit.id).path,
                escalatePath: SiteURL.visitEscalate(visit.id).path,
                duress: visit.duressAt != nil && visit.duressAcknowledgedAt == nil && user.role == .manager
                    && visit.$caseworker.id != user.id,
                duressAcknowledgePath: SiteURL.visitDuressAcknowledge(visit.id).path)
        }
        let hasDuressWord = try await User.find(user.id, on: db)?.duressWordHash != nil
        return LoneWorkingPage(layout: layout, rows: rows, isManager: user.role == .manager,
                                   duressWordPath: SiteURL.loneWorkingDuressWord.path, hasDuressWord: hasDuressWord,
                                   duressWordSet: duressWordSet,
                                   duressWord: FormField("duressWord", error: errors["duressWord"]).drawn(
                                       "Your duress word",
                                       hint: "4 to 40 characters, a word you would not otherwise write. It is never shown again; saving one replaces any before it.",
                                       as: .password, ["autocomplete": "off"]),
                                   action: SiteURL.loneWorking.path, errorLinks: errors.links,
                                   place: FormField("place", value: typed["place"] ?? "", error: errors["place"]).drawn("Where"),
                                   withWhom: FormField("withWhom", value: typed["withWhom"] ?? "", error: errors["withWhom"]).drawn("With whom"),
                                   expectedEnd: FormField("expectedEnd", value: typed["expectedEnd"] ?? CasePage.localInput(now.addingTimeInterval(3600)),
                                                          error: errors["expectedEnd"]).drawn("Expected end", as: .dateTime),
                                   checkInNote: FormField("checkInNote", value: typed["checkInNote"] ?? "", error: errors["checkInNote"])
                                       .drawn("Safe word or check-in note", ["autocomplete": "off"]))
    }
}
