import Ingest

/// Teams ranked by sales ROI over the window (METHODS.md, Sales ROI and ranking).
public struct Ranking: Sendable {
    public enum Quartile: String, Sendable {
        case q1 = "Q1"
        case q2 = "Q2"
        case q3 = "Q3"
        case q4 = "Q4"
        case excluded
    }

    public struct Row: Sendable, Equatable {
        public var team: String
        /// 1 + number of teams with a strictly greater ROI; nil when excluded.
        public var rank: Int?
        public var roi: Double?
        /// Σ return and Σ cost over present values (nil when the team has none).
        public var returnTotal: Double?
        public var costTotal: Double?
        public var quartile: Quartile
        /// Why a team has no ROI: `no data`, `cost <= 0`.
        public var note: String?
    }

    public var returnMeasure: String
    public var costMeasure: String
    /// Ranked teams by rank (ties by name), then excluded teams by name.
    public var rows: [Row]
    /// q25, q50, q75 of the ROIs (numpy.percentile, linear).
    public var edges: (q25: Double, q50: Double, q75: Double)?
    public var notes: [AnalysisNote]

    public var ranked: [Row] { rows.filter { $0.rank != nil } }
    public func teams(in q: Quartile) -> [Row] { rows.filter { $0.quartile == q } }

    /// Mean ROI of a quartile.
    public func meanROI(_ q: Quartile) -> Double? {
        let r = teams(in: q).compactMap(\.roi)
        return r.isEmpty ? nil : Statistics.mean(r)
    }
}

public enum RankAnalysis {
    /// Ranks every team of the dataset's (windowed) panel by ROI.
    /// - Throws: `InputError` (.usage) when the scorecard has no `roi`; `AnalysisError` when the
    ///   measure selection left out one of its measures.
    public static func run(_ dataset: Dataset) throws -> Ranking {
        guard let roi = dataset.scorecard?.roi else {
            throw InputError(
                .usage, file: dataset.location.scorecard ?? "command line", problem: "the scorecard defines no roi",
                expected: "roi: {return: <measure>, cost: <measure>} in scorecard.yml")
        }
        let panel = dataset.panel
        guard let r = panel.measureIndex(roi.returnMeasure), let c = panel.measureIndex(roi.costMeasure) else {
            let missing = panel.measureIndex(roi.returnMeasure) == nil ? roi.returnMeasure : roi.costMeasure
            throw AnalysisError(measure: missing, .roiMeasureNotSelected(returnMeasure: roi.returnMeasure, costMeasure: roi.costMeasure))
        }
        return rank(panel: panel, returnIndex: r, costIndex: c, returnMeasure: roi.returnMeasure, costMeasure: roi.costMeasure)
    }

    static func total(_ s: ArraySlice<Double>) -> Double? {
        var sum = 0.0
        var any = false
        for v in s where !v.isNaN {
            sum += v
            any = true
        }
        return any ? sum : nil
    }

    public static func rank(panel: Panel, returnIndex r: Int, costIndex c: Int, returnMeasure: String, costMeasure: String) -> Ranking {
        var rows: [Ranking.Row] = []
        for t in 0..<panel.teamCount {
            let ret = total(panel.series(team: t, measure: r))
            let cost = total(panel.series(team: t, measure: c))
            var row = Ranking.Row(
                team: panel.teams[t], rank: nil, roi: nil, returnTotal: ret, costTotal: cost, quartile: .excluded, note: nil)
            if let ret, let cost {
                if !ret.isFinite || !cost.isFinite {
                    // The sum over the window overflows double precision: nothing to rank by.
                    row.returnTotal = ret.isFinite ? ret : nil
                    row.costTotal = cost.isFinite ? cost : nil
                    row.note = "total beyond double precision"
                } else if cost > 0 {
                    var roi = (ret - cost) / cost
                    // ret − cost can overflow where ret / cost − 1 does not.
                    if !roi.isFinite { roi = ret / cost - 1 }
                    if roi.isFinite { row.roi = roi } else { row.note = "ROI beyond double precision (cost too small for the return)" }
                } else {
                    row.note = "cost <= 0"
                }
            } else {
                row.note = "no data"
            }
            rows.append(row)
        }
        let rois = rows.compactMap(\.roi).sorted()
        var edges: (Double, Double, Double)?
        if !rois.isEmpty {
            let e = (Statistics.percentile(rois, 25), Statistics.percentile(rois, 50), Statistics.percentile(rois, 75))
            edges = e
            for i in rows.indices {
                guard let v = rows[i].roi else { continue }
                // 1 + teams strictly greater: the count above v in the sorted list.
                var lo = 0
                var hi = rois.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if rois[mid] <= v { lo = mid + 1 } else { hi = mid }
                }
                rows[i].rank = 1 + rois.count - lo
                rows[i].quartile = v > e.2 ? .q1 : v > e.1 ? .q2 : v > e.0 ? .q3 : .q4
            }
        }
        rows.sort { a, b in
            switch (a.rank, b.rank) {
            case (let x?, let y?): return x != y ? x < y : a.team.utf8.lexicographicallyPrecedes(b.team.utf8)
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.team.utf8.lexicographicallyPrecedes(b.team.utf8)
            }
        }
        let notes = rows.filter { $0.note != nil }.map { AnalysisNote(team: $0.team, "no ROI: \($0.note!)") }
        return Ranking(
            returnMeasure: returnMeasure, costMeasure: costMeasure, rows: rows,
            edges: edges.map { (q25: $0.0, q50: $0.1, q75: $0.2) }, notes: notes)
    }
}
