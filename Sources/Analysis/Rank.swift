import Ingest

/// Teams ranked by sales ROI over the window (METHODS.md, Sales ROI and ranking).
public struct Ranking: Sendable {
    /// A team's ROI quartile: Q1 (top) if roi > q75, Q2 if q50 < roi ≤ q75, Q3 if q25 < roi ≤ q50,
    /// Q4 if roi ≤ q25 (the bins of `pandas.qcut(roi, 4)`, top labelled Q1); `excluded` without an ROI.
    public enum Quartile: String, Sendable {
        case q1 = "Q1"
        case q2 = "Q2"
        case q3 = "Q3"
        case q4 = "Q4"
        case excluded
    }

    /// One team: a row of `rank.csv`.
    public struct Row: Sendable, Equatable {
        /// The team's name as in the data.
        public let team: String
        /// 1 + number of teams with a strictly greater ROI; nil when excluded.
        public var rank: Int?
        /// Sales ROI = (Σ return − Σ cost) / Σ cost over the window's present values (0.25: 25%); nil when excluded.
        public var roi: Double?
        /// Σ return and Σ cost over present values (nil when the team has none).
        public var returnTotal: Double?
        /// Σ cost over the team's present values, in the cost measure's unit; nil when it has none.
        public var costTotal: Double?
        /// Which quartile of the ROI distribution the team falls in.
        public var quartile: Quartile
        /// Why a team has no ROI: `no data`, `cost <= 0`.
        public var note: String?
    }

    /// The scorecard's `roi.return` measure id (e.g. revenue).
    public let returnMeasure: String
    /// The scorecard's `roi.cost` measure id (e.g. sales_cost).
    public let costMeasure: String
    /// Ranked teams by rank (ties by name), then excluded teams by name.
    public let rows: [Row]
    /// q25, q50, q75 of the ROIs (numpy.percentile, linear).
    public let edges: (q25: Double, q50: Double, q75: Double)?
    /// One note per excluded team, with the reason.
    public let notes: [AnalysisNote]

    /// The teams with an ROI, by rank.
    public var ranked: [Row] { rows.filter { $0.rank != nil } }
    /// The rows in quartile `q`, in row order.
    public func teams(in q: Quartile) -> [Row] { rows.filter { $0.quartile == q } }

    /// Mean ROI of a quartile.
    public func meanROI(_ q: Quartile) -> Double? {
        let r = teams(in: q).compactMap(\.roi)
        return r.isEmpty ? nil : Statistics.mean(r)
    }
}

/// Computes `Ranking` (METHODS.md, Sales ROI and ranking).
public enum RankAnalysis {
    /// Ranks every team of the dataset's (windowed) panel by ROI.
    /// - Throws: `AnalysisError` when the scorecard has no `roi` or the measure selection left
    ///   out one of its measures.
    public static func run(_ dataset: Dataset) throws -> Ranking {
        guard let roi = dataset.scorecard?.roi else {
            throw AnalysisError(.noROI(scorecard: dataset.location.scorecard))
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

    /// Ranks the panel's teams by ROI from the measures at `returnIndex` and `costIndex` (names for the output only):
    /// totals over present values, rank 1 + teams with a strictly greater ROI (pandas `method='min'`).
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
