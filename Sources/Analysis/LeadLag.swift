import Distributions
import Foundation
import Ingest
import LinearAlgebra

/// Do leading indicators lead? Pooled lag correlations and panel Granger tests with team and
/// period fixed effects, BH q-values and a verdict per strategy-map link (METHODS.md, Lead-lag).
public struct LeadLagResult: Sendable {
    /// What the data say of a pair's hypothesis (METHODS.md's verdict rules, `LeadLagAnalysis.verdict`).
    public enum Verdict: String, Sendable, CaseIterable {
        /// The forward Granger test is significant (q < 0.05) and r has the hypothesis' sign.
        case supported
        /// The forward test is significant but r has the opposite sign.
        case contradicted
        /// Only the reverse test (lagger → leader) is significant.
        case reversed
        /// Neither test is significant.
        case notSupported = "not supported"
        /// No forward Granger test could be computed (or r is undefined where a sign needs it).
        case insufficientData = "insufficient data"
    }

    /// One lag of one pair: OLS y[i,t+k] ~ x[i,t] + team + period effects.
    public struct LagRow: Sendable, Equatable {
        /// The leading measure x.
        public let leader: String
        /// The lagging measure y.
        public let lagger: String
        /// k: y is taken k periods after x.
        public let lag: Int
        /// Observations (team-periods with both values).
        public let n: Int
        /// Partial correlation t / sqrt(t² + df); nil when undefined.
        public let r: Double?
        /// t statistic of x's coefficient; nil when undefined.
        public let t: Double?
        /// Two-sided p-value of t (Student t, residual df); nil when undefined.
        public let pValue: Double?
        /// Why undefined (too few rows, rank-deficient).
        public let reason: String?
    }

    /// A panel Granger test: do p lags of x add to p lags of y, with team and period effects?
    public struct Granger: Sendable, Equatable {
        /// Lag order chosen by BIC.
        public let lags: Int
        /// F statistic of dropping the x lags.
        public let f: Double
        /// Upper tail of F(numeratorDF, denominatorDF) at `f`.
        public let pValue: Double
        /// Numerator degrees of freedom of the F test: p, the x lags dropped.
        public let numeratorDF: Int
        /// The unrestricted model's residual degrees of freedom.
        public let denominatorDF: Int
        /// Observations of the test (rows complete for p lags).
        public let n: Int
    }

    /// One leader → lagger pair: best lag, Granger tests both ways, q-values and verdict.
    public struct Pair: Sendable, Equatable {
        /// The leading measure.
        public let leader: String
        /// The lagging measure.
        public let lagger: String
        /// The hypothesis' sign, for scorecard links that give one.
        public let sign: LinkSign?
        /// Whether the pair is a strategy-map link of the scorecard.
        public let isLink: Bool
        /// The lag 1…K with the largest |r| among those with enough sample; nil when none.
        public let bestLag: Int?
        /// r at the best lag.
        public let r: Double?
        /// p-value of r at the best lag.
        public let pValue: Double?
        /// Leader → lagger Granger test; nil when undefined.
        public let granger: Granger?
        /// BH q-value of `granger` over every defined forward and reverse test.
        public let grangerQ: Double?
        /// Lagger → leader Granger test at the same lag order.
        public let reverse: Granger?
        /// BH q-value of `reverse`.
        public let reverseQ: Double?
        /// METHODS.md's verdict.
        public var verdict: Verdict
        /// Why some statistic is undefined or left out, in words.
        public let notes: [String]
    }

    /// Per-team statistics (`--per-team`): the same tests on each team alone (constant only).
    public struct TeamRow: Sendable, Equatable {
        /// The team's name.
        public let team: String
        /// The leading measure.
        public let leader: String
        /// The lagging measure.
        public let lagger: String
        /// The team's best lag, as for the pooled pair.
        public let bestLag: Int?
        /// r at the team's best lag.
        public let r: Double?
        /// p-value of r at the team's best lag.
        public let pValue: Double?
        /// The team's forward Granger test.
        public let granger: Granger?
    }

    /// K, the largest lag tried.
    public let maxLag: Int
    /// One entry per pair asked for, in order.
    public let pairs: [Pair]
    /// Every lag 0…K of every pair.
    public let lags: [LagRow]
    /// Per-team rows (`perTeam` only), team-major.
    public let teams: [TeamRow]
    /// The pairs' notes, each prefixed with its pair.
    public let notes: [AnalysisNote]

    /// Pairs whose verdict is `supported`.
    public var supportedCount: Int { pairs.filter { $0.verdict == .supported }.count }
}

/// The lead-lag analysis: which pairs to test, the tests (on the two-way fixed-effects engine,
/// `LinearAlgebra/FixedEffects/`), the BH family and the verdicts.
public enum LeadLagAnalysis {
    /// A pair to test, leader → lagger.
    public struct PairSpec: Sendable, Equatable {
        /// The leading measure's id.
        public let leader: String
        /// The lagging measure's id.
        public let lagger: String
        /// The hypothesis' sign, when the scorecard gives one.
        public let sign: LinkSign?
        /// Whether the pair is a strategy-map link.
        public let isLink: Bool
        /// A pair of measure ids, optionally with a sign and as a link.
        public init(leader: String, lagger: String, sign: LinkSign? = nil, isLink: Bool = false) {
            self.leader = leader
            self.lagger = lagger
            self.sign = sign
            self.isLink = isLink
        }
    }

    /// The scorecard's links (the default pair set).
    public static func links(of dataset: Dataset) -> [PairSpec] {
        (dataset.scorecard?.links ?? []).map { PairSpec(leader: $0.from, lagger: $0.to, sign: $0.sign, isLink: true) }
    }

    /// Every measure of an earlier perspective against every measure of a later one, along
    /// learning → process → customer → financial (measures with no perspective join none).
    public static func allCross(of dataset: Dataset) -> [PairSpec] {
        let defs = (dataset.scorecard?.measures ?? []).filter { dataset.panel.measureIndex($0.id) != nil }
        let linkSigns = Dictionary(
            (dataset.scorecard?.links ?? []).map { ("\($0.from)\u{0}\($0.to)", $0) }, uniquingKeysWith: { a, _ in a })
        var out: [PairSpec] = []
        for a in defs {
            for b in defs where a.perspective < b.perspective {
                let link = linkSigns["\(a.id)\u{0}\(b.id)"]
                out.append(PairSpec(leader: a.id, lagger: b.id, sign: link?.sign, isLink: link != nil))
            }
        }
        return out
    }

    /// The period effects' normal equations are periods × periods for every lag of a pair, two
    /// pairs at a time: checked against `--max-cells` before any is allocated (issue #16). The
    /// periods counted are those holding a value of a pair's measures (the engine's `PeriodEffectsSystem`
    /// keeps only those), so a stray row a century away costs nothing.
    static func checkPeriodEffectsBudget(_ dataset: Dataset, pairs: [PairSpec], maxLag: Int) throws {
        let panel = dataset.panel
        let measures = Set(pairs.flatMap { [$0.leader, $0.lagger] }.compactMap { panel.measureIndex($0) })
        var used = [Bool](repeating: false, count: panel.periodCount)
        for t in 0..<panel.teamCount {
            for m in measures {
                for (i, v) in panel.series(team: t, measure: m).enumerated() where !v.isNaN { used[i] = true }
            }
        }
        let periods = used.count { $0 }
        let systems = (Swift.min(maxLag, panel.periodCount) + 2) * Swift.min(pairs.count, 2)
        let (square, o1) = periods.multipliedReportingOverflow(by: periods)
        let (cells, o2) = square.multipliedReportingOverflow(by: systems)
        let limit = dataset.limits.maxPanelCells
        if o1 || o2 || cells > limit {
            throw AnalysisError(
                .periodEffectsTooLarge(
                    file: dataset.location.measurements, cells: o1 || o2 ? nil : cells, systems: systems, periods: periods,
                    first: panel.firstPeriod, last: panel.lastPeriod, limit: limit))
        }
    }

    /// Maximum lag order tried by the Granger test.
    public static let maxGrangerLags = 6

    /// - Parameters:
    ///   - pairs: pairs to test (names must be measures of the panel).
    ///   - maxLag: K; defaults to the frequency's (12 months, 4 quarters, 13 weeks, 3 years, 7 days).
    ///   - perTeam: also run the tests team by team.
    ///   - progress: told (done, total) as pairs (and per-team computations) finish, from any thread.
    /// - Throws: `AnalysisError` (`.pairMeasureNotInData`) when a pair names a measure not in the data.
    public static func run(
        _ dataset: Dataset, pairs specs: [PairSpec], maxLag: Int? = nil, perTeam: Bool = false,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> LeadLagResult {
        let panel = dataset.panel
        for s in specs {
            for name in [s.leader, s.lagger] where panel.measureIndex(name) == nil {
                throw AnalysisError(
                    measure: name,
                    .pairMeasureNotInData(leader: s.leader, lagger: s.lagger, hint: Dataset.suggestion(name, among: panel.measures)))
            }
        }
        let k = maxLag ?? panel.frequency.defaultMaxLag
        try checkPeriodEffectsBudget(dataset, pairs: specs, maxLag: k)
        let allTeams = Array(0..<panel.teamCount)
        // A measure the same for every team is absorbed by the period effects (with 2+ teams).
        let flat =
            panel.teamCount < 2
            ? []
            : Set(
                specs.flatMap { [$0.leader, $0.lagger] }.filter {
                    !TeamVariation.variesBetweenTeams(panel, measure: panel.measureIndex($0)!)
                })
        let tally = progress.map { ProgressTally(total: specs.count * (perTeam ? 1 + panel.teamCount : 1), report: $0) }
        // Pairs are independent: spread them over the cores.
        let computed = Parallel.map(specs.count) { i in
            let x = panel.measureIndex(specs[i].leader)!
            let y = panel.measureIndex(specs[i].lagger)!
            var c = PairComputation(panel: panel, teams: allTeams, x: x, y: y, maxLag: k)
            if let name = [specs[i].leader, specs[i].lagger].first(where: flat.contains) { c.undefine(becauseOf: name) }
            tally?.add()
            return c
        }
        // BH over all defined forward and reverse Granger p-values.
        var ps: [Double?] = []
        for c in computed {
            ps.append(c.forward?.pValue)
            ps.append(c.reverse?.pValue)
        }
        let qs = Statistics.benjaminiHochberg(ps)
        var pairs: [LeadLagResult.Pair] = []
        var lags: [LeadLagResult.LagRow] = []
        for (i, spec) in specs.enumerated() {
            let c = computed[i]
            var pair = LeadLagResult.Pair(
                leader: spec.leader, lagger: spec.lagger, sign: spec.sign, isLink: spec.isLink, bestLag: c.bestLag,
                r: c.bestLag.flatMap { c.lags[$0].r }, pValue: c.bestLag.flatMap { c.lags[$0].pValue },
                granger: c.forward, grangerQ: qs[2 * i], reverse: c.reverse, reverseQ: qs[2 * i + 1],
                verdict: .notSupported, notes: c.notes)
            pair.verdict = verdict(pair)
            pairs.append(pair)
            for row in c.lags {
                lags.append(
                    LeadLagResult.LagRow(
                        leader: spec.leader, lagger: spec.lagger, lag: row.lag, n: row.n, r: row.r, t: row.t,
                        pValue: row.pValue, reason: row.reason))
            }
        }
        var teamRows: [LeadLagResult.TeamRow] = []
        if perTeam {
            let perTeamComputed = Parallel.map(specs.count * panel.teamCount) { j in
                let (team, i) = (j / specs.count, j % specs.count)
                let c = PairComputation(
                    panel: panel, teams: [team], x: panel.measureIndex(specs[i].leader)!,
                    y: panel.measureIndex(specs[i].lagger)!, maxLag: k)
                tally?.add()
                return c
            }
            for j in 0..<perTeamComputed.count {
                let (team, i) = (j / specs.count, j % specs.count)
                let c = perTeamComputed[j]
                teamRows.append(
                    LeadLagResult.TeamRow(
                        team: panel.teams[team], leader: specs[i].leader, lagger: specs[i].lagger, bestLag: c.bestLag,
                        r: c.bestLag.flatMap { c.lags[$0].r }, pValue: c.bestLag.flatMap { c.lags[$0].pValue }, granger: c.forward))
            }
        }
        var notes: [AnalysisNote] = []
        for p in pairs {
            for n in p.notes { notes.append(AnalysisNote("\(p.leader) → \(p.lagger): \(n)")) }
        }
        return LeadLagResult(maxLag: k, pairs: pairs, lags: lags, teams: teamRows, notes: notes)
    }

    /// METHODS.md's verdict rules. A pair without a stated sign has nothing to contradict:
    /// a significant forward test supports it even when r is undefined.
    static func verdict(_ p: LeadLagResult.Pair) -> LeadLagResult.Verdict {
        guard p.granger != nil else { return .insufficientData }
        let forward = (p.grangerQ ?? 1) < 0.05
        if forward {
            guard let sign = p.sign else { return .supported }
            guard let r = p.r else { return .insufficientData }
            return (sign == .positive) == (r > 0) ? .supported : .contradicted
        }
        if (p.reverseQ ?? 1) < 0.05 { return .reversed }
        return .notSupported
    }
}

/// The statistics of one leader → lagger pair on a set of teams.
///
/// Every regression here is y ~ regressors + team and period effects on a mask of the
/// teams × periods grid, computed by the fixed-effects engine (`PairGrid`, no dummy columns)
/// as a `NestedRegressions` factor: the BIC search over lag orders is one factor of
/// the interleaved columns [y₁ x₁ y₂ x₂ … y_P x_P | y], and each Granger test one factor of
/// [y₁…y_p x₁…x_p | y]. Results equal `FixedEffectsFit` on the same rows (tests compare).
struct PairComputation: Sendable {
    struct Lag: Sendable {
        var lag: Int
        var n: Int
        var r: Double?
        var t: Double?
        var pValue: Double?
        var reason: String?
        /// Periods of the dependent value in the sample, and the residual df.
        var periods = 0
        var df = 0
    }

    var lags: [Lag] = []
    var bestLag: Int?
    var forward: LeadLagResult.Granger?
    var reverse: LeadLagResult.Granger?
    var notes: [String] = []

    /// Fewest residual df for a lag to be a best-lag candidate (docs/DECISIONS.md).
    static let minimumBestLagDF = 10

    /// Whether each lag may be the best lag: its sample spans at least half as many periods
    /// of the dependent value as the widest lag sample (lag 0's on any ordinary panel), and
    /// leaves at least `minimumBestLagDF` residual df. A long lag on a short panel rests on
    /// a few periods, and the largest |r| over many lags would pick such chance correlations.
    static func eligibleForBestLag(_ lags: [Lag]) -> [Bool] {
        let span = lags.map(\.periods).max() ?? 0
        return lags.map { 2 * $0.periods >= span && $0.df >= minimumBestLagDF }
    }

    /// "lag 3", "lags 9–16", "lags 1, 5–7".
    static func describe(lags: [Int]) -> String {
        var runs: [String] = []
        var i = 0
        while i < lags.count {
            var j = i
            while j + 1 < lags.count && lags[j + 1] == lags[j] + 1 { j += 1 }
            runs.append(j == i ? "\(lags[i])" : j == i + 1 ? "\(lags[i]), \(lags[j])" : "\(lags[i])–\(lags[j])")
            i = j + 1
        }
        return (lags.count == 1 ? "lag " : "lags ") + runs.joined(separator: ", ")
    }

    /// Marks every statistic of the pair undefined because `measure` does not vary between
    /// teams: the period effects absorb it (the lag samples' n are kept).
    mutating func undefine(becauseOf measure: String) {
        for i in lags.indices {
            lags[i].r = nil
            lags[i].t = nil
            lags[i].pValue = nil
            lags[i].reason = TeamVariation.reason
        }
        bestLag = nil
        forward = nil
        reverse = nil
        notes = [
            "\(measure): \(TeamVariation.reason) (every team has the same value in every period), which the period effects "
                + "absorb: lag correlations and Granger tests undefined, left out of the BH family"
        ]
    }

    init(panel: Panel, teams: [Int], x: Int, y: Int, maxLag: Int) {
        // The pair's two series, team by team ([team][leader, lagger][period]).
        var values: [Double] = []
        values.reserveCapacity(teams.count * 2 * panel.periodCount)
        for team in teams {
            values.append(contentsOf: panel.series(team: team, measure: x))
            values.append(contentsOf: panel.series(team: team, measure: y))
        }
        let grid = PairGrid(rows: teams.count, periods: panel.periodCount, values: values)
        let (x, y) = (PairGrid.leader, PairGrid.lagger)
        lags = grid.lagRegressions(x: x, y: y, maxLag: maxLag).map(Lag.init)
        // Best lag: largest |r| over the lags 1…K with enough sample; within 1e-10 relative
        // counts as a tie, the smaller lag wins.
        let eligible = Self.eligibleForBestLag(lags)
        // Named in a note: the lags with an r that the rule kept out (not those with no r anyway).
        let skipped = (1..<Swift.max(lags.count, 1)).filter { !eligible[$0] && lags[$0].r != nil }
        if !skipped.isEmpty {
            let span = lags.map(\.periods).max() ?? 0
            let unit = span == 1 ? panel.frequency.rawValue : panel.frequency.rawValue + "s"
            let spans = skipped.count == 1 ? "its sample spans" : "each sample spans"
            notes.append(
                "\(Self.describe(lags: skipped)) not considered for the best lag: \(spans) fewer than half of the \(span) \(unit) "
                    + "of lag 0's, or leaves fewer than \(Self.minimumBestLagDF) residual df")
        }
        var best: (Int, Double)?
        for k in 1..<Swift.max(lags.count, 1) where eligible[k] {
            guard let r = lags[k].r else { continue }
            if let (_, b) = best {
                if abs(r) > b && !(abs(abs(r) - b) <= 1e-10 * Swift.max(abs(r), b)) { best = (k, abs(r)) }
            } else {
                best = (k, abs(r))
            }
        }
        bestLag = best?.0
        let maxP = Swift.min(maxLag, LeadLagAnalysis.maxGrangerLags)
        if maxP >= 1 {
            let runs = grid.jointRuns(x, y)
            switch grid.grangerOrder(x: x, y: y, runs: runs, maxP: maxP) {
            case .success(let p):
                forward = grid.granger(x: x, y: y, runs: runs, p: p)
                reverse = grid.granger(x: y, y: x, runs: runs, p: p)
                if forward == nil { notes.append("Granger test at \(p) lags is rank-deficient") }
            case .failure(let reason):
                notes.append("Granger test undefined: \(reason)")
            }
        } else {
            notes.append("Granger test undefined: a largest lag of 0 leaves no lag to test")
        }
    }
}

extension PairComputation.Lag {
    /// A lag's regression with its t turned into r (the partial correlation) and p.
    init(_ regression: LagRegression) {
        self.init(lag: regression.lag, n: regression.n, reason: regression.reason, periods: regression.periods, df: regression.df)
        guard let t = regression.t else { return }
        self.t = t
        pValue = StudentT(degreesOfFreedom: Double(df)).twoSidedPValue(t)
        r = t / (t * t + Double(df)).squareRoot()
    }
}

/// The Granger tests of a pair: the BIC choice of the lag order and the F test, on the
/// engine's fits of the designs (`PairGrid.designFit`).
extension PairGrid {
    enum OrderResult {
        case success(Int)
        case failure(String)
    }

    /// The lag order with the smallest BIC of the unrestricted model, all candidates on the
    /// common sample of the largest order that leaves df ≥ 1.
    func grangerOrder(x: Int, y: Int, runs: JointRuns, maxP: Int) -> OrderResult {
        var found: (p: Int, n: Int, absorbed: Int)?
        for p in stride(from: maxP, through: 1, by: -1) {
            let (n, absorbed) = sampleCounts(response: y, runs: runs, q: p)
            if n > 0 && n - absorbed - 2 * p >= 1 {
                found = (p, n, absorbed)
                break
            }
        }
        guard let (pMax, count, absorbed) = found else { return .failure("too few complete rows for even one lag") }
        // Interleaved y₁ x₁ y₂ x₂ …: the first 2p columns are the model with p lags.
        var starts: [Int] = []
        for l in 1...pMax {
            starts.append(start(y, shift: pMax - l))
            starts.append(start(x, shift: pMax - l))
        }
        starts.append(start(y, shift: pMax))
        guard case .fitted(let fit) = designFit(response: y, runs: runs, q: pMax, starts: starts) else {
            return .failure("the design at 1 lag is rank-deficient")
        }
        if let j = fit.firstDependentRegressor {
            let p = j / 2 + 1
            return .failure("the design at \(p) lag\(p == 1 ? "" : "s") is rank-deficient")
        }
        let n = Double(count)
        var best: (p: Int, bic: Double)?
        for p in 1...pMax {
            let df = Double(count - absorbed - 2 * p)
            let k = n - df
            let bic = n * (log(2 * Double.pi) + log(fit.sumOfSquaredResiduals(regressors: 2 * p) / n) + 1) + log(n) * k
            if best == nil || bic < best!.bic { best = (p, bic) }
        }
        return .success(best!.p)
    }

    /// F test of dropping the x lags, on every row complete for p.
    func granger(x: Int, y: Int, runs: JointRuns, p: Int) -> LeadLagResult.Granger? {
        let (n, absorbed) = sampleCounts(response: y, runs: runs, q: p)
        let df = n - absorbed - 2 * p
        guard n > 0, df >= 1 else { return nil }
        var starts = (1...p).map { start(y, shift: p - $0) }
        starts += (1...p).map { start(x, shift: p - $0) }
        starts.append(start(y, shift: p))
        guard case .fitted(let fit) = designFit(response: y, runs: runs, q: p, starts: starts), fit.factor != nil else { return nil }
        let ssrU = fit.sumOfSquaredResiduals(regressors: 2 * p)
        let f = (fit.reduction(from: p, to: 2 * p) / Double(p)) / (ssrU / Double(df))
        guard f.isFinite else { return nil }
        let pv = FDistribution(numeratorDegreesOfFreedom: Double(p), denominatorDegreesOfFreedom: Double(df)).survival(f)
        return LeadLagResult.Granger(lags: p, f: f, pValue: pv, numeratorDF: p, denominatorDF: df, n: n)
    }
}

/// Counts finished units across threads for a progress closure (only made when one is given).
final class ProgressTally: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    let total: Int
    let report: @Sendable (Int, Int) -> Void

    init(total: Int, report: @escaping @Sendable (Int, Int) -> Void) {
        self.total = total
        self.report = report
    }

    func add() {
        let n = lock.withLock {
            done += 1
            return done
        }
        report(n, total)
    }
}
