import Dispatch
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
        let linkSigns = Dictionary((dataset.scorecard?.links ?? []).map { ("\($0.from)\u{0}\($0.to)", $0) }, uniquingKeysWith: { a, _ in a })
        var out: [PairSpec] = []
        for a in defs {
            for b in defs where a.perspective < b.perspective {
                let link = linkSigns["\(a.id)\u{0}\(b.id)"]
                out.append(PairSpec(leader: a.id, lagger: b.id, sign: link?.sign, isLink: link != nil))
            }
        }
        return out
    }

    /// Maximum lag order tried by the Granger test.
    public static let maxGrangerLags = 6

    /// - Parameters:
    ///   - pairs: pairs to test (names must be measures of the panel).
    ///   - maxLag: K; defaults to the frequency's (12 months, 4 quarters, 13 weeks, 3 years, 7 days).
    ///   - perTeam: also run the tests team by team.
    /// - Throws: `InputError` (.usage) when a pair names a measure not in the data.
    public static func run(_ dataset: Dataset, pairs specs: [PairSpec], maxLag: Int? = nil, perTeam: Bool = false) throws -> LeadLagResult {
        let panel = dataset.panel
        for s in specs {
            for name in [s.leader, s.lagger] where panel.measureIndex(name) == nil {
                throw InputError(.usage, file: "command line", problem: "measure \"\(name)\" of the pair \(s.leader) → \(s.lagger) is not in the selected data",
                                 expected: "measures of the data\(Dataset.suggestion(name, among: panel.measures))")
            }
        }
        let k = maxLag ?? panel.frequency.defaultMaxLag
        let allTeams = Array(0..<panel.teamCount)
        // Pairs are independent: spread them over the cores.
        var computed = [PairComputation?](repeating: nil, count: specs.count)
        computed.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: specs.count) { i in
                let x = panel.measureIndex(specs[i].leader)!
                let y = panel.measureIndex(specs[i].lagger)!
                out[i] = PairComputation(panel: panel, teams: allTeams, x: x, y: y, maxLag: k)
            }
        }
        // BH over all defined forward and reverse Granger p-values.
        var ps: [Double?] = []
        for c in computed { ps.append(c!.forward?.pValue); ps.append(c!.reverse?.pValue) }
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
                lags.append(LeadLagResult.LagRow(leader: spec.leader, lagger: spec.lagger, lag: row.lag, n: row.n, r: row.r, t: row.t,
                                                 pValue: row.pValue, reason: row.reason))
            }
        }
        var teamRows: [LeadLagResult.TeamRow] = []
        if perTeam {
            var perTeamComputed = [PairComputation?](repeating: nil, count: specs.count * panel.teamCount)
            perTeamComputed.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                DispatchQueue.concurrentPerform(iterations: out.count) { j in
                    let (team, i) = (j / specs.count, j % specs.count)
                    out[j] = PairComputation(panel: panel, teams: [team], x: panel.measureIndex(specs[i].leader)!,
                                             y: panel.measureIndex(specs[i].lagger)!, maxLag: k)
                }
            }
            for j in 0..<perTeamComputed.count {
                let (team, i) = (j / specs.count, j % specs.count)
                let c = perTeamComputed[j]!
                teamRows.append(LeadLagResult.TeamRow(
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
    }

    var lags: [Lag] = []
    var bestLag: Int?
    var forward: LeadLagResult.Granger?
    var reverse: LeadLagResult.Granger?
    var notes: [String] = []

    init(panel: Panel, teams: [Int], x: Int, y: Int, maxLag: Int) {
        let grid = PanelGrid(panel: panel, teams: teams)
        for k in 0...maxLag { lags.append(grid.lagCorrelation(x: x, y: y, lag: k)) }
        // Best lag: largest |r| over 1…K; within 1e-10 relative counts as a tie, the smaller lag wins.
        var best: (Int, Double)?
        for k in 1..<Swift.max(lags.count, 1) {
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

/// The panel seen as a grid of the chosen teams × periods, for one pair's regressions.
struct PanelGrid {
    let panel: Panel
    let teams: [Int]
    /// Offset of each grid row's team block in `panel.values`.
    let rowOffsets: [Int]
    let periods: Int

    init(panel: Panel, teams: [Int]) {
        self.panel = panel
        self.teams = teams
        rowOffsets = teams.map { panel.offset(team: $0, measure: 0) }
        periods = panel.periodCount
    }

    /// Start of measure m shifted by `shift` periods, relative to a team block.
    func start(_ m: Int, shift: Int) -> Int { panel.offset(team: 0, measure: m) + shift }

    func value(row r: Int, measure m: Int, period t: Int) -> Double { panel.values[rowOffsets[r] + start(m, shift: 0) + t] }

    /// y[i,t+k] ~ x[i,t] + team + period effects (period of the dependent value).
    func lagCorrelation(x: Int, y: Int, lag k: Int) -> PairComputation.Lag {
        var row = PairComputation.Lag(lag: k, n: 0)
        guard k < periods else { return fail(row, "too few observations (0)") }
        let width = periods - k
        var mask = [Bool](repeating: false, count: teams.count * width)
        panel.values.withUnsafeBufferPointer { v in
            for r in 0..<teams.count {
                let xo = rowOffsets[r] + start(x, shift: 0)
                let yo = rowOffsets[r] + start(y, shift: k)
                for t in 0..<width where !v[xo + t].isNaN && !v[yo + t].isNaN { mask[r * width + t] = true }
            }
        }
        let effects = GridFixedEffects(mask: mask, rows: teams.count, periods: width)
        row.n = effects.observationCount
        let df = effects.observationCount - effects.absorbedParameters - 1
        if df < 1 { return fail(row, "too few observations (\(row.n))") }
        if effects.problem != nil { return fail(row, "rank-deficient (the teams share too few periods for period effects)") }
        let (z, raw) = panel.values.withUnsafeBufferPointer {
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
        var runs = [Int32](repeating: 0, count: teams.count * periods)
        panel.values.withUnsafeBufferPointer { v in
            for r in 0..<teams.count {
                let xo = rowOffsets[r] + start(x, shift: 0)
                let yo = rowOffsets[r] + start(y, shift: 0)
                var run: Int32 = 0
                for t in 0..<periods {
                    run = v[xo + t].isNaN || v[yo + t].isNaN ? 0 : run + 1
                    runs[r * periods + t] = run
                }
            }
        }
        return runs
    }

    /// Effects on the rows complete for order q: y[i,t] present and x, y present at t−1…t−q.
    /// Grid column t is period t + q.
    func grangerEffects(response y: Int, runs: [Int32], q: Int) -> GridFixedEffects? {
        guard q < periods else { return nil }
        let width = periods - q
        var mask = [Bool](repeating: false, count: teams.count * width)
        panel.values.withUnsafeBufferPointer { v in
            for r in 0..<teams.count {
                let yo = rowOffsets[r] + start(y, shift: q)
                for t in 0..<width where runs[r * periods + t + q - 1] >= q && !v[yo + t].isNaN { mask[r * width + t] = true }
            }
        }
        return GridFixedEffects(mask: mask, rows: teams.count, periods: width)
    }

    /// Residual df of the unrestricted Granger model with p lags of each on these effects.
    static func residualDF(_ e: GridFixedEffects, p: Int) -> Int { e.observationCount - e.absorbedParameters - 2 * p }

    enum OrderResult { case success(Int), failure(String) }

    /// The lag order with the smallest BIC of the unrestricted model, all candidates on the
    /// common sample of the largest order that leaves df ≥ 1.
    func grangerOrder(x: Int, y: Int, runs: [Int32], maxP: Int) -> OrderResult {
        var found: (p: Int, effects: GridFixedEffects)?
        for p in stride(from: maxP, through: 1, by: -1) {
            guard let e = grangerEffects(response: y, runs: runs, q: p) else { continue }
            if e.observationCount > 0 && PanelGrid.residualDF(e, p: p) >= 1 {
                found = (p, e)
                break
            }
        }
        guard let (pMax, effects) = found else { return .failure("too few complete rows for even one lag") }
        guard effects.problem == nil else { return .failure("the design at 1 lag is rank-deficient") }
        // Interleaved y₁ x₁ y₂ x₂ …: the first 2p columns are the model with p lags.
        var starts: [Int] = []
        for l in 1...pMax { starts.append(start(y, shift: pMax - l)); starts.append(start(x, shift: pMax - l)) }
        starts.append(start(y, shift: pMax))
        let (z, raw) = panel.values.withUnsafeBufferPointer { effects.residualise($0, rowOffsets: rowOffsets, starts: starts) }
        let fit = NestedRegressions(z, rawNorms: raw)
        if let j = fit.firstDependentRegressor {
            let p = j / 2 + 1
            return .failure("the design at \(p) lag\(p == 1 ? "" : "s") is rank-deficient")
        }
        let n = Double(effects.observationCount)
        var best: (p: Int, bic: Double)?
        for p in 1...pMax {
            let df = Double(PanelGrid.residualDF(effects, p: p))
            let k = n - df
            let bic = n * (log(2 * Double.pi) + log(fit.sumOfSquaredResiduals(regressors: 2 * p) / n) + 1) + log(n) * k
            if best == nil || bic < best!.bic { best = (p, bic) }
        }
        return .success(best!.p)
    }

    /// F test of dropping the x lags, on every row complete for p.
    func granger(x: Int, y: Int, runs: [Int32], p: Int) -> LeadLagResult.Granger? {
        guard let effects = grangerEffects(response: y, runs: runs, q: p), effects.problem == nil else { return nil }
        let df = PanelGrid.residualDF(effects, p: p)
        guard df >= 1 else { return nil }
        var starts = (1...p).map { start(y, shift: p - $0) }
        starts += (1...p).map { start(x, shift: p - $0) }
        starts.append(start(y, shift: p))
        let (z, raw) = panel.values.withUnsafeBufferPointer { effects.residualise($0, rowOffsets: rowOffsets, starts: starts) }
        let fit = NestedRegressions(z, rawNorms: raw)
        guard fit.factor != nil else { return nil }
        let ssrU = fit.sumOfSquaredResiduals(regressors: 2 * p)
        let f = (fit.reduction(from: p, to: 2 * p) / Double(p)) / (ssrU / Double(df))
        guard f.isFinite else { return nil }
        let pv = FDistribution(numeratorDegreesOfFreedom: Double(p), denominatorDegreesOfFreedom: Double(df)).survival(f)
        return LeadLagResult.Granger(lags: p, f: f, pValue: pv, numeratorDF: p, denominatorDF: df, n: effects.observationCount)
    }
}

import Foundation
