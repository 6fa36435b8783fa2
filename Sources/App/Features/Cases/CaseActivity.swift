import Fluent
import Foundation
import SQLKit

/// When a case last had a contact and last had its outcome measures taken, kept on the case itself
/// (`cases.last_contact_at`, `cases.last_measured_on`) so that the dashboards count quiet cases and reviews due
/// from one index (`cases_activity`) instead of probing the contacts and measures of every open case: 14,000 open
/// cases in a region at 400,000 referrals cost 50 ms of probes on every home page.
///
/// Every write of a contact or a measure refreshes its case in the same transaction: the case forms and the API
/// (`CaseRecordsController`, `APICasesController`, `MeasuresInput.Checked.save`), an import that changes a case
/// and the demo casework. A new imported case is written with its measures' date at once
/// (`SupportCase.importValues`). `CaseActivityTests` checks each path against the records.
enum CaseActivity {
    /// Recomputes both from the records, for the given cases.
    static func refresh(_ caseIDs: [UUID], on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for chunk in caseIDs.chunked(into: 500) where !chunk.isEmpty {
            try await sql.raw("""
                UPDATE cases SET
                  last_contact_at = (SELECT max(k.happened_at) FROM contacts k WHERE k.case_id = cases.id),
                  last_measured_on = (SELECT max(m.recorded_on) FROM outcome_measures m WHERE m.case_id = cases.id)
                WHERE id IN (\(binds: Array(chunk)))
                """).run()
        }
    }

    static func refresh(_ caseID: UUID, on db: any Database) async throws {
        try await refresh([caseID], on: db)
    }
}
