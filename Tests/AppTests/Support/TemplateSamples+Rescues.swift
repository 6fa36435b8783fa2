@testable import App
import Charts
import Foundation

/// Samples for rescues and the annual report.
extension TemplateSamples {
    static let rescues: [TemplateSample] = [
        TemplateSample("rescues/log", shows: "Sample Person 7f3") { _ in
            RescueLogPage(layout: layout("Rescues"),
                          rows: [.init(path: "/rescues/1", name: "Sample Person 7f3", called: "28 May 2026 09:00", clock: "0 h 40 min",
                                       stage: "Caseworker on the way")],
                          finished: [.init(path: "/rescues/2", name: "Home Sample", called: "27 May 2026 21:00", clock: "3 h 05 min",
                                           stage: "Home")],
                          previousPage: "/rescues?page=1", nextPage: "/rescues?page=3", newPath: "/rescues/new")
        },
        TemplateSample("rescues/new", shows: "Sample caller 7f3") { _ in
            RescueFormPage(layout: layout("Record a rescue call"), action: "/rescues/new",
                           errorLinks: errorLinks(("caller", "Enter who called")),
                           fields: .init(callAt: field("callAt", "2026-05-28T09:00").drawn("When", as: .dateTime),
                                         caller: field("caller", "Sample caller 7f3", error: "Enter who called").drawn("Who called"),
                                         referralSource: select("referralSource", "Police", "School"),
                                         callBackAt: field("callBackAt").drawn("Call back by", as: .dateTime),
                                         foundPlace: field("foundPlace", "New Street station").drawn("Where"),
                                         policeForceArea: field("policeForceArea", "West Midlands").drawn("Police force area"),
                                         dispatchedCaseworker: select("dispatchedCaseworker", "Sample Worker", "Other Worker"),
                                         identity: group("identity", "Known", "Not yet"),
                                         description: field("description", "A boy about 15").drawn("Description", as: .textarea),
                                         approximateAge: field("approximateAge", "15").drawn("Age", as: .number)),
                           person: rescuePerson(), outOfHours: true)
        },
        TemplateSample("rescues/pending", shows: "Sample description 7f3") { _ in
            PendingRescuePage(layout: layout("Rescue: identity to follow"),
                              details: [.init(label: "Call", value: "28 May 2026 09:00 from British Transport Police")],
                              description: "Sample description 7f3", canWrite: true, action: "/rescues/pending/1/complete",
                              errorLinks: errorLinks(("firstName", "Enter the first name")), person: rescuePerson())
        },
        TemplateSample("rescues/show", shows: "Sample Person 7f3") { _ in
            RescuePage(layout: layout("Rescue"), name: "Sample Person 7f3", isOpen: true, clock: "0 h 40 min",
                       details: [.init(label: "Found at", value: "New Street station, West Midlands")], canWrite: true, canConvert: true,
                       caseExists: true, progressPath: "/rescues/1/progress", convertPath: "/rescues/1/convert",
                       fields: .init(departedAt: field("departedAt", "2026-05-28T09:10").drawn("Departed", as: .dateTime),
                                     arrivedAt: field("arrivedAt", "2026-05-28T09:35", error: "Arrived: cannot be before departing")
                                        .drawn("Arrived", as: .dateTime),
                                     journeyMode: select("journeyMode", "Not yet", "Train"),
                                     homeAt: field("homeAt", error: "Home: enter a date").drawn("Home", as: .dateTime),
                                     outcome: select("outcome", "Still open", "Returned home")),
                       errorLinks: errorLinks(("homeAt", "Home: enter a date")), attachments: attachments())
        },
    ]

    /// A rescue form's young person, as the referral form draws them, one field with an error.
    static func rescuePerson() -> RescuePersonFields {
        RescuePersonFields(ReferralFormPage(
            layout: layout("Sample"), action: "/referrals/new", regionName: "Sample Region", errorLinks: nil,
            receivedDate: field("receivedDate"), service: group("service", "Rescue"), referralSource: select("referralSource", "Police"),
            referrerOrganisation: field("referrerOrganisation"), referrerContact: field("referrerContact"),
            firstName: field("firstName", error: "Enter the first name").drawn("First name"), lastName: field("lastName", "Person").drawn("Last name"),
            aliases: field("aliases"), dateOfBirth: field("dateOfBirth", "2009-03-27").drawn("Date of birth", as: .date),
            gender: select("gender", "Male", "Female"), ethnicity: select("ethnicity", "Not known"),
            homeLocalAuthority: select("homeLocalAuthority", "Birmingham", "Outside the region"),
            otherLocalAuthority: field("otherLocalAuthority").drawn("Other local authority"), contactDetails: field("contactDetails"),
            exploitationTypes: group("exploitationTypes", "County lines", "Sexual"), riskIndicators: group("riskIndicators", "Missing"),
            consent: group("consent", "Given"), concerns: field("concerns"), partnerReferral: nil))
    }

    static let reports: [TemplateSample] = [
        TemplateSample("reports/annual", shows: "Sample headline 7f3") { _ in
            var page = annualReport(layout: layout("Annual report"))
            page.picker = ReportPicker(action: "/reports/annual", region: select("region", "West Midlands", "All regions"),
                                       year: select("year", "2025-26", "2024-25"), csvPath: "/reports/annual.csv?year=2025")
            return page
        },
        TemplateSample("reports/annual-print", shows: "Sample headline 7f3") { _ in annualReport(layout: nil) },
        // A partial of the two above, rendered alone from the same model, as it reads nothing of its own.
        TemplateSample("reports/body", shows: "Sample headline 7f3") { _ in annualReport(layout: nil) },
    ]

    /// An annual report with one of each kind of chart; the first chart carries all three drawings, so that the check
    /// (which reads a list's shape from its first item) sees every name the chart component reads.
    static func annualReport(layout: Layout?) -> AnnualReportPage {
        let data: [(label: String, value: Double)] = [("Police", 12), ("School", 5)]
        let rows = [AnnualReportPage.TableRow(label: "Police", value: "12"), .init(label: "School", value: "5")]
        let months = ["Apr", "May", "Jun"]
        let line = LineChart(labels: months, series: [("2025-26", [3, 5, 4]), ("2024-25", [2, 4, 6])])
        return AnnualReportPage(
            layout: layout, title: "Annual report 2025-26", regionName: "Sample Region", year: "2025-26",
            periodText: "1 April 2025 to 31 March 2026", headline: "Sample headline 7f3", suppressed: true,
            figures: [.init(label: "Support referrals received", value: "17", previous: "12", change: "up 5 (42%)")],
            outcomes: [.init(label: "Reported an increased feeling of safety", numerator: "8", denominator: "10", percent: "80.0%")],
            cohort: "10",
            charts: [
                .init(id: "referral-source", title: "Referral source", kind: "bar", bar: BarChart(data: data), donut: DonutChart(data: data),
                      line: line, rows: rows, total: "17", hasData: true),
                .init(id: "gender", title: "Gender", kind: "donut", bar: nil, donut: DonutChart(data: data), line: nil, rows: rows,
                      total: "17", hasData: true),
                .init(id: "monthly", title: "Support referrals each month", kind: "line", bar: nil, donut: nil, line: line,
                      rows: rows, total: "17", hasData: true),
                .init(id: "ethnicity", title: "Ethnicity", kind: "bar", bar: nil, donut: nil, line: nil, rows: [], total: "0", hasData: false),
            ],
            picker: nil)
    }
}
