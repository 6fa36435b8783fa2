import Domain
import Fluent
import Vapor

/// A set of cases' records, each table read once.
struct CaseRecordsForExport {
    let assignments: [CaseAssignment]
    let caseworkers: [UUID: String]
    let contacts: [Contact]
    let ratings: [RiskRating]
    let goals: [Goal]
    let wheels: [WheelAssessment]
    let registers: [CaseRegisterEntry]
    let measures: [OutcomeMeasure]

    static func load(_ caseIDs: [UUID], on db: any Database) async throws -> CaseRecordsForExport {
        let assignments = try await CaseAssignment.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).sort(\.$assignedAt).all()
        let names = try await User.query(on: db).filter(\.$id ~~ Set(assignments.map(\.$caseworker.id))).all()
        return CaseRecordsForExport(
            assignments: assignments,
            caseworkers: Dictionary(names.compactMap { user in user.id.map { ($0, user.displayName) } }) { first, _ in first },
            contacts: try await Contact.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).sort(\.$happenedAt).all(),
            ratings: try await RiskRating.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).sort(\.$ratedAt).all(),
            goals: try await Goal.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).all(),
            wheels: try await WheelAssessment.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).with(\.$scores).sort(\.$assessedOn).all(),
            registers: try await CaseRegisterEntry.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).sort(\.$occurredOn).all(),
            measures: try await OutcomeMeasure.query(on: db).filter(\.$supportCase.$id ~~ caseIDs).sort(\.$recordedOn).all())
    }

    func part(of c: SupportCase, cipher: FieldCipher) throws -> SubjectAccessExport.CasePart {
        func open(_ sealed: String?) throws -> String? { try sealed.flatMap { $0.isEmpty ? nil : try cipher.open($0) } }
        return SubjectAccessExport.CasePart(
            region: c.region.name, openedDate: c.openedDate, closedDate: c.closedDate, closureReason: c.closureReason,
            closureNote: try open(c.closureNote ?? c.closureRequestedReason),
            assignments: assignments.filter { $0.$supportCase.id == c.id }.map {
                .init(caseworker: caseworkers[$0.$caseworker.id] ?? "A former member of staff", assignedAt: $0.assignedAt)
            },
            contacts: try contacts.filter { $0.$supportCase.id == c.id }.map {
                .init(happenedAt: $0.happenedAt, when: DateFormats.display.string(from: $0.happenedAt), kind: $0.kind.rawValue, durationMinutes: $0.durationMinutes,
                      present: StoredCodes.split($0.present), notes: try open($0.notes), sensitive: $0.sensitive)
            },
            riskRatings: try ratings.filter { $0.$supportCase.id == c.id }.map {
                .init(ratedAt: $0.ratedAt, when: DateFormats.display.string(from: $0.ratedAt), rating: $0.rating, reason: try open($0.reason) ?? "",
                      indicators: StoredCodes.split($0.indicators))
            },
            goals: try goals.filter { $0.$supportCase.id == c.id }.map {
                .init(area: $0.area, description: try open($0.description) ?? "", status: $0.status, progress: $0.progress)
            },
            outcomeWheel: wheels.filter { $0.$supportCase.id == c.id }.map { assessment in
                .init(stage: assessment.stage, assessedOn: assessment.assessedOn,
                      scores: Dictionary(assessment.scores.map { ($0.area, $0.score) }) { first, _ in first })
            },
            registers: try registers.filter { $0.$supportCase.id == c.id }.map { entry in
                let fields = try open(entry.fields).map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
                return .init(kind: entry.kind, occurredOn: entry.occurredOn, fields: fields)
            },
            outcomeMeasures: measures.filter { $0.$supportCase.id == c.id }.map { m in
                .init(stage: m.stage.rawValue, recordedOn: m.recordedOn, safety: m.safety, mentalHealth: m.mentalHealth,
                      criminogenicNeed: m.criminogenicNeed, missingEpisodes: m.missingEpisodes, offences: m.offences,
                      countyLinesActive: m.countyLinesActive, familyConflict: m.familyConflict, eet: m.eet,
                      goalProgress: m.goalProgress)
            })
    }
}
