/// Running within-team moments of rows u = [regressor columns…, response] over time, so that
/// the fit of `TeamTrendFit` at any cutoff is a sum over teams of k × k blocks instead of a
/// pass over the rows (the forecast's many window refits, issue #13).
///
/// Each team's sums are taken about its first row (u₀, t₀) — the shifted-data algorithm — so
/// removing its mean and trend (Frisch–Waugh–Lovell) does not cancel large levels:
/// Σ(u−ū)(u−ū)' = S_uu − S_u S_u'/n, and with a trend minus c c'/S_tt, c = Σ(t−t̄)(u−ū).
public struct TeamTrendMoments: Sendable {
    /// Columns of u; the response is the last.
    public let width: Int
    /// Teams (dense 0..<teamCount) the moments have room for.
    public let teamCount: Int
    /// Rows added per team.
    public private(set) var rows: [Int]
    /// Rows added in all.
    public private(set) var observationCount = 0
    var t0: [Double]
    var u0: [Double]
    var st: [Double]
    var stt: [Double]
    var su: [Double]
    var stu: [Double]
    /// Per team the upper triangle of Σ(u − u₀)(u − u₀)', packed by rows: (a, b ≥ a) at
    /// `packed(a) + b − a`, `packedWidth` entries a team.
    var suu: [Double]
    let packedWidth: Int

    @inline(__always) func packed(_ a: Int) -> Int { a * width - a * (a - 1) / 2 }

    /// Empty moments for `teams` teams of rows of `width` columns.
    public init(teams: Int, width: Int) {
        self.width = width
        teamCount = teams
        packedWidth = width * (width + 1) / 2
        rows = [Int](repeating: 0, count: teams)
        t0 = [Double](repeating: 0, count: teams)
        st = t0
        stt = t0
        u0 = [Double](repeating: 0, count: teams * width)
        su = u0
        stu = u0
        suu = [Double](repeating: 0, count: teams * packedWidth)
    }

    /// Adds a row of team `i` at time t; `u` holds `width` values.
    public mutating func add(team i: Int, time t: Double, _ u: [Double]) {
        precondition(u.count == width, "one value per column expected")
        u.withUnsafeBufferPointer { add(team: i, time: t, $0.baseAddress!) }
    }

    /// `add` from a buffer of `width` values.
    mutating func add(team i: Int, time t: Double, _ u: UnsafePointer<Double>) {
        let w = width
        if rows[i] == 0 {
            t0[i] = t
            for a in 0..<w { u0[i * w + a] = u[a] }
        }
        rows[i] += 1
        observationCount += 1
        let dt = t - t0[i]
        st[i] += dt
        stt[i] += dt * dt
        let base = i * packedWidth
        withUnsafeTemporaryAllocation(of: Double.self, capacity: w) { d in
            u0.withUnsafeBufferPointer { u0 in
                su.withUnsafeMutableBufferPointer { su in
                    stu.withUnsafeMutableBufferPointer { stu in
                        for a in 0..<w {
                            let v = u[a] - u0[i * w + a]
                            d[a] = v
                            su[i * w + a] += v
                            stu[i * w + a] += dt * v
                        }
                    }
                }
            }
            suu.withUnsafeMutableBufferPointer { s in
                var row = base
                for a in 0..<w {
                    let da = d[a]
                    if da != 0 { for b in a..<w { s[row + b - a] += da * d[b] } }
                    row += w - a
                }
            }
        }
    }
}

extension TeamTrendFit {
    /// The fit of column `moments.width − 1` on `columns` of the moments, with a team intercept
    /// and, where `trend[i]` (teams with at least 3 rows), a team trend — what
    /// `init(team:time:trend:regressors:response:)` gives on the same rows, by the normal
    /// equations of the within-team moments (equilibrated Cholesky). Teams are those with rows,
    /// in order. `residuals` is empty and the sum of squares comes from the moments until
    /// `setResiduals` gives the exact residuals.
    ///
    /// - Returns: nil when a column keeps under 1e-3 of its norm after the team lines, or the
    ///   scaled moment matrix has a Cholesky pivot under 1e-3 (condition over ~1e6): the normal
    ///   equations would lose digits there, so the caller uses the QR path (which also names a
    ///   rank-deficient column).
    /// - Throws: `.tooFewObservations` as the QR path does.
    public init?(moments m: TeamTrendMoments, columns: [Int], trend: [Bool]) throws(LinearAlgebraError) {
        let w = m.width
        let k = columns.count
        let idx = columns + [w - 1]
        let kk = k + 1
        var present = 0
        var trends = 0
        var trended = [Bool](repeating: false, count: m.teamCount)
        var sttc = [Double](repeating: 0, count: m.teamCount)
        for i in 0..<m.teamCount where m.rows[i] > 0 {
            present += 1
            let n = Double(m.rows[i])
            sttc[i] = m.stt[i] - m.st[i] * m.st[i] / n
            if trend[i] && m.rows[i] >= 3 && sttc[i] > 0 {
                trended[i] = true
                trends += 1
            }
        }
        let n = m.observationCount
        let df = n - present - trends - k
        if df < 1 { throw .tooFewObservations(observations: n, parameters: present + trends + k) }

        var mm = [Double](repeating: 0, count: kk * kk)
        var raw = [Double](repeating: 0, count: kk)
        var mean = [Double](repeating: 0, count: present * kk)
        var slope = mean
        var count = [Int](repeating: 0, count: present)
        var tMean = [Double](repeating: 0, count: present)
        var tSS = tMean
        var hasTrend = [Bool](repeating: false, count: present)
        var c = [Double](repeating: 0, count: kk)
        var s = [Double](repeating: 0, count: kk)
        var dense = 0
        for i in 0..<m.teamCount where m.rows[i] > 0 {
            let ni = Double(m.rows[i])
            let sti = m.st[i]
            for a in 0..<kk {
                let ca = idx[a]
                s[a] = m.su[i * w + ca]
                c[a] = m.stu[i * w + ca] - sti * s[a] / ni
                let shift = m.u0[i * w + ca]
                mean[dense * kk + a] = shift + s[a] / ni
                slope[dense * kk + a] = trended[i] ? c[a] / sttc[i] : 0
            }
            for a in 0..<kk {
                let ca = idx[a]
                for b in a..<kk {
                    let cb = idx[b]
                    let (lo, hi) = ca <= cb ? (ca, cb) : (cb, ca)
                    var v = m.suu[i * m.packedWidth + m.packed(lo) + hi - lo] - s[a] * s[b] / ni
                    if trended[i] { v -= c[a] * c[b] / sttc[i] }
                    mm[a * kk + b] += v
                }
                // Σ u² over the team's rows, for the rank test against the raw norm.
                let shift = m.u0[i * w + ca]
                raw[a] += m.suu[i * m.packedWidth + m.packed(ca)] + 2 * shift * s[a] + ni * shift * shift
            }
            count[dense] = m.rows[i]
            tMean[dense] = m.t0[i] + sti / ni
            tSS[dense] = sttc[i]
            hasTrend[dense] = trended[i]
            dense += 1
        }
        for a in 0..<kk { for b in 0..<a { mm[a * kk + b] = mm[b * kk + a] } }
        // Equilibrate, then Cholesky (lower, row-major l[a * k + b], b ≤ a).
        var d = [Double](repeating: 0, count: k)
        for j in 0..<k {
            let ajj = mm[j * kk + j]
            if !(ajj > 1e-6 * raw[j]) || !ajj.isFinite { return nil }
            d[j] = 1 / ajj.squareRoot()
        }
        var l = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in 0...a {
                var v = mm[a * kk + b] * d[a] * d[b]
                for q in 0..<b { v -= l[a * k + q] * l[b * k + q] }
                if a == b {
                    if !(v > 1e-6) { return nil }
                    l[a * k + a] = v.squareRoot()
                } else {
                    l[a * k + b] = v / l[b * k + b]
                }
            }
        }
        // L⁻¹ (lower), then (X̃'X̃)⁻¹ = D L⁻ᵀ L⁻¹ D and β = (X̃'X̃)⁻¹ X̃'ỹ.
        var li = [Double](repeating: 0, count: k * k)
        for j in 0..<k {
            li[j * k + j] = 1 / l[j * k + j]
            for a in (j + 1)..<Swift.max(k, j + 1) {
                var v = 0.0
                for q in j..<a { v -= l[a * k + q] * li[q * k + j] }
                li[a * k + j] = v / l[a * k + a]
            }
        }
        var cov = Matrix(rows: k, columns: k)
        for a in 0..<k {
            for b in a..<k {
                var v = 0.0
                for q in b..<k { v += li[q * k + a] * li[q * k + b] }
                v *= d[a] * d[b]
                cov.storage[a + b * k] = v
                cov.storage[b + a * k] = v
            }
        }
        var beta = [Double](repeating: 0, count: k)
        for a in 0..<k {
            var v = 0.0
            for b in 0..<k { v += cov.storage[a + b * k] * mm[b * kk + k] }
            beta[a] = v
        }
        var fitted = 0.0
        for a in 0..<k { fitted += beta[a] * mm[a * kk + k] }
        let ssr = Swift.max(mm[k * kk + k] - fitted, 0)
        observationCount = n
        teamCount = present
        trendCount = trends
        rows = count
        self.hasTrend = hasTrend
        timeMean = tMean
        timeSS = tSS
        lineMean = mean
        lineSlope = slope
        slopes = beta
        unscaledCovariance = cov
        residualDegreesOfFreedom = Double(df)
        sumOfSquaredResiduals = ssr
        scale = ssr / Double(df)
        standardErrors = (0..<k).map { (ssr / Double(df) * cov.storage[$0 + $0 * k]).squareRoot() }
        residuals = []
    }

    /// The fit's residuals from its rows: the exact sum of squares, scale and standard errors
    /// (the moments' ỹ'ỹ − β'X̃'ỹ cancels when the fit is close), without keeping them.
    public mutating func setSumOfSquaredResiduals(_ ssr: Double) {
        let k = slopes.count
        sumOfSquaredResiduals = ssr
        scale = ssr / residualDegreesOfFreedom
        standardErrors = (0..<k).map { (scale * unscaledCovariance.storage[$0 + $0 * k]).squareRoot() }
    }

    /// The team's intercept and slope of the fitted line of the response net of the regressors
    /// (ℓ_y − ℓ_X'β̂): a row's residual is y − x'β̂ − a − b(t − t̄).
    public func residualLine(_ team: Int) -> (a: Double, b: Double, tMean: Double) {
        let w = slopes.count + 1
        var a = lineMean[team * w + w - 1]
        var b = lineSlope[team * w + w - 1]
        for j in 0..<slopes.count {
            a -= slopes[j] * lineMean[team * w + j]
            b -= slopes[j] * lineSlope[team * w + j]
        }
        return (a, b, timeMean[team])
    }
}
