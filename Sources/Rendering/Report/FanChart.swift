/// History and forecast of one series: the actual values as a solid line, the forecasts
/// as a dashed line from the last actual, and the prediction interval as a shaded band.
public struct FanChart: Sendable {
    public struct Point: Sendable {
        public let period: String
        public let forecast: Double
        public let lower: Double
        public let upper: Double
        public init(period: String, forecast: Double, lower: Double, upper: Double) {
            self.period = period
            self.forecast = forecast
            self.lower = lower
            self.upper = upper
        }
    }

    /// Period labels and values of the history (nil: missing, a gap in the line).
    public let history: [(period: String, value: Double?)]
    /// Forecasts for the periods right after the history (horizon 1, 2, …).
    public let forecast: [Point]
    public let unit: String?
    public let yTitle: String
    public let levelPercent: String
    public let width: Double
    public let height: Double
    /// The first history period's position in its calendar cycle (e.g. month − 1), so that
    /// labels fall on round periods (January and July rather than every fifth month).
    public let phase: Int

    public init(
        history: [(period: String, value: Double?)], forecast: [Point], unit: String?, yTitle: String, levelPercent: String,
        width: Double = 1100, height: Double = 340, phase: Int = 0
    ) {
        self.history = history
        self.forecast = forecast
        self.unit = unit
        self.yTitle = yTitle
        self.levelPercent = levelPercent
        self.width = width
        self.height = height
        self.phase = phase
    }

    public func svg(title: String) -> String {
        var svg = SVG(width: width, height: height)
        let compact = width < 700
        let area = PlotArea(left: 84, top: 34, width: width - 84 - 24, height: height - 34 - (compact ? 48 : 58))
        let values = history.compactMap(\.value).filter(\.isFinite) + forecast.flatMap { [$0.lower, $0.upper] }.filter(\.isFinite)
        guard !values.isEmpty else {
            svg.text("no values to draw", x: width / 2, y: height / 2, anchor: .middle, size: 12, fill: Palette.muted)
            return svg.render(title: title)
        }
        let scale = NiceScale(minimum: values.min()!, maximum: values.max()!, maxTicks: compact ? 5 : 7)
        area.drawYAxis(&svg, scale: scale, unit: unit, title: yTitle)
        let count = history.count + forecast.count
        func x(_ i: Int) -> Double { area.left + (Double(i) + 0.5) / Double(Swift.max(count, 1)) * area.width }
        // x labels: every kth period, k from 1, 2, 3, 6, 12, … so that about 9
        // (5 when compact) fit, on periods whose position in the cycle is a multiple of k; and the first forecast.
        let wanted = Double(count) / (compact ? 5 : 9)
        var every = 1
        for k in [1, 2, 3, 6, 12, 24, 48, 96] where Double(k) >= wanted {
            every = k
            break
        }
        if Double(every) < wanted { every = Int(wanted.rounded(.up)) }
        var ticks: [(x: Double, label: String)] = []
        let labels = history.map(\.period) + forecast.map(\.period)
        for i in 0..<history.count where ((phase + i) % every + every) % every == 0 && (forecast.isEmpty || history.count - i > every / 2) {
            ticks.append((x(i), labels[i]))
        }
        if !forecast.isEmpty { ticks.append((x(history.count), labels[history.count])) }
        area.drawXAxis(&svg, ticks: ticks, title: nil, labelSize: compact ? 10 : 11)
        // Forecast region shading and the band.
        if !forecast.isEmpty {
            let start = x(history.count) - area.width / Double(count) / 2
            svg.rect(x: start, y: area.top, width: area.right - start, height: area.height, fill: "#fff5f5")
            svg.text("forecast", x: start + 4, y: area.top + 12, size: 10, fill: Palette.forecast)
            var band: [(Double, Double)] = []
            var anchor: (Int, Double)?
            if let last = history.indices.last, let v = history[last].value, v.isFinite { anchor = (last, v) }
            if let a = anchor { band.append((x(a.0), area.y(a.1, scale))) }
            for (h, p) in forecast.enumerated() { band.append((x(history.count + h), area.y(p.upper, scale))) }
            for (h, p) in forecast.enumerated().reversed() { band.append((x(history.count + h), area.y(p.lower, scale))) }
            svg.polygon(band, fill: Palette.band, opacity: 0.55)
            var line: [(Double, Double)?] = []
            if let a = anchor { line.append((x(a.0), area.y(a.1, scale))) }
            for (h, p) in forecast.enumerated() { line.append((x(history.count + h), area.y(p.forecast, scale))) }
            svg.polyline(line, stroke: Palette.forecast, width: 2, dash: "6 4")
            for (h, p) in forecast.enumerated() {
                svg.circle(
                    cx: x(history.count + h), cy: area.y(p.forecast, scale), r: 3, fill: Palette.forecast,
                    title:
                        """
                        \(p.period): \(ReportNumber.withUnit(p.forecast, unit)) (\(levelPercent) interval \(ReportNumber.compact(p.lower)) \
                        to \(ReportNumber.compact(p.upper)))
                        """
                )
            }
        }
        svg.polyline(
            history.enumerated().map { i, h in h.value.flatMap { $0.isFinite ? (x(i), area.y($0, scale)) : nil } },
            stroke: Palette.actual, width: 2)
        // Legend.
        let lx = area.left + 8
        svg.line(x1: lx, y1: 14, x2: lx + 24, y2: 14, stroke: Palette.actual, width: 2)
        svg.text("actual", x: lx + 30, y: 18, size: 11)
        svg.line(x1: lx + 90, y1: 14, x2: lx + 114, y2: 14, stroke: Palette.forecast, width: 2, dash: "6 4")
        svg.text("forecast", x: lx + 120, y: 18, size: 11)
        svg.rect(x: lx + 190, y: 8, width: 24, height: 12, fill: Palette.band)
        svg.text("\(levelPercent) prediction interval", x: lx + 220, y: 18, size: 11)
        return svg.render(title: title)
    }
}
