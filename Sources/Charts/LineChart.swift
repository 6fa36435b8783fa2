import Foundation

/// Geometry of a line chart over labelled steps (months of a year, say), optionally with a second series
/// (the previous year) for comparison.
public struct LineChart: Equatable, Sendable, Encodable {
    public struct Point: Equatable, Sendable, Encodable {
        public let label: String
        public let value: Double
        public let x: Double
        public let y: Double
    }

    public struct Series: Equatable, Sendable, Encodable {
        public let name: String
        public let points: [Point]
        /// The `points` attribute of an SVG polyline.
        public let polyline: String
    }

    public struct Tick: Equatable, Sendable, Encodable {
        public let text: String
        public let y: Double
    }

    public let width: Double
    public let height: Double
    public let plotLeft: Double
    public let plotRight: Double
    public let plotTop: Double
    public let plotBottom: Double
    public let series: [Series]
    public let ticks: [Tick]
    public let labels: [Point]

    public init(labels: [String], series input: [(name: String, values: [Double])], width: Double = 640, height: Double = 260) {
        self.width = width
        self.height = height
        plotLeft = 44
        plotRight = width - 12
        plotTop = 12
        plotBottom = height - 36
        let scale = LinearScale(covering: input.flatMap(\.values), wholeNumbers: true)
        let step = labels.count > 1 ? (plotRight - plotLeft) / Double(labels.count - 1) : 0
        let plotHeight = plotBottom - plotTop
        let bottom = plotBottom, left = plotLeft
        func y(_ value: Double) -> Double { bottom - scale.position(of: value, length: plotHeight) }
        series = input.map { entry in
            let points = zip(labels, entry.values).enumerated().map { index, pair in
                Point(label: pair.0, value: pair.1, x: left + Double(index) * step, y: y(pair.1))
            }
            let polyline = points.map { String(format: "%.2f,%.2f", $0.x, $0.y) }.joined(separator: " ")
            return Series(name: entry.name, points: points, polyline: polyline)
        }
        ticks = scale.ticks.map { Tick(text: BarChart.format($0), y: y($0)) }
        self.labels = labels.enumerated().map { index, label in
            Point(label: label, value: 0, x: left + Double(index) * step, y: bottom + 20)
        }
    }
}
