import Foundation

/// Geometry of a horizontal bar chart (one bar per category, label on the left, value on the right), in SVG
/// user units. Templates draw it; they do no arithmetic.
public struct BarChart: Equatable, Sendable, Encodable {
    public struct Bar: Equatable, Sendable, Encodable {
        public let label: String
        /// The label as drawn: cut with an ellipsis where it would run past the chart's left edge (the full label
        /// is in the bar's title and the table beside every chart).
        public let shownLabel: String
        public let value: Double
        public let valueText: String
        public let x: Double
        public let y: Double
        public let width: Double
        public let height: Double
        /// Where the value's text sits, just past the end of the bar.
        public let valueX: Double
        /// The baseline of the label and value texts, centred on the bar.
        public let textY: Double
    }

    public struct Tick: Equatable, Sendable, Encodable {
        public let value: Double
        public let text: String
        public let x: Double
    }

    public let width: Double
    public let height: Double
    public let bars: [Bar]
    public let ticks: [Tick]
    public let plotLeft: Double
    public let plotBottom: Double

    public init(data: [(label: String, value: Double)], width: Double = 640, barHeight: Double = 24,
                gap: Double = 8, labelWidth: Double = 200, valueWidth: Double = 56) {
        let scale = LinearScale(covering: data.map(\.value), wholeNumbers: true)
        let plotWidth = max(width - labelWidth - valueWidth, 1)
        let top = 8.0
        self.width = width
        plotLeft = labelWidth
        bars = data.enumerated().map { index, datum in
            let y = top + Double(index) * (barHeight + gap)
            let length = scale.position(of: datum.value, length: plotWidth)
            return Bar(label: datum.label, shownLabel: BarChart.fit(datum.label, width: labelWidth - 8), value: datum.value, valueText: BarChart.format(datum.value),
                       x: labelWidth, y: y, width: length, height: barHeight, valueX: labelWidth + length + 6,
                       textY: y + barHeight * 0.68)
        }
        plotBottom = top + Double(data.count) * (barHeight + gap)
        ticks = scale.ticks.map { Tick(value: $0, text: BarChart.format($0), x: labelWidth + scale.position(of: $0, length: plotWidth)) }
        height = plotBottom + 24
    }

    /// Characters of 13-pixel text that fit in `width` user units, at a generous 7.5 units each.
    static func fit(_ label: String, width: Double) -> String {
        let room = max(4, Int(width / 7.5))
        return label.count <= room ? label : String(label.prefix(room - 1)).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// Whole numbers without decimals; others to one decimal place.
    public static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}
