/// Lead-lag correlations as a grid: a row per leader → lagger pair, a column per lag
/// 0…K, each cell coloured by the pooled partial correlation r on a diverging scale
/// symmetric about 0, its value printed, the best lag outlined; undefined cells are grey
/// with a dash.
public struct Heatmap: Sendable {
    public struct Row: Sendable {
        public let label: String
        /// Strategy-map links are marked with ◆.
        public let isLink: Bool
        /// r at lags 0…K (nil: undefined).
        public var r: [Double?]
        public let bestLag: Int?
        public init(label: String, isLink: Bool, r: [Double?], bestLag: Int?) {
            self.label = label
            self.isLink = isLink
            self.r = r
            self.bestLag = bestLag
        }
    }

    public let rows: [Row]
    public let maxLag: Int
    public let periodName: String

    public init(rows: [Row], maxLag: Int, periodName: String) {
        self.rows = rows
        self.maxLag = maxLag
        self.periodName = periodName
    }

    /// The colour scale's end: the largest |r| rounded up to a multiple of 0.1 (at least 0.1).
    public var limit: Double {
        let largest = rows.flatMap { $0.r.compactMap { $0 } }.filter(\.isFinite).map(\.magnitude).max() ?? 0
        return Swift.max(0.1, (largest * 10).rounded(.up) / 10)
    }

    public func svg(title: String) -> String {
        let labelWidth = 360.0
        let cellWidth = Swift.min(56.0, 740.0 / Double(maxLag + 1))
        let cellHeight = 24.0
        let top = 40.0
        let width = labelWidth + cellWidth * Double(maxLag + 1) + 30
        let height = top + Double(rows.count) * cellHeight + 96
        var svg = SVG(width: Swift.max(width, 760), height: height)
        let m = limit
        svg.text(
            "lag k (\(periodName)s the lagger follows the leader)", x: labelWidth + cellWidth * Double(maxLag + 1) / 2, y: 14,
            anchor: .middle, size: 11, fill: Palette.muted)
        for k in 0...maxLag {
            svg.text(String(k), x: labelWidth + (Double(k) + 0.5) * cellWidth, y: top - 8, anchor: .middle, size: 11, fill: Palette.muted)
        }
        svg.text("leader → lagger", x: 8, y: top - 8, size: 11, fill: Palette.muted, weight: "bold")
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * cellHeight
            svg.text(
                (row.isLink ? "◆ " : "") + XML.truncate(row.label, to: 52), x: 8, y: y + cellHeight / 2 + 4, size: 11,
                weight: row.isLink ? "bold" : nil)
            for k in 0...maxLag {
                let x = labelWidth + Double(k) * cellWidth
                let r = k < row.r.count ? row.r[k] : nil
                if let r, r.isFinite {
                    svg.rect(
                        x: x, y: y, width: cellWidth - 1, height: cellHeight - 1, fill: Palette.diverging(r, limit: m),
                        title: "\(row.label), lag \(k): r = \(ReportNumber.fixed(r, decimals: 3))")
                    if cellWidth >= 34 {
                        svg.text(
                            ReportNumber.fixed(r, decimals: 2), x: x + cellWidth / 2, y: y + cellHeight / 2 + 4, anchor: .middle, size: 10,
                            fill: Palette.needsLightText(r, limit: m) ? "#ffffff" : Palette.ink)
                    }
                } else {
                    svg.rect(
                        x: x, y: y, width: cellWidth - 1, height: cellHeight - 1, fill: "#e6e6e6",
                        title: "\(row.label), lag \(k): undefined")
                    svg.text(
                        ReportNumber.missing, x: x + cellWidth / 2, y: y + cellHeight / 2 + 4, anchor: .middle, size: 10,
                        fill: Palette.muted)
                }
                if row.bestLag == k {
                    svg.rect(
                        x: x + 1, y: y + 1, width: cellWidth - 3, height: cellHeight - 3, fill: "none", stroke: Palette.ink, strokeWidth: 2)
                }
            }
        }
        // Legend: a colour bar from −m to m with ticks.
        let legendTop = top + Double(rows.count) * cellHeight + 22
        let barLeft = labelWidth
        let barWidth = Swift.min(360, cellWidth * Double(maxLag + 1))
        let steps = 40
        for s in 0..<steps {
            let r = -m + (Double(s) + 0.5) / Double(steps) * 2 * m
            svg.rect(
                x: barLeft + Double(s) * barWidth / Double(steps), y: legendTop, width: barWidth / Double(steps) + 0.5, height: 12,
                fill: Palette.diverging(r, limit: m))
        }
        let scale = NiceScale(minimum: -m, maximum: m, maxTicks: 5)
        for (tick, label) in zip(scale.ticks, scale.labels()) where tick >= -m - 1e-12 && tick <= m + 1e-12 {
            let x = barLeft + (tick + m) / (2 * m) * barWidth
            svg.line(x1: x, y1: legendTop + 12, x2: x, y2: legendTop + 16, stroke: Palette.muted)
            svg.text(label, x: x, y: legendTop + 28, anchor: .middle, size: 10, fill: Palette.muted)
        }
        svg.text(
            "partial correlation r (team and period effects removed)", x: barLeft - 10, y: legendTop + 10, anchor: .end, size: 11,
            fill: Palette.muted)
        svg.rect(x: barLeft, y: legendTop + 40, width: 14, height: 12, fill: "none", stroke: Palette.ink, strokeWidth: 2)
        svg.text("best lag (largest |r| over 1…K)", x: barLeft + 20, y: legendTop + 50, size: 11, fill: Palette.muted)
        svg.rect(x: barLeft + 230, y: legendTop + 40, width: 14, height: 12, fill: "#e6e6e6")
        svg.text("undefined", x: barLeft + 250, y: legendTop + 50, size: 11, fill: Palette.muted)
        svg.text("◆ strategy-map link", x: barLeft + 330, y: legendTop + 50, size: 11, fill: Palette.muted, weight: "bold")
        return svg.render(title: title)
    }
}
