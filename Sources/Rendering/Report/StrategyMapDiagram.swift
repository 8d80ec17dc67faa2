import Analysis
import Ingest

/// The strategy map as a drawing: the four perspectives as bands (learning at the bottom,
/// financial on top), each measure a box outlined in its status colour, each scorecard
/// link an arrow coloured, dashed and labelled by the data's verdict.
public struct StrategyMapDiagram: Sendable {
    public struct Box: Sendable {
        public let id: String
        public let label: String
        public let perspective: Perspective
        public let status: StatusReport.Colour?
        /// e.g. "104% of target".
        public let detail: String
        public init(id: String, label: String, perspective: Perspective, status: StatusReport.Colour?, detail: String) {
            self.id = id
            self.label = label
            self.perspective = perspective
            self.status = status
            self.detail = detail
        }
    }

    public struct Arrow: Sendable {
        public let from: String
        public let to: String
        public let verdict: LeadLagResult.Verdict
        public let label: String
        public init(from: String, to: String, verdict: LeadLagResult.Verdict, label: String) {
            self.from = from
            self.to = to
            self.verdict = verdict
            self.label = label
        }
    }

    public let boxes: [Box]
    public let arrows: [Arrow]

    public init(boxes: [Box], arrows: [Arrow]) {
        self.boxes = boxes
        self.arrows = arrows
    }

    static let markerID: [LeadLagResult.Verdict: String] = [
        .supported: "arrow-supported", .contradicted: "arrow-contradicted", .reversed: "arrow-reversed",
        .notSupported: "arrow-not-supported", .insufficientData: "arrow-insufficient",
    ]

    public func svg(title: String) -> String {
        let width = 1160.0
        let bandHeight = 150.0
        let boxHeight = 50.0
        let left = 170.0
        let top = 10.0
        let order: [Perspective] = [.financial, .customer, .process, .learning]
        let rows = order.filter { p in boxes.contains { $0.perspective == p } }
        let legendHeight = 60.0
        var svg = SVG(width: width, height: top + Double(rows.count) * bandHeight + legendHeight)
        for v in LeadLagResult.Verdict.allCases { svg.arrowMarker(id: Self.markerID[v]!, colour: Palette.verdict(v)) }

        // Box positions: centred in their band, spread evenly across it.
        var frame: [String: (x: Double, y: Double, w: Double)] = [:]
        var rowOf: [String: Int] = [:]
        for (r, perspective) in rows.enumerated() {
            let y0 = top + Double(r) * bandHeight
            svg.rect(x: 0, y: y0, width: width, height: bandHeight - 4, fill: r % 2 == 0 ? "#f6f8fa" : "#eef1f4")
            svg.text(perspective.title, x: 12, y: y0 + bandHeight / 2 + 4, size: 13, fill: Palette.ink, weight: "bold")
            let members = boxes.filter { $0.perspective == perspective }
            let slot = (width - left - 10) / Double(members.count)
            let w = Swift.min(220, slot - 24)
            for (i, b) in members.enumerated() {
                let x = left + slot * (Double(i) + 0.5) - w / 2
                let y = y0 + (bandHeight - 4 - boxHeight) / 2
                frame[b.id] = (x, y, w)
                rowOf[b.id] = r
            }
        }
        // Arrows first, so boxes sit on top of their ends. Ends on a box side are spread so
        // that several links at one box do not share a point.
        var ends: [String: [Int]] = [:]  // "id|top" or "id|bottom" → arrow indices
        func side(_ a: Arrow, source: Bool) -> String {
            let (me, other) = source ? (a.from, a.to) : (a.to, a.from)
            guard let rm = rowOf[me], let ro = rowOf[other] else { return "\(me)|top" }
            return "\(me)|" + (ro < rm || (ro == rm) ? "top" : "bottom")
        }
        for (i, a) in arrows.enumerated() where frame[a.from] != nil && frame[a.to] != nil {
            ends[side(a, source: true), default: []].append(i)
            ends[side(a, source: false), default: []].append(i)
        }
        func point(_ a: Arrow, _ i: Int, source: Bool) -> (Double, Double) {
            let key = side(a, source: source)
            let id = source ? a.from : a.to
            let f = frame[id]!
            let list = ends[key] ?? [i]
            let position = Double(list.firstIndex(of: i) ?? 0)
            let x = f.x + f.w * (position + 1) / Double(list.count + 1)
            return (x, key.hasSuffix("|top") ? f.y : f.y + boxHeight)
        }
        // Free x ranges of each band (between boxes), for routing links past the boxes of
        // the bands they cross.
        var gaps: [Int: [Double]] = [:]
        for r in rows.indices {
            let xs = boxes.compactMap { b in rowOf[b.id] == r ? frame[b.id] : nil }.sorted { $0.x < $1.x }
            var centres: [Double] = []
            var previous = left - 10
            for f in xs {
                centres.append((previous + f.x) / 2)
                previous = f.x + f.w
            }
            centres.append((previous + width) / 2)
            gaps[r] = centres
        }
        var labels: [(String, Double, Double, String)] = []
        for (i, a) in arrows.enumerated() where frame[a.from] != nil && frame[a.to] != nil {
            let colour = Palette.verdict(a.verdict)
            let p0 = point(a, i, source: true)
            let p3 = point(a, i, source: false)
            let r0 = rowOf[a.from]!
            let r1 = rowOf[a.to]!
            var d = "M \(SVG.n(p0.0)) \(SVG.n(p0.1))"
            var labelAt: (Double, Double)
            if r0 == r1 {
                d += " C \(SVG.n(p0.0)) \(SVG.n(p0.1 - 50)) \(SVG.n(p3.0)) \(SVG.n(p3.1 - 50)) \(SVG.n(p3.0)) \(SVG.n(p3.1))"
                labelAt = ((p0.0 + p3.0) / 2, p0.1 - 37)
            } else {
                // Waypoints at the centre of every band crossed, in the free gap nearest the straight line.
                var points = [p0]
                let stepRow = r1 > r0 ? 1 : -1
                var r = r0 + stepRow
                while r != r1 {
                    let yMid = top + (Double(r) + 0.5) * bandHeight - 2
                    let share = (yMid - p0.1) / (p3.1 - p0.1)
                    let xLine = p0.0 + share * (p3.0 - p0.0)
                    let x = gaps[r]!.min { abs($0 - xLine) < abs($1 - xLine) }!
                    points.append((x, yMid))
                    r += stepRow
                }
                points.append(p3)
                for (a0, b0) in zip(points, points.dropFirst()) {
                    let dy = (b0.1 - a0.1) * 0.45
                    d += " C \(SVG.n(a0.0)) \(SVG.n(a0.1 + dy)) \(SVG.n(b0.0)) \(SVG.n(b0.1 - dy)) \(SVG.n(b0.0)) \(SVG.n(b0.1))"
                }
                // The label sits just outside the effect's box, where the arrow arrives; labels
                // arriving at one side of one box are stacked.
                let key = side(a, source: false)
                let k = Double((ends[key] ?? []).filter { arrows[$0].to == a.to }.firstIndex(of: i) ?? 0)
                let away = p3.1 > p0.1 ? -1.0 : 1.0
                labelAt = (p3.0, p3.1 + away * (30 + 21 * k))
            }
            svg.path(
                d, stroke: colour, width: a.verdict == .supported ? 2.6 : 1.8, dash: a.verdict == .supported ? nil : "7 4",
                marker: Self.markerID[a.verdict])
            labels.append((a.label, labelAt.0, labelAt.1, colour))
        }
        for b in boxes {
            guard let f = frame[b.id] else { continue }
            svg.rect(
                x: f.x, y: f.y, width: f.w, height: boxHeight, fill: "#ffffff", stroke: Palette.status(b.status), strokeWidth: 2.5, rx: 6,
                title: "\(b.label) (\(b.id)): \(b.detail)")
            svg.rect(x: f.x, y: f.y, width: 8, height: boxHeight, fill: Palette.status(b.status), rx: 3)
            svg.text(
                XML.truncate(b.label, to: Int((f.w - 18) / 7.2)), x: f.x + f.w / 2 + 4, y: f.y + 21, anchor: .middle, size: 13,
                weight: "bold")
            svg.text(
                XML.truncate(b.detail, to: Int((f.w - 18) / 6)), x: f.x + f.w / 2 + 4, y: f.y + 39, anchor: .middle, size: 11,
                fill: Palette.muted)
        }
        // Labels last, on a white ground, so they stay readable over lines and bands.
        for (text, x, y, colour) in labels {
            let w = Double(text.count) * 6.3 + 10
            let x = Swift.max(w / 2 + 2, Swift.min(width - w / 2 - 2, x))
            svg.rect(x: x - w / 2, y: y - 10, width: w, height: 18, fill: "#ffffff", stroke: colour, strokeWidth: 0.8, rx: 4)
            svg.text(text, x: x, y: y + 3, anchor: .middle, size: 11, fill: colour, weight: "bold")
        }
        // Legend.
        var lx = 12.0
        let ly = top + Double(rows.count) * bandHeight + 24
        svg.text("Arrows (cause → effect):", x: lx, y: ly + 4, size: 12, weight: "bold")
        lx += 170
        for v in LeadLagResult.Verdict.allCases {
            svg.line(
                x1: lx, y1: ly, x2: lx + 34, y2: ly, stroke: Palette.verdict(v), width: v == .supported ? 2.6 : 1.8,
                dash: v == .supported ? nil : "7 4", marker: Self.markerID[v])
            svg.text(v.rawValue, x: lx + 40, y: ly + 4, size: 12, fill: Palette.verdict(v), weight: "bold")
            lx += 54 + Double(v.rawValue.count) * 7.4
        }
        svg.text(
            "Box outline: the measure's status (green, amber, red; grey: no status).", x: 12, y: ly + 28, size: 12, fill: Palette.muted)
        return svg.render(title: title)
    }
}
