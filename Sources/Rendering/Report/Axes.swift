/// Axis drawing shared by the charts: a y axis with gridlines and tick labels, an x axis
/// with labels at chosen positions, and axis titles.
struct PlotArea {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var right: Double { left + width }
    var bottom: Double { top + height }

    func y(_ value: Double, _ scale: NiceScale) -> Double { scale.position(value, from: bottom, to: top) }

    /// Horizontal gridlines and labels at every tick, and a vertical title on the left.
    func drawYAxis(_ svg: inout SVG, scale: NiceScale, unit: String?, title: String?, labelSize: Double = 11) {
        for (tick, label) in zip(scale.ticks, scale.labels(unit: unit)) {
            let y = self.y(tick, scale)
            svg.line(x1: left, y1: y, x2: right, y2: y, stroke: tick == 0 ? Palette.muted : Palette.grid, width: tick == 0 ? 1 : 0.8)
            svg.text(label, x: left - 6, y: y + labelSize * 0.35, anchor: .end, size: labelSize, fill: Palette.muted)
        }
        if let title {
            svg.text(title, x: left - 52, y: top + height / 2, anchor: .middle, size: 11, fill: Palette.muted, rotate: -90)
        }
    }

    /// Tick marks and labels under the plot at the given positions.
    func drawXAxis(_ svg: inout SVG, ticks: [(x: Double, label: String)], title: String?, labelSize: Double = 11) {
        svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: Palette.muted)
        for t in ticks {
            svg.line(x1: t.x, y1: bottom, x2: t.x, y2: bottom + 4, stroke: Palette.muted)
            svg.text(t.label, x: t.x, y: bottom + 6 + labelSize, anchor: .middle, size: labelSize, fill: Palette.muted)
        }
        if let title {
            svg.text(title, x: left + width / 2, y: bottom + 2 * labelSize + 16, anchor: .middle, size: 11, fill: Palette.muted)
        }
    }
}
