import Foundation

/// Geometry of a radar (spider) chart: one spoke per area from the centre, rings for the scale, and one polygon
/// per series (entry and latest scores, say). Scores run from 0 at the centre to `maximum` at the rim.
public struct RadarChart: Equatable, Sendable, Encodable {
    public struct Spoke: Equatable, Sendable, Encodable {
        public let label: String
        public let x: Double
        public let y: Double
        public let labelX: Double
        public let labelY: Double
        /// `start`, `middle` or `end`, so labels sit outside the rim on every side.
        public let anchor: String
    }

    public struct Series: Equatable, Sendable, Encodable {
        public let name: String
        public let points: String
    }

    public struct Ring: Equatable, Sendable, Encodable {
        public let points: String
        public let value: Double
    }

    public let size: Double
    public let centre: Double
    public let spokes: [Spoke]
    public let rings: [Ring]
    public let series: [Series]

    public init(areas: [String], series input: [(name: String, values: [Double])], maximum: Double = 10, size: Double = 360,
                ringCount: Int = 5) {
        self.size = size
        centre = size / 2
        let radius = size / 2 - 70
        let count = max(areas.count, 1)
        let centre = size / 2
        func point(_ index: Int, _ fraction: Double) -> (Double, Double) {
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(count)
            return (centre + radius * fraction * cos(angle), centre + radius * fraction * sin(angle))
        }
        func polygon(_ fractions: [Double]) -> String {
            fractions.enumerated().map { index, fraction in
                let (x, y) = point(index, fraction)
                return String(format: "%.2f,%.2f", x, y)
            }.joined(separator: " ")
        }
        spokes = areas.enumerated().map { index, label in
            let (x, y) = point(index, 1)
            let (lx, ly) = point(index, 1.12)
            let anchor = abs(lx - centre) < 1 ? "middle" : (lx > centre ? "start" : "end")
            return Spoke(label: label, x: x, y: y, labelX: lx, labelY: ly + 4, anchor: anchor)
        }
        rings = (1...max(ringCount, 1)).map { step in
            let fraction = Double(step) / Double(ringCount)
            return Ring(points: polygon(Array(repeating: fraction, count: count)), value: maximum * fraction)
        }
        series = input.map { entry in
            Series(name: entry.name, points: polygon(entry.values.map { min(max($0, 0), maximum) / maximum }))
        }
    }
}
