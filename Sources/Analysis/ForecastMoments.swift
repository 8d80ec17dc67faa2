import Ingest
import LinearAlgebra

/// The forecast's refits before the last period by running within-team moments (issue #13,
/// Benchmarks/RESULTS.md "Forecast v2 … on the 5,000-team set"). Per (scale, horizon) the
/// cutoffs are swept in time order: each step adds the rows whose target period is the new
/// cutoff to their team's moments over u = [lags, one indicator per season slot, z], so a
/// fit at any cutoff is a sum over teams of k × k blocks (`TeamTrendFit(moments:…)`) and one
/// pass over the rows for the residuals (ρ, the exact s²). The QR path (`makeFit`) stays the
/// reference: the fits at the last period (forecast, F-tests) use it, and so does any fit
/// whose moment matrix is ill-conditioned or rank-deficient.
final class ForecastSweeps {
    struct Key: Hashable {
        var scale: ForecastEngine.Scale
        var horizon: Int
    }

    struct Sweep {
        var moments: TeamTrendMoments
        /// The cutoff whose rows are all in.
        var position: Int
        var slotRows: [Int]
    }

    /// Up to `cursors` sweeps per key at different cutoffs: the calibration windows and the
    /// backtest's own origin each move forward on theirs, so no sweep restarts from the start.
    var sweeps: [Key: [Sweep]] = [:]
    let cursors = 2
    /// Per scale, per measure (target first): teams × periods on the model scale (NaN: missing).
    var values: [ForecastEngine.Scale: [[Double]]] = [:]
    /// teams × periods: the lags of every measure are present at t.
    var complete: [Bool] = []
    /// Season slot of each period (-1 without seasons), and how many slots there are.
    var slot: [Int] = []
    var slotCount = 0
}

extension ForecastEngine {
    private func prepareSweeps() {
        guard sweepState.slot.isEmpty else { return }
        let P = panel.periodCount
        let T = panel.teamCount
        sweepState.slot = (0..<P).map { seasonSlot($0) ?? -1 }
        sweepState.slotCount = (sweepState.slot.max() ?? -1) + 1
        var complete = [Bool](repeating: false, count: T * P)
        for i in 0..<T {
            for t in (p - 1)..<Swift.max(P, p - 1) {
                var ok = true
                outer: for m in measures {
                    for j in 0..<p where panel[i, m, t - j].isNaN {
                        ok = false
                        break outer
                    }
                }
                complete[i * P + t] = ok
            }
        }
        sweepState.complete = complete
    }

    private func transformed(_ scale: Scale) -> [[Double]] {
        if let v = sweepState.values[scale] { return v }
        let P = panel.periodCount
        let T = panel.teamCount
        let v = (0..<measures.count).map { k in
            var out = [Double](repeating: .nan, count: T * P)
            for i in 0..<T {
                for t in 0..<P {
                    let x = panel[i, measures[k], t]
                    if !x.isNaN { out[i * P + t] = scale.logs[k] ? x.log() : x / factor[k] }
                }
            }
            return out
        }
        sweepState.values[scale] = v
        return v
    }

    /// The fit of `key` from running moments; nil where the QR path must decide (no rows,
    /// an ill-conditioned or rank-deficient design, too few rows — it then says why).
    func momentFit(_ key: FitKey) -> Fit? {
        let h = key.horizon
        guard key.cutoff - h >= p - 1 else { return nil }
        prepareSweeps()
        let P = panel.periodCount
        let T = panel.teamCount
        let values = transformed(key.scale)
        let complete = sweepState.complete
        let slotOf = sweepState.slot
        let w = measures.count * p
        let S = sweepState.slotCount
        let width = w + S + 1
        let sweepKey = ForecastSweeps.Key(scale: key.scale, horizon: h)
        let fresh = {
            ForecastSweeps.Sweep(moments: TeamTrendMoments(teams: T, width: width), position: -1, slotRows: [Int](repeating: 0, count: S))
        }
        // The sweep furthest along that has not passed the cutoff; else a new one (or the
        // furthest restarted when all cursors are in use).
        var list = sweepState.sweeps.removeValue(forKey: sweepKey) ?? []
        var sweep: ForecastSweeps.Sweep
        if let best = list.indices.filter({ list[$0].position <= key.cutoff }).max(by: { list[$0].position < list[$1].position }) {
            sweep = list.remove(at: best)
        } else if list.count < sweepState.cursors {
            sweep = fresh()
        } else {
            list.removeFirst()
            sweep = fresh()
        }
        var u = [Double](repeating: 0, count: width)
        let z = values[0]
        while sweep.position < key.cutoff {
            sweep.position += 1
            let c = sweep.position
            let t = c - h
            guard t >= p - 1 else { continue }
            let slot = slotOf[c]
            for s in 0..<S { u[w + s] = 0 }
            if slot >= 0 { u[w + slot] = 1 }
            for i in 0..<T where complete[i * P + t] && !z[i * P + c].isNaN {
                var col = 0
                for k in 0..<measures.count {
                    let series = values[k]
                    for j in 0..<p {
                        u[col] = series[i * P + t - j]
                        col += 1
                    }
                }
                u[width - 1] = z[i * P + c]
                sweep.moments.add(team: i, time: Double(t), u)
                if slot >= 0 { sweep.slotRows[slot] += 1 }
            }
        }
        let moments = sweep.moments
        let slotRows = sweep.slotRows
        list.append(sweep)
        sweepState.sweeps[sweepKey] = list
        guard moments.observationCount > 0 else { return nil }

        var slots: [Int] = []
        var base: Int?
        if seasonal {
            let present = (0..<S).filter { slotRows[$0] > 0 }
            base = present.first
            slots = Array(present.dropFirst())
        }
        let columns = Array(0..<w) + slots.map { w + $0 }
        guard let fitted = (try? TeamTrendFit(moments: moments, columns: columns, trend: [Bool](repeating: key.trends, count: T))) ?? nil
        else { return nil }
        var dense = [Int](repeating: -1, count: T)
        var teams = 0
        for i in 0..<T where moments.rows[i] > 0 {
            dense[i] = teams
            teams += 1
        }

        // Residuals, row by row: s² exactly, and ρ by target period.
        let beta = fitted.slopes
        var slotBeta = [Double](repeating: 0, count: S)
        for (s, slot) in slots.enumerated() { slotBeta[slot] = beta[w + s] }
        var rs = [Double](repeating: 0, count: P + h)
        var qs = rs
        var ns = [Int](repeating: 0, count: rs.count)
        var ssr = 0.0
        for i in 0..<T where dense[i] >= 0 {
            let line = fitted.residualLine(dense[i])
            for t in (p - 1)...(key.cutoff - h) where complete[i * P + t] && !z[i * P + t + h].isNaN {
                var e = z[i * P + t + h] - line.a - line.b * (Double(t) - line.tMean)
                var col = 0
                for k in 0..<measures.count {
                    let series = values[k]
                    for j in 0..<p {
                        e -= beta[col] * series[i * P + t - j]
                        col += 1
                    }
                }
                let slot = slotOf[t + h]
                if slot >= 0 { e -= slotBeta[slot] }
                ssr += e * e
                rs[t + h] += e
                qs[t + h] += e * e
                ns[t + h] += 1
            }
        }
        var fit = fitted
        fit.setSumOfSquaredResiduals(ssr)
        let rho = ForecastEngine.withinPeriodCorrelation(sums: rs, squares: qs, counts: ns, scale: fit.scale)
        return Fit(key: key, fit: fit, dense: dense, seasonSlots: slots, baseSlot: base, rho: rho)
    }
}
