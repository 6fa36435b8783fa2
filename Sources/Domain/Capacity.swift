/// A caseworker's capacity today (SPEC §2.5): their contracted cases, or none while a long-term sickness absence
/// lasts (it has begun and has not ended, or has no end yet).
public enum Capacity {
    public struct AbsencePeriod: Sendable {
        public let kind: String
        public let from: CivilDate
        public let to: CivilDate?

        public init(kind: String, from: CivilDate, to: CivilDate?) {
            self.kind = kind
            self.from = from
            self.to = to
        }

        public func covers(_ day: CivilDate) -> Bool { from <= day && (to.map { day <= $0 } ?? true) }
    }

    public static func available(contracted: Int, absences: [AbsencePeriod], on day: CivilDate) -> Int {
        absences.contains { $0.kind == "long_term_sickness" && $0.covers(day) } ? 0 : contracted
    }
}
