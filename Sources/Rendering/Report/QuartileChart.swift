/// Top- vs bottom-quartile teams, one row per measure, as a dumbbell chart on an index
/// scale: the bottom quartile's mean is 100 and the top quartile's is 100 × top/bottom
/// (so every measure, whatever its unit, reads on one axis), with the means in their
/// units, Cohen's d and the q-value in columns beside it.
public struct QuartileChart: Sendable {
    public struct Row: Sendable {
        public let label: String
        public let unit: String?
        public let topMean: Double?
        public let bottomMean: Double?
        /// top / bottom; nil when undefined (bottom mean ≤ 0).
        public let ratio: Double?
        public let cohensD: Double?
        /// BH q (measures) or Welch p (the ROI row), for the significance mark.
        public let q: Double?
        public let qLabel: String
        /// Lower is better for this measure: a top-quartile value below the bottom's is good.
        public let lowerIsBetter: Bool

        public init(
            label: String, unit: String?, topMean: Double?, bottomMean: Double?, ratio: Double?, cohensD: Double?,
            q: Double?, qLabel: String = "q", lowerIsBetter: Bool = false
        ) {
            self.label = label
            self.unit = unit
            self.topMean = topMean
            self.bottomMean = bottomMean
            self.ratio = ratio
            self.cohensD = cohensD
            self.q = q
            self.qLabel = qLabel
            self.lowerIsBetter = lowerIsBetter
        }
    }

    public let rows: [Row]
    public let topLabel: String
    public let bottomLabel: String

    public init(rows: [Row], topLabel: String, bottomLabel: String) {
        self.rows = rows
        self.topLabel = topLabel
        self.bottomLabel = bottomLabel
    }

    /// `***` q < 0.001, `**` < 0.01, `*` < 0.05, else nothing.
    public static func stars(_ q: Double?) -> String {
        guard let q, q.isFinite else { return "" }
        return q < 0.001 ? "***" : q < 0.01 ? "**" : q < 0.05 ? "*" : ""
    }

    public func svg(title: String) -> String {
        let rowHeight = 30.0
        let header = 54.0
        let height = header + Double(rows.count) * rowHeight + 56
        var svg = SVG(width: 1160, height: height)
        let area = PlotArea(left: 230, top: header, width: 440, height: Double(rows.count) * rowHeight)
        let indices = rows.compactMap { $0.ratio.map { $0 * 100 } }.filter(\.isFinite) + [100]
        let scale = NiceScale(minimum: indices.min()!, maximum: indices.max()!, maxTicks: 7)
        // Legend and column heads.
        svg.circle(cx: area.left + 6, cy: 14, r: 6, fill: Palette.top)
        svg.text(topLabel, x: area.left + 18, y: 18, size: 12)
        svg.circle(cx: area.left + 236, cy: 14, r: 6, fill: Palette.bottom)
        svg.text(bottomLabel, x: area.left + 248, y: 18, size: 12)
        let columns: [(String, Double)] = [("top mean", 800), ("bottom mean", 910), ("Cohen's d", 1010), ("q", 1100)]
        for (head, x) in columns { svg.text(head, x: x, y: header - 10, anchor: .end, size: 11, fill: Palette.muted, weight: "bold") }
        svg.text("measure", x: 12, y: header - 10, size: 11, fill: Palette.muted, weight: "bold")
        // Grid and the 100 line.
        for (tick, label) in zip(scale.ticks, scale.labels()) {
            let x = scale.position(tick, from: area.left, to: area.right)
            svg.line(
                x1: x, y1: area.top, x2: x, y2: area.bottom, stroke: tick == 100 ? Palette.muted : Palette.grid,
                width: tick == 100 ? 1.2 : 0.8)
            svg.line(x1: x, y1: area.bottom, x2: x, y2: area.bottom + 4, stroke: Palette.muted)
            svg.text(label, x: x, y: area.bottom + 17, anchor: .middle, size: 11, fill: Palette.muted)
        }
        svg.text(
            "index: bottom-quartile mean = 100", x: area.left + area.width / 2, y: area.bottom + 36, anchor: .middle, size: 11,
            fill: Palette.muted)
        for (i, row) in rows.enumerated() {
            let y = area.top + (Double(i) + 0.5) * rowHeight
            if i % 2 == 0 { svg.rect(x: 4, y: y - rowHeight / 2, width: 1152, height: rowHeight, fill: Palette.faint) }
            let stars = Self.stars(row.q)
            svg.text(
                XML.truncate(row.label, to: 30) + (stars.isEmpty ? "" : " " + stars), x: 12, y: y + 4, size: 12,
                weight: stars.isEmpty ? nil : "bold")
            if let ratio = row.ratio, ratio.isFinite {
                let xb = scale.position(100, from: area.left, to: area.right)
                let xt = scale.position(ratio * 100, from: area.left, to: area.right)
                let good = row.lowerIsBetter ? ratio < 1 : ratio > 1
                svg.line(x1: xb, y1: y, x2: xt, y2: y, stroke: good ? "#8cc4ff" : "#ffb77c", width: 5)
                svg.circle(
                    cx: xb, cy: y, r: 6, fill: Palette.bottom, title: "\(bottomLabel): \(ReportNumber.withUnit(row.bottomMean, row.unit))")
                svg.circle(
                    cx: xt, cy: y, r: 6, fill: Palette.top,
                    title:
                        """
                        \(topLabel): \(ReportNumber.withUnit(row.topMean, row.unit)) (index \
                        \(ReportNumber.fixed(ratio * 100, decimals: 0)))
                        """
                )
                let label = ReportNumber.fixed(ratio * 100, decimals: 0)
                svg.text(label, x: xt + (xt >= xb ? 10 : -10), y: y + 4, anchor: xt >= xb ? .start : .end, size: 10, fill: Palette.top)
            } else {
                svg.text("— no index (bottom mean ≤ 0 or missing)", x: area.left + 8, y: y + 4, size: 11, fill: Palette.muted)
            }
            svg.text(ReportNumber.withUnit(row.topMean, row.unit), x: 800, y: y + 4, anchor: .end, size: 12)
            svg.text(ReportNumber.withUnit(row.bottomMean, row.unit), x: 910, y: y + 4, anchor: .end, size: 12)
            svg.text(
                row.cohensD.map { ReportNumber.fixed($0, decimals: 2) } ?? ReportNumber.missing, x: 1010, y: y + 4, anchor: .end, size: 12)
            svg.text(
                (row.q == nil ? ReportNumber.missing : ReportNumber.probability(row.q)) + (row.qLabel == "q" ? "" : " (\(row.qLabel))"),
                x: 1100, y: y + 4, anchor: .end, size: 12)
        }
        return svg.render(title: title)
    }
}
