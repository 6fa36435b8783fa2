@testable import App
import Foundation

/// Samples for the workforce pages: lone working, on call, outreach, partnerships, places and groups, and staff.
extension TemplateSamples {
    static let workforce: [TemplateSample] = [
        TemplateSample("workforce/contexts", shows: "Sample Park 7f3") { _ in
            ContextsPage(layout: layout("Places and groups"),
                         rows: [.init(path: "/contexts/1", name: "Sample Park 7f3", kind: "Place", referrals: 4, thisQuarter: 1)],
                         action: "/contexts",
                         fields: .init(refused(["name": "Enter a name", "kind": "Choose a kind"], typed: ["name": "New place", "kind": "place"])),
                         errorLinks: errorLinks(("name", "Enter a name")))
        },
        TemplateSample("workforce/context", shows: "Sample Park 7f3") { _ in
            ContextPage(layout: layout("A place"), name: "Sample Park 7f3", kind: "Place",
                        referrals: [.init(name: "Sample Person", received: "2026-05-01", path: "/referrals/1")],
                        notes: ["Sample note about the park"], linkPath: "/contexts/1/link", notePath: "/contexts/1/notes",
                        fields: .init(refused(["ref": "Enter a referral reference", "note": "Enter a note"], typed: ["ref": "REF-X", "note": "Sample"])),
                        errorLinks: errorLinks(("ref", "Enter a referral reference")))
        },
        TemplateSample("workforce/lone-working", shows: "Sample Flat 7f3") { _ in
            LoneWorkingPage(layout: layout("Lone working"), rows: [
                .init(id: UUID().uuidString, worker: "Sample Worker", place: "Sample Flat 7f3", withWhom: "Jay and mum", note: "Sample note",
                      expectedEnd: "28 May 2026 11:00", overdue: true, acknowledged: "Acknowledged by Sample Manager", howLate: "20 minutes late",
                      extend: field("expectedEnd-1", "2026-05-28T11:30", error: "Enter a time").drawn("New end", hint: "At most 12 hours", as: .dateTime),
                      checkOutNote: field("checkout-note-1").drawn("Check-out note"),
                      acknowledgement: field("note-1", error: "Note is too long").drawn("Acknowledge"),
                      step: field("step-1", error: "Choose a step").drawn("Record an escalation step"),
                      escalations: ["Texted Sample Manager at 11:05"], own: true,
                      checkInPath: "/lone-working/1/check-in", checkOutPath: "/lone-working/1/check-out",
                      acknowledgePath: "/lone-working/1/acknowledge", escalatePath: "/lone-working/1/escalate", duress: true,
                      duressAcknowledgePath: "/lone-working/1/duress-acknowledge"),
            ], isManager: true, duressWordPath: "/lone-working/duress-word", hasDuressWord: true, duressWordSet: true,
            duressWord: field("duressWord", error: "Choose a longer word").drawn("Your duress word", as: .password),
            action: "/lone-working", errorLinks: errorLinks(("place", "Enter where you are going")),
            place: field("place", "Sample place", error: "Enter where you are going").drawn("Where"),
            withWhom: field("withWhom", "Jay").drawn("With whom"),
            expectedEnd: field("expectedEnd", "2026-05-28T11:00", error: "Enter when you expect to finish").drawn("Expected end", as: .dateTime),
            checkInNote: field("checkInNote", "Sample check-in note").drawn("Safe word or check-in note"))
        },
        TemplateSample("workforce/on-call", shows: "Sample On Call 7f3") { _ in
            OnCallPage(layout: layout("On call"), errorLinks: errorLinks(("person", "Choose a person")), isManager: true,
                       now: [.init(role: "Manager on call", people: "Sample On Call 7f3")],
                       gaps: [.init(role: "Second on call", from: "29 May 2026 18:00", to: "30 May 2026 08:00")],
                       shifts: [.init(person: "Sample On Call 7f3", role: "Manager on call", from: "28 May 2026 08:00", to: "29 May 2026 08:00",
                                      removePath: "/on-call/1/remove")],
                       action: "/on-call", person: select("person", error: "Choose a person", "Sample On Call 7f3", "Other"),
                       role: select("role", error: "Choose a role", "Manager on call", "Second on call"),
                       startsAt: field("startsAt", "2026-05-29T08:00", error: "Enter a start").drawn("From", as: .dateTime),
                       endsAt: field("endsAt", "2026-05-30T08:00", error: "Enter an end").drawn("To", hint: "At most 14 days", as: .dateTime))
        },
        TemplateSample("workforce/outreach", shows: "Sample Academy 7f3") { _ in
            OutreachPage(layout: layout("Outreach"), action: "/outreach", errorLinks: errorLinks(("date", "Enter the date")),
                         date: field("date", error: "Enter the date").drawn("Date", as: .date),
                         kind: select("kind", "Session", "Event"), format: select("format", "In person", "Online"),
                         audience: select("audience", error: "Choose an audience", "Professionals", "Young people"),
                         organisation: field("organisation", "Sample School").drawn("Organisation"),
                         topic: field("topic", "County lines").drawn("Topic"),
                         registrations: field("registrations", "5", error: "Enter a number").drawn("Registrations", as: .number),
                         attendees: field("attendees", "30", error: "Enter a number").drawn("Attended", as: .number),
                         confidenceBefore: field("confidenceBefore", "3", error: "Enter 1 to 5").drawn("Before"),
                         confidenceAfter: field("confidenceAfter", "4", error: "Enter 1 to 5").drawn("After"),
                         rows: [.init(date: "2026-05-20", kind: "Training", audience: "Professionals", organisation: "Sample Academy 7f3",
                                      topic: "County lines", attendees: 30, registrations: "5", confidence: "3 to 4")])
        },
        TemplateSample("workforce/partnerships", shows: "Sample Agencies 7f3") { _ in
            PartnershipsPage(layout: layout("Partnerships"), action: "/partnerships", today: "2026-05-28",
                             fields: .init(refused(["heldOn": "Enter the date", "type": "Choose a type"],
                                                   typed: ["heldOn": "2026-05-28", "type": "strategy", "agencies": "Police, school", "notes": "Sample notes"]),
                                           today: "2026-05-28", types: [("strategy", "Strategy"), ("mace", "MACE")],
                                           cases: choices("case", "Sample Person", "Other Person")),
                             errorLinks: errorLinks(("heldOn", "Enter the date")),
                             meetings: [.init(path: "/partnerships/1", date: "2026-05-20", type: "Strategy", agencies: "Sample Agencies 7f3")],
                             openActions: [.init(description: "Sample action", owner: "Police", due: "2026-06-01", overdue: true,
                                                 path: "/partnerships/1")])
        },
        TemplateSample("workforce/meeting", shows: "Sample meeting notes 7f3") { _ in
            MeetingPage(layout: layout("Partnership meeting"), type: "Strategy", date: "2026-05-20", agencies: "Police, school",
                        notes: "Sample meeting notes 7f3", cases: [.init(name: "Sample Person", path: "/cases/1")], hidden: 2,
                        actions: [.init(id: UUID().uuidString, description: "Sample action", owner: "Police", due: "2026-06-01",
                                        done: "2026-05-27")],
                        actionPath: "/partnerships/1/actions", donePath: "/partnerships/1/actions/done",
                        fields: .init(refused(["description": "Enter the action", "owner": "Enter who owns it", "dueOn": "Enter a date"],
                                              typed: ["description": "Sample", "owner": "Police", "dueOn": "2026-06-01"])),
                        errorLinks: errorLinks(("description", "Enter the action")))
        },
        TemplateSample("workforce/staff", shows: "Sample Worker 7f3") { _ in
            StaffListPage(layout: layout("Staff"), rows: [staffRow()], totalCapacity: 15, totalOpen: 12,
                          renewals: [.init(name: "Sample Worker 7f3", course: "Safeguarding level 3", due: "2026-06-01", overdue: true)])
        },
        TemplateSample("workforce/staff-member", shows: "Sample Worker 7f3") { _ in
            StaffPage(layout: layout("A member of staff"), row: staffRow(), isManager: true,
                      errorLinks: errorLinks(("capacity", "Enter a number")),
                      fields: .init(capacity: field("capacity", "15", error: "Enter a number").drawn("Capacity", as: .number),
                                    specialisms: group("specialisms", "County lines", "Sexual exploitation"),
                                    absenceKind: select("absenceKind", "Annual leave", "Sickness"),
                                    from: field("from", "2026-06-01", error: "Enter a date").drawn("First day", as: .date),
                                    to: field("to", "2026-06-05").drawn("Last day", as: .date),
                                    course: select("course", error: "Choose a course", "Safeguarding level 3"),
                                    external: select("external", "Internal", "External"),
                                    provider: field("provider", "Sample provider").drawn("Provider"),
                                    completedOn: field("completedOn", "2026-05-01").drawn("Completed on", as: .date),
                                    renewalDue: field("renewalDue", "2027-05-01").drawn("Renewal due", as: .date)),
                      absences: ["Annual leave, 1 to 5 June 2026"], training: ["Safeguarding level 3, 1 May 2026"],
                      paths: .init(profile: "/staff/1/profile", absences: "/staff/1/absences", training: "/staff/1/training"))
        },
    ]

    /// A form sent back refused: its problems and what was typed, by field id.
    static func refused(_ problems: [String: String], typed: [String: String]) -> RefusedForm {
        var errors = FieldErrors()
        for (id, message) in problems.sorted(by: { $0.key < $1.key }) { errors.add(id, message) }
        return RefusedForm(errors: errors, typed: typed)
    }

    static func staffRow() -> StaffListPage.Row {
        StaffListPage.Row(name: "Sample Worker 7f3", path: "/staff/1", role: "Caseworker", contracted: 15, available: 3, openCases: 12,
                          absentNow: "On leave until 5 June", specialisms: "County lines")
    }
}
