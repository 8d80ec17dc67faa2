/// A measure's organisation series in a small chart: the values (gaps stay gaps), its
/// fitted trend line (dashed), the target (dotted green), the y range labelled with the
/// unit and the first and last periods under the x axis.
public struct Sparkline: Sendable {
    /// One value per period of the window; nil where missing (not drawn).
    public let values: [Double?]
    public let firstPeriod: String
    public let lastPeriod: String
    /// The OLS trend line (intercept at index 0, slope per period), when fitted.
    public let trend: (intercept: Double, slope: Double)?
    public let target: Double?
    public let unit: String?
    public var colour: String = Palette.actual

    public init(
        values: [Double?], firstPeriod: String, lastPeriod: String, trend: (intercept: Double, slope: Double)? = nil,
        target: Double? = nil, unit: String? = nil
    ) {
        self.values = values
        self.firstPeriod = firstPeriod
        self.lastPeriod = lastPeriod
        self.trend = trend
        self.target = target
        self.unit = unit
    }

    public func svg(title: String) -> String {
        var svg = SVG(width: 250, height: 62)
        let area = PlotArea(left: 50, top: 6, width: 192, height: 38)
        let present = values.compactMap { $0 }.filter(\.isFinite)
        guard !present.isEmpty else {
            svg.text("no values in the window", x: 125, y: 30, anchor: .middle, size: 11, fill: Palette.muted)
            return svg.render(title: title, className: "sparkline")
        }
        var lo = present.min()!
        var hi = present.max()!
        if let target, target.isFinite {
            lo = Swift.min(lo, target)
            hi = Swift.max(hi, target)
        }
        let scale = NiceScale(minimum: lo, maximum: hi, maxTicks: 3)
        let labels = scale.labels(unit: unit)
        svg.rect(x: area.left, y: area.top, width: area.width, height: area.height, fill: Palette.faint)
        svg.text(labels.last!, x: area.left - 4, y: area.top + 8, anchor: .end, size: 10, fill: Palette.muted)
        svg.text(labels.first!, x: area.left - 4, y: area.bottom, anchor: .end, size: 10, fill: Palette.muted)
        let count = Swift.max(values.count - 1, 1)
        func x(_ i: Int) -> Double { area.left + Double(i) / Double(count) * area.width }
        if let target, target.isFinite {
            svg.line(
                x1: area.left, y1: area.y(target, scale), x2: area.right, y2: area.y(target, scale), stroke: "#1a7f37", width: 1,
                dash: "2 2")
        }
        if let trend {
            let a = trend.intercept
            let b = trend.slope
            if a.isFinite && b.isFinite {
                let y0 = Swift.max(scale.lower, Swift.min(scale.upper, a))
                let y1 = Swift.max(scale.lower, Swift.min(scale.upper, a + b * Double(values.count - 1)))
                svg.line(
                    x1: x(0), y1: area.y(y0, scale), x2: x(values.count - 1), y2: area.y(y1, scale), stroke: Palette.muted, width: 1,
                    dash: "4 3")
            }
        }
        svg.polyline(
            values.enumerated().map { i, v in v.flatMap { $0.isFinite ? (x(i), area.y($0, scale)) : nil } }, stroke: colour, width: 1.6)
        if let lastIndex = values.lastIndex(where: { $0 != nil && $0!.isFinite }) {
            svg.circle(cx: x(lastIndex), cy: area.y(values[lastIndex]!, scale), r: 2.5, fill: colour)
        }
        svg.text(firstPeriod, x: area.left, y: 58, size: 10, fill: Palette.muted)
        svg.text(lastPeriod, x: area.right, y: 58, anchor: .end, size: 10, fill: Palette.muted)
        return svg.render(title: title, className: "sparkline")
    }
}
