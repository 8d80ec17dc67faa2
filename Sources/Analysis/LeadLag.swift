import Dispatch
import Distributions
import Foundation
import Ingest
import LinearAlgebra

/// Do leading indicators lead? Pooled lag correlations and panel Granger tests with team and
/// period fixed effects, BH q-values and a verdict per strategy-map link (METHODS.md, Lead-lag).
public struct LeadLagResult: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case supported
        case contradicted
        case reversed
        case notSupported = "not supported"
        case insufficientData = "insufficient data"
    }

    /// One lag of one pair: OLS y[i,t+k] ~ x[i,t] + team + period effects.
    public struct LagRow: Sendable, Equatable {
        public var leader: String
        public var lagger: String
        public var lag: Int
        public var n: Int
        /// Partial correlation t / sqrt(t² + df); nil when undefined.
        public var r: Double?
        public var t: Double?
        public var pValue: Double?
        /// Why undefined (too few rows, rank-deficient).
        public var reason: String?
    }

    public struct Granger: Sendable, Equatable {
        /// Lag order chosen by BIC.
        public var lags: Int
        public var f: Double
        public var pValue: Double
        public var numeratorDF: Int
        public var denominatorDF: Int
        public var n: Int
    }

    public struct Pair: Sendable, Equatable {
        public var leader: String
        public var lagger: String
        /// The hypothesis' sign, for scorecard links that give one.
        public var sign: LinkSign?
        /// Whether the pair is a strategy-map link of the scorecard.
        public var isLink: Bool
        public var bestLag: Int?
        public var r: Double?
        public var pValue: Double?
        public var granger: Granger?
        public var grangerQ: Double?
        public var reverse: Granger?
        public var reverseQ: Double?
        public var verdict: Verdict
        public var notes: [String]
    }

    /// Per-team statistics (`--per-team`): the same tests on each team alone (constant only).
    public struct TeamRow: Sendable, Equatable {
        public var team: String
        public var leader: String
        public var lagger: String
        public var bestLag: Int?
        public var r: Double?
        public var pValue: Double?
        public var granger: Granger?
    }

    public var maxLag: Int
    public var pairs: [Pair]
    public var lags: [LagRow]
    public var teams: [TeamRow]
    public var notes: [AnalysisNote]

    public var supportedCount: Int { pairs.filter { $0.verdict == .supported }.count }
}

public enum LeadLagAnalysis {
    /// A pair to test, leader → lagger.
    public struct PairSpec: Sendable, Equatable {
        public var leader: String
        public var lagger: String
        public var sign: LinkSign?
        public var isLink: Bool
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
    /// periods counted are those holding a value of a pair's measures (`PeriodEffectsSystem`
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
    /// - Throws: `InputError` (.usage) when a pair names a measure not in the data.
    public static func run(
        _ dataset: Dataset, pairs specs: [PairSpec], maxLag: Int? = nil, perTeam: Bool = false,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> LeadLagResult {
        let panel = dataset.panel
        for s in specs {
            for name in [s.leader, s.lagger] where panel.measureIndex(name) == nil {
                throw InputError(
                    .usage, file: "command line",
                    problem: "measure \"\(name)\" of the pair \(s.leader) → \(s.lagger) is not in the selected data",
                    expected: "measures of the data\(Dataset.suggestion(name, among: panel.measures))")
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
        var computed = [PairComputation?](repeating: nil, count: specs.count)
        BLASThreads.singleThreaded {
            computed.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: specs.count) { i in
                    let x = panel.measureIndex(specs[i].leader)!
                    let y = panel.measureIndex(specs[i].lagger)!
                    var c = PairComputation(panel: panel, teams: allTeams, x: x, y: y, maxLag: k)
                    if let name = [specs[i].leader, specs[i].lagger].first(where: flat.contains) { c.undefine(becauseOf: name) }
                    out[i] = c
                    tally?.add()
                }
            }
        }
        // BH over all defined forward and reverse Granger p-values.
        var ps: [Double?] = []
        for c in computed {
            ps.append(c!.forward?.pValue)
            ps.append(c!.reverse?.pValue)
        }
        let qs = Statistics.benjaminiHochberg(ps)
        var pairs: [LeadLagResult.Pair] = []
        var lags: [LeadLagResult.LagRow] = []
        for (i, spec) in specs.enumerated() {
            let c = computed[i]!
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
            var perTeamComputed = [PairComputation?](repeating: nil, count: specs.count * panel.teamCount)
            BLASThreads.singleThreaded {
                perTeamComputed.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let out = out
                    DispatchQueue.concurrentPerform(iterations: out.count) { j in
                        let (team, i) = (j / specs.count, j % specs.count)
                        out[j] = PairComputation(
                            panel: panel, teams: [team], x: panel.measureIndex(specs[i].leader)!,
                            y: panel.measureIndex(specs[i].lagger)!, maxLag: k)
                        tally?.add()
                    }
                }
            }
            for j in 0..<perTeamComputed.count {
                let (team, i) = (j / specs.count, j % specs.count)
                let c = perTeamComputed[j]!
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
/// teams × periods grid, so each is a `GridFixedEffects` residual-maker (no dummy columns)
/// followed by a `NestedRegressions` factor: the BIC search over lag orders is one factor of
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
            "\(measure): \(TeamVariation.reason) (every team has the same value in every period), which the period effects absorb: lag correlations and Granger tests undefined, left out of the BH family"
        ]
    }

    init(panel: Panel, teams: [Int], x: Int, y: Int, maxLag: Int) {
        let grid = PanelGrid(panel: panel, teams: teams, x: x, y: y)
        let (x, y) = (PanelGrid.leader, PanelGrid.lagger)
        lags = grid.lagCorrelations(x: x, y: y, maxLag: maxLag)
        // Best lag: largest |r| over the lags 1…K with enough sample; within 1e-10 relative
        // counts as a tie, the smaller lag wins.
        let eligible = Self.eligibleForBestLag(lags)
        // Named in a note: the lags with an r that the rule kept out (not those with no r anyway).
        let skipped = (1..<Swift.max(lags.count, 1)).filter { !eligible[$0] && lags[$0].r != nil }
        if !skipped.isEmpty {
            let span = lags.map(\.periods).max() ?? 0
            let unit = span == 1 ? panel.frequency.rawValue : panel.frequency.rawValue + "s"
            notes.append(
                "\(Self.describe(lags: skipped)) not considered for the best lag: \(skipped.count == 1 ? "its sample spans" : "each sample spans") fewer than half of the \(span) \(unit) of lag 0's, or leaves fewer than \(Self.minimumBestLagDF) residual df"
            )
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
            notes.append("Granger test undefined: --max-lag 0 leaves no lag to test")
        }
    }
}

/// One pair's two series on the chosen teams × periods, copied team by team into one
/// contiguous block ([team][leader, lagger][period]): the panel keeps a team's measures
/// together, so a series read straight from it jumps a page per team, and every regression
/// of the pair (13 lags, 3 Granger designs) sweeps the series again.
struct PanelGrid {
    /// Slot of the leader and the lagger in `values`.
    static let leader = 0, lagger = 1
    let values: [Double]
    /// Offset of each grid row's block in `values`.
    let rowOffsets: [Int]
    let rows: Int
    let periods: Int

    init(panel: Panel, teams: [Int], x: Int, y: Int) {
        let p = panel.periodCount
        rows = teams.count
        periods = p
        rowOffsets = (0..<teams.count).map { $0 * 2 * p }
        var scaled = [Double](unsafeUninitializedCapacity: teams.count * 2 * p) { out, count in
            panel.values.withUnsafeBufferPointer { v in
                for (r, team) in teams.enumerated() {
                    let block = out.baseAddress! + r * 2 * p
                    block.initialize(from: v.baseAddress! + panel.offset(team: team, measure: x), count: p)
                    (block + p).initialize(from: v.baseAddress! + panel.offset(team: team, measure: y), count: p)
                }
            }
            count = teams.count * 2 * p
        }
        // r, t, F and p do not change when x or y is scaled: each series far from 1 in magnitude
        // (1e-300, 1e300) is scaled by an exact power of two, so its squares stay representable.
        for slot in [PanelGrid.leader, PanelGrid.lagger] {
            var m = 0.0
            for r in 0..<teams.count {
                for i in 0..<p where Swift.abs(scaled[r * 2 * p + slot * p + i]) > m { m = Swift.abs(scaled[r * 2 * p + slot * p + i]) }
            }
            let k = PowerOfTwoScale.factor(for: m)
            if k == 1 { continue }
            for r in 0..<teams.count {
                for i in 0..<p { scaled[r * 2 * p + slot * p + i] *= k }
            }
        }
        values = scaled
    }

    /// Rows whose leader and lagger are both present in every period.
    var isComplete: [Bool] {
        values.withUnsafeBufferPointer { v in
            (0..<rows).map { r in
                let block = v.baseAddress! + rowOffsets[r]
                for i in 0..<(2 * periods) where block[i].isNaN { return false }
                return true
            }
        }
    }

    /// Start of slot m's series shifted by `shift` periods, relative to a row's block.
    func start(_ m: Int, shift: Int) -> Int { m * periods + shift }

    /// Every lag 0…K of y[i,t+k] ~ x[i,t] + team + period effects in two sweeps over the pair:
    /// the first gathers, team by team and lag by lag, the team means, the period sums of the
    /// demeaned values and the period effects' normal equations (`PeriodEffectsSystem`); the
    /// second, after one small solve per lag, the residuals' moments. Lags whose sample has no
    /// complete team (connectivity must then be checked) or whose moments lost digits go
    /// through `lagCorrelation`, which keeps the residuals.
    func lagCorrelations(x: Int, y: Int, maxLag: Int) -> [PairComputation.Lag] {
        let lags = (0...maxLag).filter { $0 < periods }
        let count = lags.count
        var systems = lags.map { PeriodEffectsSystem(periods: periods - $0) }
        // Per lag: period sums of the demeaned x then y, `2 (P − k)` values from sumOffset[l].
        var sumOffset = [Int](repeating: 0, count: count + 1)
        for (l, k) in lags.enumerated() { sumOffset[l + 1] = sumOffset[l] + 2 * (periods - k) }
        var sums = [Double](repeating: 0, count: sumOffset[count])
        var means = [Double](repeating: 0, count: count * rows * 2)
        var moments = [PairMoments](repeating: PairMoments(), count: count)
        var cells = [Int32](repeating: 0, count: periods)
        // Teams with both series complete: every lag's sample is a contiguous run, so their
        // sums are vector loops and their period effects O(1) (most teams, most of the time).
        let complete = isComplete
        values.withUnsafeBufferPointer { v in
            cells.withUnsafeMutableBufferPointer { cb in
                sums.withUnsafeMutableBufferPointer { sp in
                    for r in 0..<rows {
                        let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                        let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: 0)
                        if complete[r] {
                            for (l, k) in lags.enumerated() {
                                let width = periods - k
                                let (sx, sxx) = VectorKernels.sumAndSquares(xs, width)
                                let (sy, syy) = VectorKernels.sumAndSquares(ys + k, width)
                                let (mx, my) = (sx / Double(width), sy / Double(width))
                                means[(l * rows + r) * 2] = mx
                                means[(l * rows + r) * 2 + 1] = my
                                moments[l].rawXX += sxx
                                moments[l].rawYY += syy
                                let base = sp.baseAddress! + sumOffset[l]
                                moments[l].demeanedXX += VectorKernels.demeanInto(xs, mean: mx, sums: base, width)
                                moments[l].demeanedYY += VectorKernels.demeanInto(ys + k, mean: my, sums: base + width, width)
                                systems[l].addCompleteTeam()
                            }
                            continue
                        }
                        for (l, k) in lags.enumerated() {
                            let width = periods - k
                            var n = 0
                            var (sx, sy, sxx, syy) = (0.0, 0.0, 0.0, 0.0)
                            for t in 0..<width where !xs[t].isNaN && !ys[t + k].isNaN {
                                cb[n] = Int32(truncatingIfNeeded: t)
                                n += 1
                                let (a, b) = (xs[t], ys[t + k])
                                sx += a
                                sy += b
                                sxx += a * a
                                syy += b * b
                            }
                            if n == 0 { continue }
                            let (mx, my) = (sx / Double(n), sy / Double(n))
                            means[(l * rows + r) * 2] = mx
                            means[(l * rows + r) * 2 + 1] = my
                            moments[l].rawXX += sxx
                            moments[l].rawYY += syy
                            let base = sumOffset[l]
                            var (dxx, dyy) = (0.0, 0.0)
                            for c in 0..<n {
                                let t = Int(cb[c])
                                let (dx, dy) = (xs[t] - mx, ys[t + k] - my)
                                dxx += dx * dx
                                dyy += dy * dy
                                sp[base + t] += dx
                                sp[base + width + t] += dy
                            }
                            moments[l].demeanedXX += dxx
                            moments[l].demeanedYY += dyy
                            systems[l].addTeam(UnsafeBufferPointer(rebasing: cb[0..<n]))
                        }
                    }
                }
            }
        }
        // Per lag: its verdict so far, and the period effects of x then y when projected.
        var result = lags.map { PairComputation.Lag(lag: $0, n: 0) }
        var decided = [Bool](repeating: false, count: count)
        var effects = [[Double]](repeating: [], count: count)
        var dfs = [Int](repeating: 0, count: count)
        for (l, k) in lags.enumerated() {
            let system = systems[l]
            result[l].n = system.observationCount
            let g = system.teamCount
            let periodsPresent = system.periodCount
            dfs[l] = system.observationCount - (g > 1 ? g + periodsPresent - 1 : 1) - 1
            result[l].periods = periodsPresent
            result[l].df = dfs[l]
            if dfs[l] < 1 {
                result[l] = fail(result[l], "too few observations (\(system.observationCount))")
                decided[l] = true
                continue
            }
            let width = periods - k
            if g > 1 && periodsPresent > 1 {
                guard system.hasCompleteTeam, let solved = system.factorised() else {
                    result[l] = lagCorrelation(x: x, y: y, lag: k)
                    decided[l] = true
                    continue
                }
                effects[l] = solved.effects(fromPeriodSums: Array(sums[sumOffset[l]..<sumOffset[l + 1]]), columns: 2)
            } else {
                effects[l] = [Double](repeating: 0, count: 2 * width)
            }
        }
        // Σ over a complete team's periods of each lag's effects, for its mean effect.
        let effectTotals = lags.indices.map { l -> (Double, Double) in
            guard !decided[l] else { return (0, 0) }
            let width = periods - lags[l]
            return effects[l].withUnsafeBufferPointer {
                (VectorKernels.sum($0.baseAddress!, width), VectorKernels.sum($0.baseAddress! + width, width))
            }
        }
        values.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: 0)
                if complete[r] {
                    for (l, k) in lags.enumerated() where !decided[l] {
                        let width = periods - k
                        let cx = means[(l * rows + r) * 2] - effectTotals[l].0 / Double(width)
                        let cy = means[(l * rows + r) * 2 + 1] - effectTotals[l].1 / Double(width)
                        let m = effects[l].withUnsafeBufferPointer { e in
                            VectorKernels.residualMoments(
                                x: xs, y: ys + k, ex: e.baseAddress!, ey: e.baseAddress! + width, cx: cx, cy: cy, width)
                        }
                        moments[l].xx += m.xx
                        moments[l].xy += m.xy
                        moments[l].yy += m.yy
                    }
                    continue
                }
                for (l, k) in lags.enumerated() where !decided[l] {
                    let width = periods - k
                    effects[l].withUnsafeBufferPointer { e in
                        var n = 0
                        var (ex, ey) = (0.0, 0.0)
                        for t in 0..<width where !xs[t].isNaN && !ys[t + k].isNaN {
                            n += 1
                            ex += e[t]
                            ey += e[width + t]
                        }
                        if n == 0 { return }
                        let cx = means[(l * rows + r) * 2] - ex / Double(n)
                        let cy = means[(l * rows + r) * 2 + 1] - ey / Double(n)
                        var (xx, xy, yy) = (0.0, 0.0, 0.0)
                        for t in 0..<width where !xs[t].isNaN && !ys[t + k].isNaN {
                            let rx = xs[t] - cx - e[t]
                            let ry = ys[t + k] - cy - e[width + t]
                            xx += rx * rx
                            xy += rx * ry
                            yy += ry * ry
                        }
                        moments[l].xx += xx
                        moments[l].xy += xy
                        moments[l].yy += yy
                    }
                }
            }
        }
        for (l, k) in lags.enumerated() where !decided[l] {
            result[l] = finish(result[l], moments[l], df: dfs[l]) ?? lagCorrelation(x: x, y: y, lag: k)
        }
        for k in count..<(maxLag + 1) {
            result.append(fail(PairComputation.Lag(lag: k, n: 0), "too few observations (0)"))
        }
        return result
    }

    /// r, t and p from residual moments; nil when digits were lost — the effects took almost
    /// all of a column, or the fit is almost perfect — and the residuals themselves are needed.
    func finish(_ row: PairComputation.Lag, _ m: PairMoments, df: Int) -> PairComputation.Lag? {
        if m.xx.squareRoot() <= PivotedQR.defaultRankTolerance * m.rawXX.squareRoot() || m.xx == 0 {
            return fail(row, "rank-deficient (x constant within the fixed effects)")
        }
        let ssr = m.yy - m.xy * m.xy / m.xx
        guard m.xx * 1e6 >= m.demeanedXX && m.yy * 1e6 >= m.demeanedYY && ssr > 1e-6 * m.yy else { return nil }
        let t = m.xy * Double(df).squareRoot() / (m.xx * ssr).squareRoot()
        var row = row
        row.t = t
        row.pValue = StudentT(degreesOfFreedom: Double(df)).twoSidedPValue(t)
        row.r = t / (t * t + Double(df)).squareRoot()
        return row
    }

    /// y[i,t+k] ~ x[i,t] + team + period effects (period of the dependent value).
    func lagCorrelation(x: Int, y: Int, lag k: Int) -> PairComputation.Lag {
        var row = PairComputation.Lag(lag: k, n: 0)
        guard k < periods else { return fail(row, "too few observations (0)") }
        let width = periods - k
        let mask = [Bool](unsafeUninitializedCapacity: rows * width) { m, count in
            values.withUnsafeBufferPointer { v in
                for r in 0..<rows {
                    let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                    let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: k)
                    let out = m.baseAddress! + r * width
                    for t in 0..<width { out[t] = !xs[t].isNaN && !ys[t].isNaN }
                }
            }
            count = rows * width
        }
        let effects = GridFixedEffects(mask: mask, rows: rows, periods: width)
        row.n = effects.observationCount
        let df = effects.observationCount - effects.absorbedParameters - 1
        row.periods = effects.periodCount
        row.df = df
        if df < 1 { return fail(row, "too few observations (\(row.n))") }
        if effects.problem != nil { return fail(row, "rank-deficient (the teams share too few periods for period effects)") }
        // The fallback of `lagCorrelations`: residuals stored, factored by `NestedRegressions`.
        let (z, raw) = values.withUnsafeBufferPointer {
            effects.residualise($0, rowOffsets: rowOffsets, starts: [start(x, shift: 0), start(y, shift: k)])
        }
        let fit = NestedRegressions(z, rawNorms: raw)
        guard fit.factor != nil else { return fail(row, "rank-deficient (x constant within the fixed effects)") }
        let t = fit.tValue(ofLastOf: 1, residualDegreesOfFreedom: Double(df))
        guard t.isFinite else { return fail(row, "no residual variation") }
        row.t = t
        row.pValue = StudentT(degreesOfFreedom: Double(df)).twoSidedPValue(t)
        row.r = t / (t * t + Double(df)).squareRoot()
        return row
    }

    private func fail(_ row: PairComputation.Lag, _ reason: String) -> PairComputation.Lag {
        var row = row
        row.reason = reason
        return row
    }

    /// For every cell, how many consecutive periods up to and including it have both x and y.
    func jointRuns(_ x: Int, _ y: Int) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: rows * periods) { runs, count in
            values.withUnsafeBufferPointer { v in
                for r in 0..<rows {
                    let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                    let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: 0)
                    let out = runs.baseAddress! + r * periods
                    var run: Int32 = 0
                    for t in 0..<periods {
                        run = xs[t].isNaN || ys[t].isNaN ? 0 : run + 1
                        out[t] = run
                    }
                }
            }
            count = rows * periods
        }
    }

    /// Effects on the rows complete for order q: y[i,t] present and x, y present at t−1…t−q.
    /// Grid column t is period t + q.
    func grangerEffects(response y: Int, runs: [Int32], q: Int) -> GridFixedEffects? {
        guard q < periods else { return nil }
        let width = periods - q
        let mask = [Bool](unsafeUninitializedCapacity: rows * width) { m, count in
            values.withUnsafeBufferPointer { v in
                runs.withUnsafeBufferPointer { rp in
                    for r in 0..<rows {
                        let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: q)
                        let run = rp.baseAddress! + r * periods + q - 1
                        let out = m.baseAddress! + r * width
                        for t in 0..<width { out[t] = run[t] >= q && !ys[t].isNaN }
                    }
                }
            }
            count = rows * width
        }
        return GridFixedEffects(mask: mask, rows: rows, periods: width)
    }

    /// Residual df of the unrestricted Granger model with p lags of each on these effects.
    static func residualDF(_ e: GridFixedEffects, p: Int) -> Int { e.observationCount - e.absorbedParameters - 2 * p }

    enum OrderResult {
        case success(Int)
        case failure(String)
    }

    /// Rows complete for order q: y[i,t] present and x, y present at t−1…t−q (grid column t
    /// is period t + q). Writes the team's grid columns into `cells`, returns their number.
    @inline(__always)
    func completeRows(
        _ r: Int, response y: Int, runs: UnsafePointer<Int32>, q: Int, values v: UnsafePointer<Double>,
        into cells: UnsafeMutablePointer<Int32>
    ) -> Int {
        let width = periods - q
        let ys = v + rowOffsets[r] + start(y, shift: q)
        let run = runs + r * periods + q - 1
        var n = 0
        for t in 0..<width where run[t] >= q && !ys[t].isNaN {
            cells[n] = Int32(truncatingIfNeeded: t)
            n += 1
        }
        return n
    }

    /// Observations and parameters absorbed by the effects on the rows complete for q.
    func sampleCounts(response y: Int, runs: [Int32], q: Int) -> (n: Int, absorbed: Int) {
        guard q < periods else { return (0, 1) }
        var perPeriod = [Bool](repeating: false, count: periods - q)
        var (n, g) = (0, 0)
        var cells = [Int32](repeating: 0, count: periods)
        values.withUnsafeBufferPointer { v in
            runs.withUnsafeBufferPointer { rp in
                cells.withUnsafeMutableBufferPointer { cb in
                    for r in 0..<rows {
                        let c = completeRows(r, response: y, runs: rp.baseAddress!, q: q, values: v.baseAddress!, into: cb.baseAddress!)
                        if c == 0 { continue }
                        n += c
                        g += 1
                        for i in 0..<c { perPeriod[Int(cb[i])] = true }
                    }
                }
            }
        }
        let present = perPeriod.count { $0 }
        return (n, g > 1 ? g + present - 1 : 1)
    }

    enum DesignFit {
        case fitted(NestedRegressions)
        /// The team and period effects are not of full rank on this sample.
        case effectsNotOfFullRank
    }

    /// The regression of the last column on the others, with team and period effects, over
    /// the rows complete for q; columns are `starts` into each row's block. Two sweeps: team
    /// means, period sums and the effects' normal equations, then the residuals' Gram matrix
    /// accumulated team by team in a small buffer — the N × c residual matrix is never
    /// stored. Samples where that would lose digits (see `NestedRegressions.fromGram`) or
    /// whose connectivity must be checked (no complete team) take `GridFixedEffects`.
    func designFit(response y: Int, runs: [Int32], q: Int, starts: [Int]) -> DesignFit {
        let c = starts.count
        let width = periods - q
        var system = PeriodEffectsSystem(periods: width)
        var means = [Double](repeating: 0, count: rows * c)
        var sums = [Double](repeating: 0, count: c * width)
        var raw = [Double](repeating: 0, count: c)
        var demeaned = [Double](repeating: 0, count: c)
        var local = [Double](repeating: 0, count: c * periods)
        var cells = [Int32](repeating: 0, count: periods)
        values.withUnsafeBufferPointer { v in
            runs.withUnsafeBufferPointer { rp in
                cells.withUnsafeMutableBufferPointer { cb in
                    local.withUnsafeMutableBufferPointer { lb in
                        sums.withUnsafeMutableBufferPointer { sp in
                            for r in 0..<rows {
                                let n = completeRows(
                                    r, response: y, runs: rp.baseAddress!, q: q, values: v.baseAddress!, into: cb.baseAddress!)
                                if n == 0 { continue }
                                if n == width {
                                    // Every row of the window: contiguous, vector loops, O(1) effects.
                                    for j in 0..<c {
                                        let src = v.baseAddress! + rowOffsets[r] + starts[j]
                                        let (sum, ss) = VectorKernels.sumAndSquares(src, n)
                                        let mean = sum / Double(n)
                                        means[r * c + j] = mean
                                        raw[j] += ss
                                        demeaned[j] += VectorKernels.demeanInto(src, mean: mean, sums: sp.baseAddress! + j * width, n)
                                    }
                                    system.addCompleteTeam()
                                    continue
                                }
                                for j in 0..<c {
                                    let src = v.baseAddress! + rowOffsets[r] + starts[j]
                                    let col = lb.baseAddress! + j * periods
                                    var (sum, ss) = (0.0, 0.0)
                                    for i in 0..<n {
                                        let value = src[Int(cb[i])]
                                        col[i] = value
                                        sum += value
                                        ss += value * value
                                    }
                                    let mean = sum / Double(n)
                                    means[r * c + j] = mean
                                    raw[j] += ss
                                    var ds = 0.0
                                    for i in 0..<n {
                                        let d = col[i] - mean
                                        ds += d * d
                                        sp[j * width + Int(cb[i])] += d
                                    }
                                    demeaned[j] += ds
                                }
                                system.addTeam(UnsafeBufferPointer(start: cb.baseAddress!, count: n))
                            }
                        }
                    }
                }
            }
        }
        let observations = system.observationCount
        var effect = [Double](repeating: 0, count: c * width)
        if system.teamCount > 1 && system.periodCount > 1 {
            guard system.hasCompleteTeam, let solved = system.factorised() else {
                return materialisedFit(response: y, runs: runs, q: q, starts: starts)
            }
            effect = solved.effects(fromPeriodSums: sums, columns: c)
        }
        var accumulator = GramAccumulator(columns: c, blockRows: Swift.max(2048, periods))
        values.withUnsafeBufferPointer { v in
            runs.withUnsafeBufferPointer { rp in
                cells.withUnsafeMutableBufferPointer { cb in
                    effect.withUnsafeBufferPointer { e in
                        for r in 0..<rows {
                            let n = completeRows(r, response: y, runs: rp.baseAddress!, q: q, values: v.baseAddress!, into: cb.baseAddress!)
                            if n == 0 { continue }
                            let contiguous = n == width
                            accumulator.appendRows(n) { base, leading in
                                for j in 0..<c {
                                    let src = v.baseAddress! + rowOffsets[r] + starts[j]
                                    let col = base + j * leading
                                    let ej = e.baseAddress! + j * width
                                    if contiguous {
                                        let shift = means[r * c + j] - VectorKernels.sum(ej, n) / Double(n)
                                        for t in 0..<n { col[t] = src[t] - shift - ej[t] }
                                    } else {
                                        var eSum = 0.0
                                        for i in 0..<n { eSum += ej[Int(cb[i])] }
                                        let shift = means[r * c + j] - eSum / Double(n)
                                        for i in 0..<n {
                                            let t = Int(cb[i])
                                            col[i] = src[t] - shift - ej[t]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let gram = accumulator.result()
        if let fit = NestedRegressions.fromGram(
            gram, rawNorms: raw.map { $0.squareRoot() }, demeanedSquares: demeaned, observationCount: observations)
        {
            return .fitted(fit)
        }
        return materialisedFit(response: y, runs: runs, q: q, starts: starts)
    }

    /// `designFit` through the stored residuals (Householder QR where needed).
    func materialisedFit(response y: Int, runs: [Int32], q: Int, starts: [Int]) -> DesignFit {
        guard let effects = grangerEffects(response: y, runs: runs, q: q), effects.problem == nil else { return .effectsNotOfFullRank }
        let (z, raw) = values.withUnsafeBufferPointer { effects.residualise($0, rowOffsets: rowOffsets, starts: starts) }
        return .fitted(NestedRegressions(z, rawNorms: raw))
    }

    /// The lag order with the smallest BIC of the unrestricted model, all candidates on the
    /// common sample of the largest order that leaves df ≥ 1.
    func grangerOrder(x: Int, y: Int, runs: [Int32], maxP: Int) -> OrderResult {
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
    func granger(x: Int, y: Int, runs: [Int32], p: Int) -> LeadLagResult.Granger? {
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
