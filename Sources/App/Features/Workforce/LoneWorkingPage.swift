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
