import Domain
import Fluent
import Foundation
import SQLKit
import Vapor

/// Demo casework, so that case pages show a timeline and the national-scale data has the weight of real
/// casework: about 30 contacts, a risk rating and a review of outcome measures on every demo case, recorded by
/// the region's demo caseworker. Written as multi-row SQL inserts a page of cases at a time, so that millions
/// of contacts take seconds and never sit in memory together.
enum DemoCasework {
    static let notes = [
        "Met at the youth centre; talked about college applications.", "Phone check-in; feeling safer this week.",
        "Home visit with mum; discussed curfew and safe routes.", "Attended the music studio session.",
        "Strategy meeting with social care and police.", "Did not attend; left a message with the safe contact.",
    ]
    static let casesPerPage = 2_000

    private struct CaseRow: Decodable {
        let id: UUID
        let region_id: UUID
        let opened_date: String
        let closed_date: String?
    }

    /// Adds the casework; returns the number of contacts written.
    static func add(app: Application, seed: UInt64, now: Date, contactsPerCase: Int) async throws -> Int {
        var random = SeededRandom(seed: seed &+ 99)
        let sql = app.db as! any SQLDatabase
        let workers = try await User.query(on: app.db).filter(\.$role == .caseworker).all()
        let workerByRegion = Dictionary(workers.compactMap { user in user.$region.id.map { ($0, user.id!) } },
                                        uniquingKeysWith: { a, _ in a })
        // Identical notes are sealed once and the sealed text reused: each is still opened with the data key.
        let sealedNotes = try notes.map(app.cipher.seal)
        let sealedReason = try app.cipher.seal("Assessed at the first meeting.")
        let today = CivilDate.today(at: now)
        var written = 0
        var after: UUID?
        while true {
            var query = sql.select().columns("id", "region_id", "opened_date", "closed_date").from(SupportCase.schema)
                .orderBy("id").limit(casesPerPage)
            if let after { query = query.where("id", .greaterThan, SQLBind(after)) }
            let cases = try await query.all(decoding: CaseRow.self)
            guard let last = cases.last else { break }
            after = last.id
            var contacts = BulkInsert(table: Contact.schema, columns: [
                "id", "case_id", "happened_at", "kind", "duration_minutes", "present", "notes", "sensitive",
                "recorded_by_id", "created_at",
            ])
            var ratings = BulkInsert(table: RiskRating.schema,
                                     columns: ["id", "case_id", "rating", "reason", "rated_at", "rated_by_id", "indicators"])
            var reviews = BulkInsert(table: OutcomeMeasure.schema, columns: [
                "id", "case_id", "stage", "recorded_on", "safety", "mental_health", "criminogenic_need", "source",
            ])
            for supportCase in cases {
                guard let worker = workerByRegion[supportCase.region_id], let opened = CivilDate(supportCase.opened_date) else { continue }
                let end = supportCase.closed_date.flatMap(CivilDate.init) ?? today
                let span = max(end.daysSinceEpoch - opened.daysSinceEpoch, 1)
                let count = max(1, contactsPerCase + Int.random(in: -(contactsPerCase / 3)...(contactsPerCase / 3), using: &random))
                for _ in 0..<count {
                    let day = opened.daysSinceEpoch + Int.random(in: 0...span, using: &random)
                    let kind = random.weighted([(Contact.Kind.faceToFace, 5.0), (.phone, 4), (.message, 2), (.homeVisit, 2),
                                                (.professionalMeeting, 1), (.didNotAttend, 1)])
                    contacts.append([
                        BulkValue(OrderedID.make()), BulkValue(supportCase.id),
                        // Never after the moment the demo is made: a contact the forms would refuse as in the future
                        // would stay at the top of its case's timeline, above everything recorded after it.
                        BulkValue(min(Date(timeIntervalSince1970: Double(day) * 86400 + Double(Int.random(in: 9...19, using: &random)) * 3600),
                                      now.addingTimeInterval(-60))),
                        BulkValue(kind.rawValue), BulkValue(kind == .didNotAttend ? 0 : Int.random(in: 10...90, using: &random)),
                        BulkValue(kind == .professionalMeeting ? "professional" : "young_person"),
                        BulkValue(random.element(sealedNotes)), BulkValue(random.chance(0.1)), BulkValue(worker), BulkValue(now),
                    ])
                }
                ratings.append([BulkValue(OrderedID.make()), BulkValue(supportCase.id), BulkValue(random.weighted([(RiskLevel.red.rawValue, 2.0), (RiskLevel.amber.rawValue, 5), (RiskLevel.green.rawValue, 3)])),
                                BulkValue(sealedReason), BulkValue(Date(timeIntervalSince1970: Double(opened.daysSinceEpoch) * 86400 + 43200)),
                                BulkValue(worker), BulkValue("going_missing")])
                // A review halfway through, between the entry and exit measures the import wrote.
                let reviewDay = CivilDate(daysSinceEpoch: opened.daysSinceEpoch + span / 2)
                reviews.append([BulkValue(OrderedID.make()), BulkValue(supportCase.id), BulkValue("review"), BulkValue(reviewDay.description),
                                BulkValue(Int.random(in: 3...8, using: &random)), BulkValue(Int.random(in: 3...8, using: &random)),
                                BulkValue(Int.random(in: 1...7, using: &random)), BulkValue("caseworker")])
            }
            let page = (contacts, ratings, reviews)
            try await app.writes.transaction(on: app.db) { db in
                try await page.0.run(on: db)
                try await page.1.run(on: db)
                try await page.2.run(on: db)
                try await CaseActivity.refresh(cases.map(\.id), on: db)
            }
            written += contacts.rows.count
        }
        return written
    }
}
