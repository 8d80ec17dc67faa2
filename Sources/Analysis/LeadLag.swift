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
        for k in 0...maxLag { lags.append(PairComputation.lagCorrelation(panel: panel, teams: teams, x: x, y: y, lag: k)) }
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
            switch PairComputation.grangerOrder(panel: panel, teams: teams, x: x, y: y, maxP: maxP) {
            case .success(let p):
                forward = PairComputation.granger(panel: panel, teams: teams, x: x, y: y, p: p)
                reverse = PairComputation.granger(panel: panel, teams: teams, x: y, y: x, p: p)
                if forward == nil { notes.append("Granger test at \(p) lags is rank-deficient") }
            case .failure(let reason):
                notes.append("Granger test undefined: \(reason)")
            }
        } else {
            notes.append("Granger test undefined: --max-lag 0 leaves no lag to test")
        }
    }

    /// y[i,t+k] ~ x[i,t] + team + period effects (period of the dependent value).
    static func lagCorrelation(panel: Panel, teams: [Int], x: Int, y: Int, lag k: Int) -> Lag {
        var team: [Int] = []
        var period: [Int] = []
        var xs: [Double] = []
        var ys: [Double] = []
        let p = panel.periodCount
        for i in teams {
            let xo = panel.offset(team: i, measure: x)
            let yo = panel.offset(team: i, measure: y)
            if k >= p { continue }
            for t in 0..<(p - k) {
                let xv = panel.values[xo + t]
                let yv = panel.values[yo + t + k]
                if xv.isNaN || yv.isNaN { continue }
                team.append(i)
                period.append(t + k)
                xs.append(xv)
                ys.append(yv)
            }
        }
        var row = Lag(lag: k, n: ys.count)
        do {
            let fit = try FixedEffectsFit(team: team, period: period, regressors: Matrix(rows: ys.count, columns: 1, columnMajor: xs),
                                          response: ys, effects: .teamAndPeriod)
            let t = fit.tValues[0]
            let df = fit.residualDegreesOfFreedom
            guard t.isFinite else {
                row.reason = "no residual variation"
                return row
            }
            row.t = t
            row.pValue = fit.pValues[0]
            row.r = t / (t * t + df).squareRoot()
        } catch {
            row.reason = error.caseName == "rankDeficient" ? "rank-deficient (x constant within the fixed effects)" : "too few observations (\(ys.count))"
        }
        return row
    }

    /// Design rows complete for lag order p: y[i,t], y[i,t−1…t−p], x[i,t−1…t−p].
    struct GrangerSample {
        var team: [Int] = []
        var period: [Int] = []
        /// Columns: y lags 1…p, then x lags 1…p.
        var columns: [[Double]]
        var y: [Double] = []
        init(p: Int) { columns = Array(repeating: [], count: 2 * p) }
        var count: Int { y.count }
        var teamCount: Int { Set(team).count }
        var periodCount: Int { Set(period).count }
        /// Residual df of the unrestricted model.
        var residualDF: Int {
            let g = teamCount
            return count - (g > 1 ? g + periodCount - 1 : 1) - columns.count
        }
    }

    static func sample(panel: Panel, teams: [Int], x: Int, y: Int, p: Int, complete q: Int) -> GrangerSample {
        // Rows complete for order q (q >= p), using p lags of each.
        var s = GrangerSample(p: p)
        let n = panel.periodCount
        for i in teams {
            let xo = panel.offset(team: i, measure: x)
            let yo = panel.offset(team: i, measure: y)
            guard q < n else { continue }
            rows: for t in q..<n {
                if panel.values[yo + t].isNaN { continue }
                for l in 1...q where panel.values[yo + t - l].isNaN || panel.values[xo + t - l].isNaN { continue rows }
                s.team.append(i)
                s.period.append(t)
                s.y.append(panel.values[yo + t])
                for l in 1...p {
                    s.columns[l - 1].append(panel.values[yo + t - l])
                    s.columns[p + l - 1].append(panel.values[xo + t - l])
                }
            }
        }
        return s
    }

    static func fit(_ s: GrangerSample, columns: Range<Int>) throws -> FixedEffectsFit {
        let cols = Array(s.columns[columns])
        return try FixedEffectsFit(team: s.team, period: s.period, regressors: Matrix(columns: cols), response: s.y, effects: .teamAndPeriod)
    }

    enum OrderResult { case success(Int), failure(String) }

    /// The lag order with the smallest BIC of the unrestricted model, all candidates on the
    /// common sample of the largest order that leaves df ≥ 1.
    static func grangerOrder(panel: Panel, teams: [Int], x: Int, y: Int, maxP: Int) -> OrderResult {
        var pMax = 0
        for p in stride(from: maxP, through: 1, by: -1) {
            let s = sample(panel: panel, teams: teams, x: x, y: y, p: p, complete: p)
            if s.count > 0 && s.residualDF >= 1 {
                pMax = p
                break
            }
        }
        guard pMax >= 1 else { return .failure("too few complete rows for even one lag") }
        var best: (p: Int, bic: Double)?
        for p in 1...pMax {
            let s = sample(panel: panel, teams: teams, x: x, y: y, p: p, complete: pMax)
            guard let f = try? fit(s, columns: 0..<(2 * p)) else { return .failure("the design at \(p) lag\(p == 1 ? "" : "s") is rank-deficient") }
            let n = Double(f.observationCount)
            let k = n - f.residualDegreesOfFreedom
            let bic = n * (log(2 * Double.pi) + log(f.sumOfSquaredResiduals / n) + 1) + log(n) * k
            if best == nil || bic < best!.bic { best = (p, bic) }
        }
        return .success(best!.p)
    }

    /// SSR_r − SSR_u as ‖e_r − e_u‖² (the two fits share rows and the restricted design is
    /// nested, so the difference of residuals is the difference of fitted values): no
    /// cancellation when x adds almost nothing and the two SSRs agree to many digits.
    static func restrictedMinusUnrestricted(_ r: FixedEffectsFit, _ u: FixedEffectsFit) -> Double {
        let a = r.transformedFit.residuals
        let b = u.transformedFit.residuals
        var s = 0.0
        for i in 0..<a.count { s += (a[i] - b[i]) * (a[i] - b[i]) }
        return s
    }

    /// F test of dropping the x lags, on every row complete for p.
    static func granger(panel: Panel, teams: [Int], x: Int, y: Int, p: Int) -> LeadLagResult.Granger? {
        let s = sample(panel: panel, teams: teams, x: x, y: y, p: p, complete: p)
        guard let u = try? fit(s, columns: 0..<(2 * p)), let r = try? fit(s, columns: 0..<p) else { return nil }
        let df = u.residualDegreesOfFreedom
        let f = ((restrictedMinusUnrestricted(r, u)) / Double(p)) / (u.sumOfSquaredResiduals / df)
        guard f.isFinite else { return nil }
        let pv = FDistribution(numeratorDegreesOfFreedom: Double(p), denominatorDegreesOfFreedom: df).survival(f)
        return LeadLagResult.Granger(lags: p, f: f, pValue: pv, numeratorDF: p, denominatorDF: Int(df), n: s.count)
    }
}

import Foundation
