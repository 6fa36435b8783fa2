import Domain
import Fluent
import Foundation

/// `reachable import outreach`: training and awareness sessions, keyed by their ref, the whole file or nothing.
enum OutreachImport {
    static func run(text: String, onlyRegion: String? = nil, actor: AuditEntry, now: Date, db: any Database,
                    writes: WriteGate) async throws -> ImportSummary {
        let reference = try await ImportReferenceData.load(on: db)
        let context = reference.context(today: CivilDate.today(at: now), onlyRegion: onlyRegion)
        let rows = try ImportFile.rows(text, columns: OutreachRow.columns, required: OutreachRow.requiredColumns,
                                       ref: \OutreachRow.ref, line: \OutreachRow.line) {
            OutreachRow.parse($0, line: $1, context: context)
        }
        return try await store(rows, reference: reference, source: ImportFile.sha256(text), onlyRegion: onlyRegion,
                               actor: actor, now: now, db: db, writes: writes)
    }

    static func store(_ rows: [OutreachRow], reference: ImportReferenceData, source: String, onlyRegion: String?,
                      actor: AuditEntry, now: Date, db: any Database, writes: WriteGate) async throws -> ImportSummary {
        try await writes.transaction(on: db) { tx in
            var existing: [String: OutreachSession] = [:]
            for chunk in rows.map(\.ref).chunked(into: 500) {
                for session in try await OutreachSession.query(on: tx).filter(\.$ref ~~ chunk).all() { existing[session.ref] = session }
            }
            // A ref of another region's session is a problem of its line, and the file is refused whole (SPEC §1).
            let otherRegions = rows.compactMap { row -> ImportProblem? in
                guard let session = existing[row.ref], session.$region.id != reference.regionIDs[row.region] else { return nil }
                return ImportProblem(line: row.line, column: OutreachRow.columns[0],
                                     problem: "\"\(row.ref)\" is another region's session: a file may change only its own region's sessions")
            }
            guard otherRegions.isEmpty else { throw ImportProblems(otherRegions) }
            var summary = ImportSummary()
            var created: [OutreachSession] = []
            for row in rows {
                let regionID = reference.regionIDs[row.region]!
                if let session = existing[row.ref] {
                    guard !session.matches(row, regionID: regionID) else { continue }
                    session.fill(from: row, regionID: regionID)
                    try await session.update(on: tx)
                    summary.updated += 1
                    summary.updatedRefs.append(row.ref)
                } else {
                    let session = OutreachSession()
                    session.fill(from: row, regionID: regionID)
                    created.append(session)
                }
            }
            for batch in created.chunked(into: 500) { try await batch.create(on: tx) }
            summary.created = created.count
            summary.createdRefs = created.map(\.ref)
            summary.unchanged = rows.count - summary.created - summary.updated
            try await summary.audit(actor, action: .importOutreach, file: source, region: onlyRegion, at: now, on: tx)
            return summary
        }
    }
}

extension OutreachSession {
    func fill(from row: OutreachRow, regionID: UUID) {
        ref = row.ref
        date = row.date.description
        $region.id = regionID
        audience = row.audience
        organisation = row.organisation
        topic = row.topic
        attendees = row.attendees
    }

    func matches(_ row: OutreachRow, regionID: UUID) -> Bool {
        date == row.date.description && $region.id == regionID && audience == row.audience
            && organisation == row.organisation && topic == row.topic && attendees == row.attendees
    }
}
