import Ingest
import LinearAlgebra

/// `improving` / `declining` when the slope is significant (p < 0.05) and good / bad for the
/// measure's direction; otherwise `flat` (METHODS.md, Trend).
public enum TrendDirection: String, Sendable {
    case improving, declining, flat
}

/// Trend lines of every (team, measure) series of a panel: OLS of value on t, t the period's
/// index from the panel's first period (METHODS.md, Trend; reference
/// `statsmodels.api.OLS(y, sm.add_constant(t)).fit()`).
///
/// The fits are `LinearAlgebra.TrendLines` over the panel buffer as it is — the panel's
/// layout (periods fastest) is already the periods × series matrix the kernel takes.
public struct TrendResult: Sendable {
    /// The panel's teams (one, `organisation`, for `trend --org`).
    public let teams: [String]
    /// The panel's measures, in panel order, with direction and unit.
    public let measures: [MeasureInfo]
    /// Per series: n, slope (unit per period), intercept (at t = 0, the first period), slope SE, t, p, 95% CI, R².
    public let fits: TrendLines
    /// Series in output order (team-major, measures in scorecard order), as indices into
    /// `fits` (series = team × measureCount + measure). Series with fewer than 3 values have
    /// no row.
    public let rows: [Int]
    /// Per series (indexed like `fits`): improving / declining / flat.
    public let directions: [TrendDirection]
    /// Series without a row or with undefined numbers (fewer than 3 values, constant, overflow, perfect fit).
    public let notes: [AnalysisNote]
    /// Whether this is the organisation's series (`trend --org`).
    public let organisation: Bool

    /// The team of series `s`.
    public func team(ofSeries s: Int) -> String { teams[s / measures.count] }
    /// The measure of series `s`.
    public func measure(ofSeries s: Int) -> MeasureInfo { measures[s % measures.count] }

    /// Counts of directions over the rows.
    public var directionCounts: [TrendDirection: Int] {
        var c: [TrendDirection: Int] = [:]
        for r in rows { c[directions[r], default: 0] += 1 }
        return c
    }
}

/// Computes `TrendResult` (METHODS.md, Trend).
public enum TrendAnalysis {
    /// Fits every series of the dataset's panel (or the organisation's, with `organisation`).
    public static func run(_ dataset: Dataset, organisation: Bool = false) -> TrendResult {
        let info = dataset.measureInfo
        let panel = organisation ? dataset.panel.organisation(aggregations: info.map(\.aggregation)) : dataset.panel
        let fits = TrendLines(values: panel.values, periods: panel.periodCount)
        let m = panel.measureCount
        var directions = [TrendDirection](repeating: .flat, count: fits.seriesCount)
        var rows: [Int] = []
        rows.reserveCapacity(fits.seriesCount)
        var tooFew: [Int] = []
        var constant: [Int] = []
        var overflow: [Int] = []
        var perfect: [Int] = []
        var wideInterval: [Int] = []
        let order = dataset.orderedMeasures
        for team in 0..<panel.teamCount {
            for measure in order {
                let s = team * m + measure
                switch fits.outcome[s] {
                case .tooFew:
                    tooFew.append(s)
                    continue
                case .constant:
                    constant.append(s)
                case .fitted:
                    if !fits.slope[s].isFinite || !fits.intercept[s].isFinite {
                        // Values near ±1.8e308: the sums overflow, nothing can be estimated.
                        overflow.append(s)
                    } else {
                        if !fits.tValue[s].isFinite { perfect.append(s) }
                        if fits.tValue[s].isFinite && (!fits.confidenceLower[s].isFinite || !fits.confidenceUpper[s].isFinite) {
                            wideInterval.append(s)
                        }
                        if fits.pValue[s] < 0.05 {
                            let good = info[measure].direction == .higher ? fits.slope[s] > 0 : fits.slope[s] < 0
                            directions[s] = good ? .improving : .declining
                        }
                    }
                }
                rows.append(s)
            }
        }
        var notes: [AnalysisNote] = []
        func describe(_ list: [Int], _ message: String) {
            guard !list.isEmpty else { return }
            if list.count <= 5 {
                for s in list { notes.append(AnalysisNote(team: panel.teams[s / m], measure: panel.measures[s % m], message)) }
            } else {
                let examples = list.prefix(3).map { "\(panel.teams[$0 / m]) / \(panel.measures[$0 % m])" }.joined(separator: "; ")
                notes.append(AnalysisNote("\(list.count) series: \(message) (e.g. \(examples))"))
            }
        }
        describe(tooFew, "fewer than 3 values in the window, no trend row")
        describe(constant, "constant series: slope 0, t, p and R² undefined")
        describe(
            perfect,
            """
            the values lie exactly on a line (no residual variation): the slope's standard error is 0, t is infinite (shown empty) and p \
            is 0, as statsmodels gives
            """
        )
        describe(wideInterval, "the slope's confidence interval reaches past ±1.8e308 (double precision): ci_low and ci_high undefined")
        describe(overflow, "values too large for double precision (the fit overflows): slope, intercept, t, p and R² undefined")
        return TrendResult(
            teams: panel.teams, measures: info, fits: fits, rows: rows, directions: directions,
            notes: notes, organisation: organisation)
    }
}
