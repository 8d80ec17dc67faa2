import Foundation
import Ingest
import LinearAlgebra

/// The machinery behind `ForecastAnalysis.run` (METHODS.md, Forecast): the design of one
/// horizon's regression on data up to a cutoff, its fit with team effects and trends taken
/// out within each team (`TeamTrendFit`), predictions from an origin, the calibration window
/// and the organisation figure. Fits are cached by (scale, cutoff, horizon, trends): the
/// forecast's window, every horizon and every backtest origin share them; those before the
/// last period come from running within-team moments (`momentFit`).
final class ForecastEngine {
    /// Which measures are on the log scale: the target, then each driver.
    struct Scale: Hashable {
        var logs: [Bool]
        var logTarget: Bool { logs[0] }
    }

    struct FitKey: Hashable {
        var scale: Scale
        var cutoff: Int
        var horizon: Int
        var trends: Bool
    }

    /// One horizon's regression on rows whose target period is at or before `cutoff`.
    struct Fit {
        var key: FitKey
        var fit: TeamTrendFit
        /// Dense index of each panel team in the fit (-1: no training row).
        var dense: [Int]
        /// Season slots with a dummy, in column order (the base slot has none).
        var seasonSlots: [Int]
        var baseSlot: Int?
        /// Training rows' target periods and the residuals' cross-team correlation ρ.
        var rho: Double
        var scale: Double { fit.scale }
        var df: Double { fit.residualDegreesOfFreedom }
    }

    /// A team's prediction from an origin, on the model scale (z in units of `zFactor`).
    struct Prediction {
        var team: Int
        var z: Double
        /// s²(1 + h + d'(X̃'X̃)⁻¹d) on the model scale (in zFactor² units).
        var v: Double
        var leverage: Double
        var d: [Double]
        /// The target slot had no training row (no seasonal term).
        var unseenSlot: Bool
    }

    let panel: Panel
    let y: Int
    /// Target then drivers (panel measure indices).
    let measures: [Int]
    let names: [String]
    let p: Int
    let seasonal: Bool
    /// Power-of-two factors that bring each level-scale measure near 1 (exact scaling, so
    /// values near 1e-300 or 1e300 neither underflow nor overflow in s² and the total's V).
    let factor: [Double]
    private var cache: [FitKey: Fit?] = [:]
    /// Running moments for the refits before the last period (ForecastMoments.swift).
    let sweepState = ForecastSweeps()
    private(set) var errors: [FitKey: Error] = [:]
    /// cumAbs[i][t], cumN[i][t]: Σ|y[i,s] − y[i,s−1]| (in factor units) and count over s ≤ t.
    private let cumAbs: [[Double]]
    private let cumN: [[Int]]

    init(panel: Panel, target y: Int, drivers: [Int], names: [String], lags p: Int, seasonal: Bool) {
        self.panel = panel
        self.y = y
        measures = [y] + drivers
        self.names = names
        self.p = p
        self.seasonal = seasonal && panel.frequency.seasonLength != nil
        factor = measures.map { m in
            var top = 0.0
            for i in 0..<panel.teamCount {
                for v in panel.series(team: i, measure: m) where !v.isNaN { top = Swift.max(top, abs(v)) }
            }
            return top > 0 && top.isFinite ? Double(sign: .plus, exponent: top.exponent, significand: 1) : 1
        }
        var ca: [[Double]] = []
        var cn: [[Int]] = []
        let f = factor[0]
        for i in 0..<panel.teamCount {
            var a = [Double](repeating: 0, count: panel.periodCount)
            var c = [Int](repeating: 0, count: panel.periodCount)
            for t in 1..<Swift.max(panel.periodCount, 1) {
                let u = panel[i, y, t]
                let w = panel[i, y, t - 1]
                a[t] = a[t - 1]
                c[t] = c[t - 1]
                if !u.isNaN && !w.isNaN {
                    a[t] += abs(u / f - w / f)
                    c[t] += 1
                }
            }
            ca.append(a)
            cn.append(c)
        }
        cumAbs = ca
        cumN = cn
    }

    // MARK: Scale

    /// METHODS.md's elasticity b of ln d_i on ln m_i, on data up to `o`; nil with fewer than 5 teams.
    func elasticity(upTo o: Int) -> (b: Double, teams: Int)? {
        var xs: [Double] = []
        var ys: [Double] = []
        let f = factor[0]
        for i in 0..<panel.teamCount {
            var sum = 0.0
            var n = 0
            var changes = 0
            var absSum = 0.0
            for t in 0...o {
                let v = panel[i, y, t]
                guard !v.isNaN else { continue }
                sum += v / f
                n += 1
                if t > 0, !panel[i, y, t - 1].isNaN {
                    absSum += abs(v / f - panel[i, y, t - 1] / f)
                    changes += 1
                }
            }
            guard changes >= 3, n > 0 else { continue }
            let m = sum / Double(n)
            let d = absSum / Double(changes)
            guard m > 0, d > 0 else { continue }
            xs.append(m.log())
            ys.append(d.log())
        }
        guard xs.count >= 5 else { return nil }
        let mx = xs.reduce(0, +) / Double(xs.count)
        let my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0
        var sxx = 0.0
        for k in 0..<xs.count {
            sxy += (xs[k] - mx) * (ys[k] - my)
            sxx += (xs[k] - mx) * (xs[k] - mx)
        }
        guard sxx > 0 else { return nil }
        return (sxy / sxx, xs.count)
    }

    /// The first present value <= 0 of measure `m` up to `o` (team, period), if any.
    func firstNonPositive(_ m: Int, upTo o: Int) -> (team: Int, period: Int)? {
        for i in 0..<panel.teamCount {
            for t in 0...o where panel[i, m, t] <= 0 { return (i, t) }
        }
        return nil
    }

    /// A driver is logged on the log scale when all its present values up to `o` are > 0.
    func scale(logTarget: Bool, upTo o: Int) -> Scale {
        Scale(logs: [logTarget] + measures.dropFirst().map { logTarget && firstNonPositive($0, upTo: o) == nil })
    }

    // MARK: Design

    @inline(__always) func value(_ scale: Scale, _ k: Int, _ team: Int, _ t: Int) -> Double {
        let v = panel[team, measures[k], t]
        return scale.logs[k] ? v.log() : v / factor[k]
    }

    /// z of the target for a team at t (nil when missing).
    func target(_ scale: Scale, _ team: Int, _ t: Int) -> Double? {
        guard t >= 0, t < panel.periodCount, !panel[team, y, t].isNaN else { return nil }
        return value(scale, 0, team, t)
    }

    /// The target in level units of `factor[0]` for a z on the model scale.
    func level(_ scale: Scale, z: Double, v: Double) -> Double {
        scale.logTarget ? (z + v / 2).exp() / factor[0] : z
    }

    /// The lag regressors at origin t, or the first (measure, period) missing.
    func lags(_ scale: Scale, _ team: Int, _ t: Int, into out: inout [Double]) -> (measure: Int, period: Int)? {
        out.removeAll(keepingCapacity: true)
        for k in 0..<measures.count {
            for j in 0..<p {
                guard t - j >= 0, t - j < panel.periodCount else { return (k, t - j) }
                let v = panel[team, measures[k], t - j]
                if v.isNaN { return (k, t - j) }
                out.append(scale.logs[k] ? v.log() : v / factor[k])
            }
        }
        return nil
    }

    func seasonSlot(_ t: Int) -> Int? { seasonal ? panel.period(at: t).seasonSlot : nil }

    var lagNames: [String] { names.flatMap { n in (0..<p).map { "\(n)_lag\($0)" } } }

    /// The fit for a key, nil when no row exists; errors (rank, df) are kept in `errors` and give nil.
    func fit(_ key: FitKey) -> Fit? {
        if let cached = cache[key] { return cached }
        let result: Fit?
        // Refits before the last period from running moments; the last period's (the
        // forecast, its F-tests) and any the moments cannot settle by the QR path.
        do { result = try (key.cutoff < panel.periodCount - 1 ? momentFit(key) : nil) ?? makeFit(key, dropping: nil) } catch {
            errors[key] = error
            result = nil
        }
        cache[key] = result
        return result
    }

    /// Builds and fits; `dropping` removes driver k's lag columns (partial F-tests).
    func makeFit(_ key: FitKey, dropping: Int?) throws -> Fit? {
        let h = key.horizon
        var teamOf: [Int] = []
        var times: [Double] = []
        var zs: [Double] = []
        var targetT: [Int] = []
        var x: [Double] = []
        var row: [Double] = []
        var dense = [Int](repeating: -1, count: panel.teamCount)
        var teams = 0
        let width = measures.count * p
        if key.cutoff - h >= p - 1 {
            for i in 0..<panel.teamCount {
                for t in (p - 1)...(key.cutoff - h) {
                    guard let z = target(key.scale, i, t + h), lags(key.scale, i, t, into: &row) == nil else { continue }
                    if dense[i] < 0 {
                        dense[i] = teams
                        teams += 1
                    }
                    teamOf.append(dense[i])
                    times.append(Double(t))
                    zs.append(z)
                    targetT.append(t + h)
                    x.append(contentsOf: row)
                }
            }
        }
        if zs.isEmpty { return nil }
        let n = zs.count
        var slots: [Int] = []
        var base: Int?
        if seasonal {
            let present = Set(targetT.compactMap(seasonSlot)).sorted()
            base = present.first
            slots = Array(present.dropFirst())
        }
        let kept = (0..<width).filter { dropping == nil || $0 / p != dropping! }
        var design = Matrix(rows: n, columns: kept.count + slots.count)
        for (c, j) in kept.enumerated() { for r in 0..<n { design.storage[r + c * n] = x[r * width + j] } }
        for (s, slot) in slots.enumerated() {
            let c = kept.count + s
            for r in 0..<n where seasonSlot(targetT[r]) == slot { design.storage[r + c * n] = 1 }
        }
        let trend = [Bool](repeating: key.trends, count: teams)
        let fitted = try TeamTrendFit(team: teamOf, time: times, trend: trend, regressors: design, response: zs)
        // ρ: residuals grouped by target period.
        var rs = [Double](repeating: 0, count: panel.periodCount + h)
        var qs = rs
        var ns = [Int](repeating: 0, count: rs.count)
        let e = fitted.residuals
        for r in 0..<n {
            rs[targetT[r]] += e[r]
            qs[targetT[r]] += e[r] * e[r]
            ns[targetT[r]] += 1
        }
        var fit = fitted
        if key.cutoff < panel.periodCount - 1 { fit.dropResiduals() }
        let rho = Self.withinPeriodCorrelation(sums: rs, squares: qs, counts: ns, scale: fitted.scale)
        return Fit(key: key, fit: fit, dense: dense, seasonSlots: slots, baseSlot: base, rho: rho)
    }

    /// Predictions from origin o for `teams` (those with complete regressors at o and training rows);
    /// `adjust` changes a team's lag row first (a scenario's drivers at the origin).
    /// ρ, the correlation of two teams' residuals in the same target period, from the per-period
    /// sums, sums of squares and counts of the residuals: Σₜ ((Σe)² − Σe²) over Σₜ nₜ(nₜ − 1) s²,
    /// clamped to [0, 1] (0 without two residuals in a period or with s² = 0).
    static func withinPeriodCorrelation(sums rs: [Double], squares qs: [Double], counts ns: [Int], scale: Double) -> Double {
        var num = 0.0
        var den = 0.0
        for t in 0..<rs.count where ns[t] > 1 {
            num += rs[t] * rs[t] - qs[t]
            den += Double(ns[t] * (ns[t] - 1))
        }
        return den > 0 && scale > 0 ? Swift.min(1, Swift.max(0, num / (scale * den))) : 0
    }

    func predict(_ f: Fit, origin o: Int, teams: [Int], adjust: ((Int, inout [Double]) -> Void)? = nil) -> [Prediction] {
        var use: [Int] = []
        var x: [Double] = []
        var row: [Double] = []
        for i in teams where f.dense[i] >= 0 && lags(f.key.scale, i, o, into: &row) == nil {
            adjust?(i, &row)
            use.append(i)
            x.append(contentsOf: row)
        }
        if use.isEmpty { return [] }
        let m = use.count
        let width = measures.count * p
        let k = width + f.seasonSlots.count
        var x0 = Matrix(rows: m, columns: k)
        for r in 0..<m { for j in 0..<width { x0.storage[r + j * m] = x[r * width + j] } }
        let slot = seasonSlot(o + f.key.horizon)
        if let s = slot.flatMap({ f.seasonSlots.firstIndex(of: $0) }) {
            for r in 0..<m { x0.storage[r + (width + s) * m] = 1 }
        }
        let unseen = slot != nil && slot != f.baseSlot && !f.seasonSlots.contains(slot!)
        let out = f.fit.predict(teams: use.map { f.dense[$0] }, times: [Double](repeating: Double(o), count: m), x0: x0)
        return (0..<m).map { r in
            Prediction(
                team: use[r], z: out.mean[r], v: f.scale * (1 + out.leverage[r] + out.quadratic[r]), leverage: out.leverage[r],
                d: (0..<k).map { out.d.storage[r + $0 * m] }, unseenSlot: unseen)
        }
    }

    /// s_io: team i's mean absolute one-step change up to t, in factor units; nil without one or when 0.
    func mase(team i: Int, upTo t: Int) -> Double? {
        guard t >= 0, t < panel.periodCount, cumN[i][t] > 0, cumAbs[i][t] > 0 else { return nil }
        return cumAbs[i][t] / Double(cumN[i][t])
    }

    /// The organisation figure over predictions (levels in factor units): T and √V with ρ and
    /// the delta method on the log scale (METHODS.md), before κ².
    func organisation(_ f: Fit, _ preds: [Prediction], aggregation: Aggregation) -> (total: Double, sd: Double)? {
        guard !preds.isEmpty else { return nil }
        let c = aggregation == .sum ? 1.0 : 1 / Double(preds.count)
        let levels = preds.map { level(f.key.scale, z: $0.z, v: $0.v) }
        let total = levels.reduce(0, +) * c
        // w in units of W (a power of two near the largest), so V neither over- nor underflows.
        var w = levels.map { f.key.scale.logTarget ? c * $0 : c }
        let top = w.map(abs).max() ?? 1
        let unit = top > 0 && top.isFinite ? Double(sign: .plus, exponent: top.exponent, significand: 1) : 1
        w = w.map { $0 / unit }
        let k = preds[0].d.count
        var dsum = [Double](repeating: 0, count: k)
        var sw = 0.0
        var sw2 = 0.0
        var lev = 0.0
        for (r, pr) in preds.enumerated() {
            sw += w[r]
            sw2 += w[r] * w[r]
            lev += w[r] * w[r] * pr.leverage
            for j in 0..<k { dsum[j] += w[r] * pr.d[j] }
        }
        let quad = f.fit.quadraticForm(dsum)
        let v = f.scale * (sw2 + f.rho * (sw * sw - sw2) + lev + quad)
        let sd = v.squareRoot() * unit
        return total.isFinite && sd.isFinite ? (total, sd) : nil
    }
}

extension Double {
    @inline(__always) func log() -> Double { _math_log(self) }
    @inline(__always) func exp() -> Double { _math_exp(self) }
}

@inline(__always) private func _math_log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _math_exp(_ x: Double) -> Double { Foundation.exp(x) }
