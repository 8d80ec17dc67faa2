import Distributions
import Ingest

/// What separates top-quartile (Q1) from bottom-quartile (Q4) teams by ROI
/// (METHODS.md, Top vs bottom quartile).
public struct QuartileComparison: Sendable {
    /// One measure's comparison of the top (Q1) and bottom (Q4) ROI quartiles: a row of `quartiles.csv`.
    /// Each team's window is first reduced to one number by the measure's aggregation.
    public struct Row: Sendable, Equatable {
        /// `roi` for the first row, else the measure id.
        public let measure: String
        /// The measure's perspective; nil for the `roi` row.
        public let perspective: Perspective?
        /// Q1 teams with a value for this measure (`top_n`).
        public let topN: Int
        /// Q4 teams with a value for this measure (`bottom_n`).
        public let bottomN: Int
        /// Mean over Q1 teams of their window value, in the measure's unit (`top_mean`); nil when none has one.
        public let topMean: Double?
        /// Mean over Q4 teams of their window value, in the measure's unit (`bottom_mean`).
        public let bottomMean: Double?
        /// top_mean / bottom_mean; nil when bottom_mean <= 0.
        public let ratio: Double?
        /// top_mean − bottom_mean, in the measure's unit; nil when a group is empty or the difference overflows.
        public let difference: Double?
        /// (top_mean − bottom_mean) / pooled SD with n − 1 denominators: the gap in standard deviations;
        /// nil with fewer than 2 teams in a group, no variance, or no variation between teams.
        public var cohensD: Double?
        /// Welch's t-test of top against bottom (`welch_t`, `welch_df`, `p_value`), as
        /// `scipy.stats.ttest_ind(top, bottom, equal_var=False)`.
        public var welch: Statistics.WelchTest?
        /// Mann-Whitney U of the top group and its two-sided asymptotic p (`mw_u`, `mw_p`).
        public var mannWhitney: Statistics.MannWhitney?
        /// BH over the measures' Welch p-values (nil for the roi row).
        public var qValue: Double?
        /// The ratio is stable: the bottom mean is at least 3 standard errors above 0
        /// (docs/DECISIONS.md). People's headlines and the report's chart give it only then.
        public var ratioIsStable = false
        /// Why the tests are undefined for this measure (e.g. no variation between teams).
        public var undefinedReason: String?
    }

    /// The ROI ranking whose Q1 and Q4 form the groups.
    public let ranking: Ranking
    /// The `roi` row first, then each scorecard measure in the data, in scorecard order (or by |d| with `SortOrder.effect`).
    public let rows: [Row]
    /// Why numbers are missing: the ranking's excluded teams, measures without variation or a Welch test.
    public let notes: [AnalysisNote]
    /// The bootstrap interval of the ROI ratio, when asked for (`--bootstrap N`).
    public var bootstrap: Bootstrap?
    /// The out-of-sample check, when asked for (`--holdout`).
    public var holdout: Holdout?

    /// A percentile bootstrap interval for the top/bottom mean-ROI ratio: teams resampled
    /// with replacement, quartiles re-formed on each resample.
    public struct Bootstrap: Sendable, Equatable {
        /// Resamples drawn (each draws as many teams as have an ROI, with replacement).
        public let replicates: Int
        /// Seed of the `SeededGenerator` that drew them; the same seed gives the same interval.
        public let seed: UInt64
        /// Replicates where the ratio was defined (bottom mean > 0).
        public let defined: Int
        /// 2.5th percentile of the defined ratios (numpy linear); nil unless ≥ 95% of resamples (and ≥ 20) were defined.
        public let lower: Double?
        /// 97.5th percentile of the defined ratios; nil under the same rule as `lower`.
        public let upper: Double?
    }

    /// Quartiles formed on the first half of the window, compared on the second half.
    public struct Holdout: Sendable, Equatable {
        /// First and last period of the first half of the window, where the quartiles are formed.
        public let formedOn: (Period, Period)
        /// First and last period of the second half, where those same teams are compared.
        public let comparedOn: (Period, Period)
        /// Q1 mean ROI ÷ Q4 mean ROI in the first half (ratio₁); nil when the Q4 mean is ≤ 0.
        public let formationRatio: Double?
        /// Mean ROI in the second half of the teams that were Q1 / Q4 in the first.
        public let topMean: Double?
        /// Second-half mean ROI of the teams that were Q4 in the first half.
        public let bottomMean: Double?
        /// topMean ÷ bottomMean in the second half (ratio₂); nil when bottomMean is ≤ 0.
        public let ratio: Double?
        /// First-half Q1 teams with an ROI in the second half.
        public let topN: Int
        /// First-half Q4 teams with an ROI in the second half.
        public let bottomN: Int
        /// (ratio₂ − 1) / (ratio₁ − 1): the share of the gap that persisted.
        public let persistence: Double?

        /// Field by field (tuples of periods are not `Equatable`, so this is written out).
        public static func == (a: Holdout, b: Holdout) -> Bool {
            a.formedOn == b.formedOn && a.comparedOn == b.comparedOn && a.formationRatio == b.formationRatio && a.topMean == b.topMean
                && a.bottomMean == b.bottomMean && a.ratio == b.ratio && a.topN == b.topN && a.bottomN == b.bottomN
                && a.persistence == b.persistence
        }
    }
}

/// Computes `QuartileComparison` (METHODS.md, Top vs bottom quartile): the ROI ranking's Q1 against its Q4 on every
/// scorecard measure, with Welch and Mann-Whitney tests and Benjamini-Hochberg q-values over the measures.
public enum QuartileAnalysis {
    /// Row order after `roi`: the scorecard's, or by |Cohen's d| largest first (ties in scorecard order).
    public enum SortOrder: String, Sendable { case scorecard, effect }

    /// - Parameters:
    ///   - bootstrap: replicates for the ROI-ratio interval (0: none).
    ///   - holdout: also form quartiles on the first half of the window and compare on the second.
    /// - Throws: `InputError` when the scorecard has no roi.
    public static func run(
        _ dataset: Dataset, sort: SortOrder = .scorecard, bootstrap: Int = 0, seed: UInt64 = 1,
        holdout: Bool = false
    ) throws -> QuartileComparison {
        let ranking = try RankAnalysis.run(dataset)
        let panel = dataset.panel
        let teamIndex = Dictionary(uniqueKeysWithValues: panel.teams.enumerated().map { ($1, $0) })
        let top = ranking.teams(in: .q1).map { teamIndex[$0.team]! }
        let bottom = ranking.teams(in: .q4).map { teamIndex[$0.team]! }
        var notes = ranking.notes

        var rows: [QuartileComparison.Row] = []
        let roiByTeam = Dictionary(uniqueKeysWithValues: ranking.rows.compactMap { r in r.roi.map { (teamIndex[r.team]!, $0) } })
        rows.append(
            compare(measure: "roi", perspective: nil, top: top.compactMap { roiByTeam[$0] }, bottom: bottom.compactMap { roiByTeam[$0] }))

        let measures = (dataset.scorecard?.measures ?? []).compactMap { d in panel.measureIndex(d.id).map { (d, $0) } }
        for (def, m) in measures {
            func reduce(_ t: Int) -> Double? { aggregate(panel.series(team: t, measure: m), def.aggregation) }
            if (top + bottom).contains(where: { reduce($0).map { !$0.isFinite } ?? false }) {
                // A team's total past ±1.8e308: nothing about this measure can be compared.
                notes.append(
                    AnalysisNote(
                        measure: def.id, "a team's \(def.aggregation.rawValue) is beyond double precision: the comparison is undefined"))
                rows.append(
                    QuartileComparison.Row(
                        measure: def.id, perspective: def.perspective, topN: top.count, bottomN: bottom.count, topMean: nil,
                        bottomMean: nil, ratio: nil, difference: nil, cohensD: nil, welch: nil, mannWhitney: nil, qValue: nil))
                continue
            }
            var row = compare(measure: def.id, perspective: def.perspective, top: top.compactMap(reduce), bottom: bottom.compactMap(reduce))
            if !TeamVariation.variesBetweenTeams(panel, measure: m) {
                // A national index or price, the same for every team: any t or U is rounding noise.
                row.cohensD = nil
                row.welch = nil
                row.mannWhitney = nil
                row.undefinedReason = TeamVariation.reason
                notes.append(
                    AnalysisNote(
                        measure: def.id,
                        """
                        \(TeamVariation.reason) (every team has the same value in every period): tests undefined, left out of the BH family
                        """
                    ))
            } else if row.welch == nil {
                notes.append(
                    AnalysisNote(measure: def.id, "Welch t undefined (needs 2+ teams with values in both groups and some variance)"))
            }
            rows.append(row)
        }
        let q = Statistics.benjaminiHochberg(rows.dropFirst().map { $0.welch?.pValue })
        for i in 1..<rows.count { rows[i].qValue = q[i - 1] }
        if sort == .effect {
            let head = rows[0]
            let rest = rows.dropFirst().enumerated().sorted { a, b in
                let x = a.element.cohensD.map(abs) ?? -1
                let y = b.element.cohensD.map(abs) ?? -1
                return x != y ? x > y : a.offset < b.offset
            }.map(\.element)
            rows = [head] + rest
        }
        if top.isEmpty || bottom.isEmpty {
            notes.append(AnalysisNote("fewer than 4 teams with an ROI: no top and bottom quartile to compare"))
        }
        var result = QuartileComparison(ranking: ranking, rows: rows, notes: notes)
        if bootstrap > 0 { result.bootstrap = bootstrapRatio(ranking: ranking, replicates: bootstrap, seed: seed) }
        if holdout { result.holdout = try holdoutComparison(dataset) }
        return result
    }

    /// A team's window reduced to one number: sum or mean of present values, or the last present.
    public static func aggregate(_ s: ArraySlice<Double>, _ how: Aggregation) -> Double? {
        var sum = 0.0
        var n = 0
        var last = Double.nan
        for v in s where !v.isNaN {
            sum += v
            n += 1
            last = v
        }
        guard n > 0 else { return nil }
        switch how {
        case .sum: return sum
        case .mean: return sum / Double(n)
        case .last: return last
        }
    }

    static func compare(measure: String, perspective: Perspective?, top: [Double], bottom: [Double]) -> QuartileComparison.Row {
        let tm = top.isEmpty ? nil : Statistics.mean(top)
        let bm = bottom.isEmpty ? nil : Statistics.mean(bottom)
        var ratio: Double?
        if let tm, let bm, bm > 0 { ratio = tm / bm }
        var diff: Double?
        if let tm, let bm { diff = tm - bm }
        // Not representable (a ratio past the double range, a difference of ±1e308s): undefined.
        if ratio?.isFinite == false { ratio = nil }
        if diff?.isFinite == false { diff = nil }
        var row = QuartileComparison.Row(
            measure: measure, perspective: perspective, topN: top.count, bottomN: bottom.count, topMean: tm, bottomMean: bm,
            ratio: ratio, difference: diff, cohensD: Statistics.cohensD(top, bottom), welch: Statistics.welch(top, bottom),
            mannWhitney: Statistics.mannWhitney(top, bottom), qValue: nil)
        row.ratioIsStable = ratioIsStable(bottom)
        return row
    }

    /// The top/bottom ratio is read only when its denominator, the bottom group's mean, is at
    /// least 3 standard errors (sample SD / √n, n ≥ 2) above 0: near 0 the ratio explodes with
    /// the noise of a few teams (docs/DECISIONS.md).
    public static func ratioIsStable(_ bottom: [Double]) -> Bool {
        guard bottom.count >= 2, let largest = bottom.map(abs).max(), largest > 0, largest.isFinite else { return false }
        // On values divided by the largest magnitude, so squares neither overflow nor underflow (issue #16).
        let x = bottom.map { $0 / largest }
        let m = Statistics.mean(x)
        guard m > 0 else { return false }
        let ss = x.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        let se = (ss / Double(x.count - 1)).squareRoot() / Double(x.count).squareRoot()
        return m >= 3 * se
    }

    static func bootstrapRatio(ranking: Ranking, replicates: Int, seed: UInt64) -> QuartileComparison.Bootstrap {
        let rois = ranking.rows.compactMap(\.roi)
        var rng = SeededGenerator(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(replicates)
        var sample = [Double](repeating: 0, count: rois.count)
        for _ in 0..<replicates where !rois.isEmpty {
            for i in 0..<rois.count { sample[i] = rois[rng.index(below: rois.count)] }
            sample.sort()
            let q25 = Statistics.percentile(sample, 25)
            let q75 = Statistics.percentile(sample, 75)
            let topValues = sample.filter { $0 > q75 }
            let bottomValues = sample.filter { $0 <= q25 }
            guard !topValues.isEmpty, !bottomValues.isEmpty else { continue }
            let b = Statistics.mean(bottomValues)
            if b > 0 { ratios.append(Statistics.mean(topValues) / b) }
        }
        ratios.sort()
        // An interval only when the ratio is defined almost always: resamples whose bottom
        // quartile comes near 0 otherwise leave a biased, exploding interval (docs/DECISIONS.md).
        let ok = ratios.count >= 20 && Double(ratios.count) >= 0.95 * Double(replicates)
        return QuartileComparison.Bootstrap(
            replicates: replicates, seed: seed, defined: ratios.count,
            lower: ok ? Statistics.percentile(ratios, 2.5) : nil,
            upper: ok ? Statistics.percentile(ratios, 97.5) : nil)
    }

    static func holdoutComparison(_ dataset: Dataset) throws -> QuartileComparison.Holdout {
        let p = dataset.panel
        guard p.periodCount >= 2 else {
            throw AnalysisError(.holdoutNeedsTwoPeriods(periods: p.periodCount))
        }
        let half = p.periodCount / 2
        var first = dataset
        first.panel = p.slicing(periods: 0..<half)
        var second = dataset
        second.panel = p.slicing(periods: half..<p.periodCount)
        let formed = try RankAnalysis.run(first)
        let later = try RankAnalysis.run(second)
        let laterROI = Dictionary(uniqueKeysWithValues: later.rows.compactMap { r in r.roi.map { (r.team, $0) } })
        let topLater = formed.teams(in: .q1).compactMap { laterROI[$0.team] }
        let bottomLater = formed.teams(in: .q4).compactMap { laterROI[$0.team] }
        var r1: Double?
        if let t = formed.meanROI(.q1), let b = formed.meanROI(.q4), b > 0 { r1 = t / b }
        let tm = topLater.isEmpty ? nil : Statistics.mean(topLater)
        let bm = bottomLater.isEmpty ? nil : Statistics.mean(bottomLater)
        var r2: Double?
        if let tm, let bm, bm > 0 { r2 = tm / bm }
        var persistence: Double?
        if let r1, let r2, r1 != 1 { persistence = (r2 - 1) / (r1 - 1) }
        return QuartileComparison.Holdout(
            formedOn: (first.panel.firstPeriod, first.panel.lastPeriod), comparedOn: (second.panel.firstPeriod, second.panel.lastPeriod),
            formationRatio: r1, topMean: tm, bottomMean: bm, ratio: r2, topN: topLater.count, bottomN: bottomLater.count,
            persistence: persistence)
    }
}
