import Foundation

/// Geometry of a donut chart: one ring segment per category, as an SVG path, with the share each takes.
public struct DonutChart: Equatable, Sendable, Encodable {
    public struct Segment: Equatable, Sendable, Encodable {
        public let label: String
        public let value: Double
        public let percentText: String
        /// An SVG path (`d` attribute) for the ring segment.
        public let path: String
        /// A colour slot from 1 to 8; the stylesheet gives each slot a colour and a pattern-free contrast.
        public let colourSlot: Int
    }

    public let size: Double
    public let segments: [Segment]
    public let total: Double

    public init(data: [(label: String, value: Double)], size: Double = 220, thickness: Double = 44) {
        self.size = size
        let values = data.map { max($0.value, 0) }
        total = values.reduce(0, +)
        let centre = size / 2, outer = size / 2 - 2, inner = outer - thickness
        var angle = -Double.pi / 2
        var segments: [Segment] = []
        for (index, datum) in data.enumerated() {
            let share = total > 0 ? values[index] / total : 0
            let sweep = share * 2 * Double.pi
            let path: String
            if share >= 0.9999 {
                path = DonutChart.fullRing(centre: centre, outer: outer, inner: inner)
            } else if share <= 0 {
                path = ""
            } else {
                path = DonutChart.arc(centre: centre, outer: outer, inner: inner, from: angle, to: angle + sweep)
            }
            segments.append(Segment(label: datum.label, value: datum.value,
                                    percentText: String(format: "%.1f%%", share * 100), path: path,
                                    colourSlot: index % 8 + 1))
            angle += sweep
        }
        self.segments = segments
    }

    static func point(_ centre: Double, _ radius: Double, _ angle: Double) -> String {
        String(format: "%.2f %.2f", centre + radius * cos(angle), centre + radius * sin(angle))
    }

    static func arc(centre: Double, outer: Double, inner: Double, from start: Double, to end: Double) -> String {
        let large = end - start > Double.pi ? 1 : 0
        return "M \(point(centre, outer, start)) A \(fmt(outer)) \(fmt(outer)) 0 \(large) 1 \(point(centre, outer, end)) "
            + "L \(point(centre, inner, end)) A \(fmt(inner)) \(fmt(inner)) 0 \(large) 0 \(point(centre, inner, start)) Z"
    }

    /// A whole ring is two half rings: one arc cannot start and end at the same point.
    static func fullRing(centre: Double, outer: Double, inner: Double) -> String {
        let top = -Double.pi / 2, bottom = Double.pi / 2
        return arc(centre: centre, outer: outer, inner: inner, from: top, to: bottom) + " "
            + arc(centre: centre, outer: outer, inner: inner, from: bottom, to: top + 2 * Double.pi)
    }

    static func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
}
