@testable import App
import Charts
import Foundation

/// Samples for the case pages: the list, a case with every section and form, its timeline, viewers and registers.
extension TemplateSamples {
    static let cases: [TemplateSample] = [
        TemplateSample("cases/list", shows: "Sample Person 7f3") { _ in
            CaseListPage(layout: layout("Cases"), heading: "Open cases in Sample Region", total: 51,
                         awaiting: [caseRow("Unassigned Sample", lead: nil)], assigned: [caseRow("Sample Person 7f3", lead: "Sample Worker")],
                         awaitingClosure: [caseRow("Closing Sample", lead: "Sample Worker")], isManager: true,
                         caseloads: [.init(name: "Sample Worker", open: 12)], pageText: "Page 1 of 2, 51 cases",
                         previousPage: "/cases?page=1", nextPage: "/cases?page=2", show: select("show", "All open cases", "Mine"),
                         sort: select("sort", "Oldest first", "Newest first"), lead: select("lead", "Any lead", "Sample Worker"))
        },
        TemplateSample("cases/show", shows: "Sample Person 7f3") { _ in casePage() },
        TemplateSample("cases/timeline", shows: "Sample timeline event 7f3") { _ in
            CaseSubPage(layout: layout("Timeline"), name: "Sample Person", region: "Sample Region", casePath: "/cases/1",
                        events: timelineEvents(), viewers: nil)
        },
        TemplateSample("cases/viewers", shows: "viewer-7f3@example.org") { _ in
            CaseSubPage(layout: layout("Who has looked"), name: "Sample Person", region: "Sample Region", casePath: "/cases/1",
                        events: nil, viewers: [CaseViewer(who: "viewer-7f3@example.org", when: "2026-05-28 09:00")])
        },
        TemplateSample("cases/registers", shows: "Sample register entry 7f3") { _ in
            RegistersPage(layout: layout("Registers"), name: "Sample Person", region: "Sample Region", casePath: "/cases/1",
                          postPath: "/cases/1/registers", canAdd: true,
                          errorLinks: errorLinks(("missing_episode.occurred_on", "Enter the date")),
                          registers: registers(withForms: true))
        },
    ]

    static func caseRow(_ name: String, lead: String?) -> CaseListPage.Row {
        let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
        return CaseListPage.Row(CaseListQueries.Row(id: UUID(), first_name: parts[0], last_name: parts.count > 1 ? parts[1] : "",
                                                    opened_date: "2026-05-01", created_at: when.addingTimeInterval(-86400), lead: lead,
                                                    risk: "red", last_contact: when.addingTimeInterval(-3600), closure_requested: lead != nil),
                                now: when)
    }

    static func timelineEvents() -> [CaseTimeline.Event] {
        [CaseTimeline.Event(sortKey: "2026-05-28T09:00", when: "28 May 2026 09:00", title: "Face to face contact",
                            detail: "Sample timeline event 7f3", hiddenSensitive: false, sensitive: true),
         CaseTimeline.Event(sortKey: "2026-05-27T09:00", when: "27 May 2026 09:00", title: "Phone call", detail: nil,
                            hiddenSensitive: true, sensitive: true)]
    }

    /// A case's registers: one kind with an entry (and its documents) and, for the registers page, its form.
    static func registers(withForms: Bool) -> Registers {
        let inputs: [FormField] = !withForms ? [] : [
            field("missing_episode.occurred_on", error: "Enter the date").drawn("Date went missing", as: .date),
            select("missing_episode.reported", "Yes", "No"),
        ]
        return Registers(registers: [
            .init(kind: "missing_episode", title: "Missing episodes", dateLabel: "Date went missing",
                  entries: [.init(id: UUID().uuidString, date: "2026-05-20", summary: "Sample register entry 7f3",
                                  files: withForms ? attachments("sample-register-file.pdf") : nil)],
                  inputs: inputs),
        ])
    }

    /// The measures form as the case page builds it, its first input with an error.
    static func measuresForm() -> MeasuresFormView {
        var errors = FieldErrors()
        errors.add("stage", "Choose a stage")
        return MeasuresFormView.make(typed: CaseFormEcho(), errors: errors, today: "2026-05-28")
    }

    /// The case page's forms as they come back refused: a contact with its notes missing, as the page builds them.
    static func caseFormFields(areas: [Pathway.Area]) -> CaseFormFields {
        var errors = FieldErrors()
        for (id, message) in [("notes", "Enter what happened"), ("rating", "Choose a rating"), ("goalArea", "Choose an area"),
                              ("reason", "Choose a reason"), ("caseworker", "Choose a caseworker")] {
            errors.add(id, message)
        }
        return CaseFormFields.make(typed: CaseFormEcho(), errors: errors, areas: areas,
                                   closureReasons: [("planned", "Planned"), ("moved_away", "Moved away")],
                                   leads: options("Sample Worker (12 open, capacity 3)", "Other Worker (4 open, capacity 11)"),
                                   safeContact: "Sample safe contact", now: when)
    }

    static func casePage() -> CasePage {
        let caseID = UUID()
        let areas = [Pathway.Area(code: "safety", label: "Safety"), Pathway.Area(code: "education", label: "Education"),
                     Pathway.Area(code: "family", label: "Family")]
        let pathway = Pathway(
            areas: areas,
            radar: RadarChart(areas: areas.map(\.label), series: [("Entry 2026-05-01", [3, 6, 8]), ("Review 2026-05-20", [5, 7, 8])]),
            table: [["Safety", "3", "5"], ["Education", "6", "7"], ["Family", "8", "8"]],
            goals: [.init(id: UUID().uuidString, area: "Safety", description: "Sample goal 7f3", status: "in progress", progress: 40,
                          statusField: select("status-1", "In progress", "Achieved"),
                          progressField: field("progress-1", "40").drawn("Progress (%)", as: .number))],
            missingGoals: ["Education"], planComplete: false, hasEntry: true)
        return CasePage(
            layout: layout("A case"), name: "Sample Person 7f3", personPath: "/people/1", referralPath: "/referrals/1",
            region: "Sample Region", opened: "2026-05-01", closed: "2026-05-28", closure: "Planned closure", lead: "Sample Worker",
            risk: "amber", isOpen: true, closureRequested: "A planned closure was asked for on 2026-05-27: goals met",
            safeContact: "Sample safe contact: aunt, after 6pm", doNotText: true, phoneMayBeControlled: true,
            events: timelineEvents(), timelinePath: "/cases/1/timeline", canWrite: true, isManager: true,
            errorLinks: errorLinks(("notes", "Enter what happened")),
            fields: caseFormFields(areas: areas),
            measuresForm: measuresForm(),
            paths: .init(caseID: caseID, personID: UUID()), hasExitMeasures: false,
            pathway: pathway, registers: registers(withForms: false), viewersPath: "/cases/1/viewers",
            attachments: attachments())
    }
}
