import Charts
import Testing

@Suite("Chart geometry")
struct BarChartTests {
    @Test("Scales end on a round number above the largest value", arguments: [
        ([106.0, 28], 120.0), ([7.0], 8.0), ([0.0], 1.0), ([], 1.0), ([0.4], 0.4), ([999.0], 1000.0), ([-5.0, 3], 3.0),
    ])
    func scaleMaximum(values: [Double], expected: Double) {
        #expect(abs(LinearScale(covering: values).maximum - expected) < 1e-9)
    }

    @Test("Counts get whole-number ticks")
    func wholeNumbers() {
        #expect(LinearScale(covering: [2], wholeNumbers: true).ticks == [0, 1, 2])
        #expect(LinearScale(covering: [2]).ticks.contains(0.5))
    }

    @Test("Ticks start at zero, rise evenly and reach the maximum")
    func ticks() {
        let scale = LinearScale(covering: [106])
        #expect(scale.ticks == [0, 20, 40, 60, 80, 100, 120])
        #expect(scale.position(of: 60, length: 300) == 150)
        #expect(scale.position(of: 500, length: 300) == 300, "values past the maximum stay inside the plot")
    }

    @Test("Bars are as long as their values, stacked top to bottom")
    func bars() {
        let chart = BarChart(data: [("Police", 60), ("Education", 30), ("Self", 0)], width: 600, barHeight: 20, gap: 10,
                             labelWidth: 200, valueWidth: 100)
        #expect(chart.bars.map(\.width) == [300, 150, 0])
        #expect(chart.bars.map(\.y) == [8, 38, 68])
        #expect(chart.bars[0].valueX == 506)
        #expect(chart.bars[1].valueText == "30")
        #expect(chart.ticks.first?.x == 200 && chart.ticks.last?.x == 500)
        #expect(chart.height == chart.plotBottom + 24)
    }

    @Test("Values print as whole numbers or to one decimal place")
    func formatting() {
        #expect(BarChart.format(80) == "80")
        #expect(BarChart.format(12.25) == "12.2" || BarChart.format(12.25) == "12.3")
        #expect(BarChart.format(0.5) == "0.5")
    }
}

@Suite("Donut and line geometry")
struct DonutAndLineTests {
    @Test("Donut segments share the ring in proportion, and one whole category is a full ring")
    func donut() {
        let chart = DonutChart(data: [("Male", 75), ("Female", 25)], size: 200, thickness: 40)
        #expect(chart.total == 100)
        #expect(chart.segments.map(\.percentText) == ["75.0%", "25.0%"])
        #expect(chart.segments[0].path.hasPrefix("M 100.00 2.00 A 98.00 98.00 0 1 1"), "starts at twelve o'clock, large arc")
        #expect(chart.segments[1].path.contains(" 0 0 1 "), "a quarter is a small arc")
        let whole = DonutChart(data: [("Police", 5)], size: 200, thickness: 40)
        #expect(whole.segments[0].path.components(separatedBy: "Z").count == 3, "two half rings")
        let empty = DonutChart(data: [("None", 0)])
        #expect(empty.segments[0].path.isEmpty && empty.segments[0].percentText == "0.0%")
    }

    @Test("Line points rise with their values and spread evenly across the plot")
    func line() {
        let chart = LineChart(labels: ["Apr", "May", "Jun"], series: [("2023-24", [0, 6, 12])], width: 300, height: 200)
        let points = chart.series[0].points
        #expect(points.map(\.x) == [44, 166, 288])
        #expect(points[0].y == chart.plotBottom)
        #expect(points[2].y < points[1].y && points[1].y < points[0].y)
        #expect(chart.series[0].polyline.split(separator: " ").count == 3)
        #expect(chart.ticks.first?.text == "0")
    }
}

@Suite("Radar geometry")
struct RadarTests {
    @Test("Spokes start at twelve o'clock and go clockwise; a full score reaches the rim, zero the centre")
    func radar() {
        let chart = RadarChart(areas: ["Safe", "Health", "School", "Family"], series: [("Entry", [10, 0, 5, 10])], size: 340)
        #expect(chart.spokes.count == 4)
        #expect(abs(chart.spokes[0].x - 170) < 0.01 && abs(chart.spokes[0].y - 70) < 0.01, "top")
        #expect(chart.spokes[1].x > 170 && chart.spokes[1].anchor == "start", "then the right")
        #expect(chart.spokes[3].anchor == "end")
        let points = chart.series[0].points.split(separator: " ").map(String.init)
        #expect(points[0] == "170.00,70.00")
        #expect(points[1] == "170.00,170.00", "zero sits at the centre")
        #expect(points[2] == "170.00,220.00", "five of ten is half way down")
        #expect(chart.rings.count == 5 && chart.rings.last?.value == 10)
    }

    @Test("A label too long for the space left of the bars is cut with an ellipsis; a short one is drawn whole")
    func longLabels() {
        let chart = BarChart(data: [("Child criminal exploitation through county lines and cuckooing", 3), ("Other", 1)])
        #expect(chart.bars[0].shownLabel.hasSuffix("…") && chart.bars[0].shownLabel.count <= 25)
        #expect(chart.bars[0].label.hasPrefix("Child criminal exploitation through"))
        #expect(chart.bars[1].shownLabel == "Other")
    }
}
