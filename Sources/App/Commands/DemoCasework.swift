import Domain
import Fluent
import Foundation
import Vapor

/// Demo casework, so that case pages show a timeline: a few contacts and a risk rating on every demo case,
/// recorded by the region's demo caseworker. Notes are ordinary, invented and sealed like real ones.
enum DemoCasework {
    static let notes = [
        "Met at the youth centre; talked about college applications.", "Phone check-in; feeling safer this week.",
        "Home visit with mum; discussed curfew and safe routes.", "Attended the music studio session.",
        "Strategy meeting with social care and police.", "Did not attend; left a message with the safe contact.",
    ]

    static func add(app: Application, seed: UInt64, now: Date) async throws -> Int {
        var random = SeededRandom(seed: seed &+ 99)
        let workers = try await User.query(on: app.db).filter(\.$role == .caseworker).all()
        let workerByRegion = Dictionary(workers.compactMap { user in user.$region.id.map { ($0, user.id!) } }, uniquingKeysWith: { a, _ in a })
        let cases = try await SupportCase.query(on: app.db).all()
        var contacts: [Contact] = []
        var ratings: [RiskRating] = []
        for supportCase in cases {
            guard let worker = workerByRegion[supportCase.$region.id], let opened = CivilDate(supportCase.openedDate) else { continue }
            let end = supportCase.closedDate.flatMap(CivilDate.init) ?? CivilDate.today(at: now)
            let span = max(end.daysSinceEpoch - opened.daysSinceEpoch, 1)
            for _ in 0..<Int.random(in: 3...6, using: &random) {
                let day = CivilDate(daysSinceEpoch: opened.daysSinceEpoch + Int.random(in: 0...span, using: &random))
                let contact = Contact()
                contact.$supportCase.id = supportCase.id!
                contact.happenedAt = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86400 + Double(Int.random(in: 9...19, using: &random)) * 3600)
                let kind = random.weighted([(Contact.Kind.faceToFace, 5.0), (.phone, 4), (.message, 2), (.homeVisit, 2),
                                            (.professionalMeeting, 1), (.didNotAttend, 1)])
                contact.kind = kind
                contact.durationMinutes = kind == .didNotAttend ? 0 : Int.random(in: 10...90, using: &random)
                contact.present = kind == .professionalMeeting ? "professional" : "young_person"
                contact.notes = try app.cipher.seal(random.element(notes))
                contact.sensitive = random.chance(0.1)
                contact.recordedByID = worker
                contacts.append(contact)
            }
            let rating = RiskRating()
            rating.$supportCase.id = supportCase.id!
            rating.rating = random.weighted([("red", 2.0), ("amber", 5), ("green", 3)])
            rating.reason = try app.cipher.seal("Assessed at the first meeting.")
            rating.ratedAt = Date(timeIntervalSince1970: Double(opened.daysSinceEpoch) * 86400 + 12 * 3600)
            rating.ratedByID = worker
            rating.indicators = "going_missing"
            ratings.append(rating)
        }
        let contactBatches = contacts.chunked(into: 500), ratingBatches = ratings.chunked(into: 500)
        try await app.writes.transaction(on: app.db) { db in
            for batch in contactBatches { try await batch.create(on: db) }
            for batch in ratingBatches { try await batch.create(on: db) }
        }
        return contacts.count
    }
}
