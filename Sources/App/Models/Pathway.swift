import Fluent
import Foundation

/// An outcome-wheel assessment: each configured area scored 1 to 10 at entry, at reviews and at exit.
final class WheelAssessment: Model, @unchecked Sendable {
    static let schema = "wheel_assessments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Field(key: "stage") var stage: String
    @Field(key: "assessed_on") var assessedOn: String
    @Field(key: "assessed_by_id") var assessedByID: UUID
    @Children(for: \.$assessment) var scores: [WheelScore]

    init() {}
}

final class WheelScore: Model, @unchecked Sendable {
    static let schema = "wheel_scores"

    @ID(key: .id) var id: UUID?
    @Parent(key: "assessment_id") var assessment: WheelAssessment
    @Field(key: "area") var area: String
    @Field(key: "score") var score: Int

    init() {}

    init(assessmentID: UUID, area: String, score: Int) {
        self.$assessment.id = assessmentID
        self.area = area
        self.score = score
    }
}

/// A goal of the tailored intervention pathway, tied to an outcome area.
final class Goal: Model, @unchecked Sendable {
    static let schema = "goals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Field(key: "area") var area: String
    /// Sealed: goals can say a great deal about a young person.
    @Field(key: "description") var description: String
    @Field(key: "status") var status: String
    @Field(key: "progress") var progress: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
