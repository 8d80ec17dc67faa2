/// OLS of y on regressors X plus a team intercept and, for chosen teams, a team × time
/// trend — what statsmodels' OLS reports with a dummy per team and a dummy × t column per
/// trended team in the design — without building those columns.
///
/// Frisch–Waugh–Lovell within each team: every column of X and y is replaced by its residual
/// from the team's own line on [1, t] (or its mean, without a trend), and the slopes come from
/// the projected design. A prediction for team i at time t₀ and regressors x₀ is
/// ŷ = ℓ_y(t₀) + (x₀ − ℓ_X(t₀))'β̂ with ℓ the team's fitted lines, and its unscaled variance
/// is h_i(t₀) + d'(X̃'X̃)⁻¹d, d = x₀ − ℓ_X(t₀), h_i(t₀) = 1/nᵢ + (t₀ − t̄ᵢ)²/Sₜₜ the leverage of
/// [1, t₀] in the team's own design: the partitioned inverse of the full design's X'X.
/// Different teams' line estimates are independent of each other and of β̂, so the unscaled
/// covariance of two teams' predictions is d_i'(X̃'X̃)⁻¹d_j.
public struct TeamTrendFit: Sendable {
    /// Rows, teams (dense 0..<teamCount) and the teams with a trend.
    public let observationCount: Int
    public let teamCount: Int
    public let trendCount: Int
    /// Per team: rows, whether it has a trend, mean time, Σ(t − t̄)².
    public let rows: [Int]
    public let hasTrend: [Bool]
    let timeMean: [Double]
    let timeSS: [Double]
    /// Per team and column (team-major, `columns + 1` entries per team, the response last):
    /// the team's mean and slope on t.
    let lineMean: [Double]
    let lineSlope: [Double]
    /// What statsmodels reports of the slopes with the dummies and trends in the design
    /// (`params`, `bse`, `scale`, `df_resid`, `ssr`): the fit of the projected response on
    /// the projected design, df counting the absorbed intercepts and trends. Only k × k
    /// numbers are kept (no n × k factorisation), so many fits can be cached.
    public let slopes: [Double]
    public internal(set) var standardErrors: [Double]
    public internal(set) var scale: Double
    public let residualDegreesOfFreedom: Double
    public internal(set) var sumOfSquaredResiduals: Double
    /// (X̃'X̃)⁻¹ of the projected design, from the pivoted QR's triangular factor.
    public let unscaledCovariance: Matrix
    /// The full model's residuals, row by row (empty after `dropResiduals()`).
    public internal(set) var residuals: [Double]

    /// Frees the n residuals of a fit kept only for predictions.
    public mutating func dropResiduals() { residuals = [] }

    /// - Parameters:
    ///   - team: dense team index per row (0..<teams).
    ///   - time: t per row (distinct within a team).
    ///   - trend: per team, whether it gets a trend (a team needs 3 rows for one; fewer: none).
    /// - Throws: `.rankDeficient` naming the column of X that the effects and other columns
    ///   explain (e.g. constant within every team), `.tooFewObservations` when df < 1.
    public init(team: [Int], time: [Double], trend: [Bool], regressors x: Matrix, response y: [Double]) throws(LinearAlgebraError) {
        let n = y.count
        let k = x.columnCount
        let g = trend.count
        precondition(team.count == n && time.count == n && x.rowCount == n, "row counts differ")
        for v in y where !v.isFinite { throw .nonFinite(what: "response") }
        var count = [Int](repeating: 0, count: g)
        var tSum = [Double](repeating: 0, count: g)
        for r in 0..<n {
            count[team[r]] += 1
            tSum[team[r]] += time[r]
        }
        var tMean = [Double](repeating: 0, count: g)
        var tSS = [Double](repeating: 0, count: g)
        for i in 0..<g where count[i] > 0 { tMean[i] = tSum[i] / Double(count[i]) }
        for r in 0..<n {
            let d = time[r] - tMean[team[r]]
            tSS[team[r]] += d * d
        }
        let trended = (0..<g).map { trend[$0] && count[$0] >= 3 && tSS[$0] > 0 }
        let present = count.filter { $0 > 0 }.count
        let trends = trended.filter { $0 }.count
        let df = n - present - trends - k
        if df < 1 { throw .tooFewObservations(observations: n, parameters: present + trends + k) }

        // Project each column (and y, stored as column k) on the team's line.
        let width = k + 1
        var z = Matrix(rows: n, columns: k)
        var yt = y
        var referenceNorms = [Double](repeating: 0, count: k)
        var mean = [Double](repeating: 0, count: g * width)
        var slope = [Double](repeating: 0, count: g * width)
        var sums = [Double](repeating: 0, count: g)
        var cross = [Double](repeating: 0, count: g)
        func project(_ column: Int, _ v: UnsafeMutableBufferPointer<Double>) {
            for i in 0..<g {
                sums[i] = 0
                cross[i] = 0
            }
            for r in 0..<n { sums[team[r]] += v[r] }
            for i in 0..<g where count[i] > 0 { sums[i] /= Double(count[i]) }
            for r in 0..<n where trended[team[r]] { cross[team[r]] += (time[r] - tMean[team[r]]) * (v[r] - sums[team[r]]) }
            for i in 0..<g {
                mean[i * width + column] = sums[i]
                slope[i * width + column] = trended[i] ? cross[i] / tSS[i] : 0
            }
            for r in 0..<n {
                let i = team[r]
                v[r] -= sums[i] + slope[i * width + column] * (time[r] - tMean[i])
            }
        }
        for j in 0..<k {
            var s = 0.0
            for r in 0..<n {
                let v = x.storage[r + j * n]
                if !v.isFinite { throw .nonFinite(what: "regressor \(j + 1)") }
                z.storage[r + j * n] = v
                s += v * v
            }
            referenceNorms[j] = s.squareRoot()
            z.storage.withUnsafeMutableBufferPointer { b in
                project(j, UnsafeMutableBufferPointer(rebasing: b[(j * n)..<((j + 1) * n)]))
            }
        }
        yt.withUnsafeMutableBufferPointer { project(k, $0) }
        let qr = try PivotedQR(z, referenceNorms: referenceNorms)
        let projected = try LeastSquaresFit(qr: qr, design: z, response: yt, absorbedParameters: present + trends, absorbedConstant: true)
        slopes = projected.parameters
        standardErrors = projected.standardErrors
        scale = projected.scale
        residualDegreesOfFreedom = projected.residualDegreesOfFreedom
        sumOfSquaredResiduals = projected.sumOfSquaredResiduals
        unscaledCovariance = projected.unscaledCovariance
        residuals = projected.residuals
        observationCount = n
        teamCount = g
        trendCount = trends
        rows = count
        hasTrend = trended
        timeMean = tMean
        timeSS = tSS
        lineMean = mean
        lineSlope = slope
    }

    /// The team's fitted line of column `column` (k: the response) at time t.
    @inline(__always) func line(_ team: Int, _ column: Int, at t: Double) -> Double {
        let w = slopes.count + 1
        return lineMean[team * w + column] + lineSlope[team * w + column] * (t - timeMean[team])
    }

    /// Predictions for several (team, t₀, x₀) at once: the mean on the response's scale, the
    /// team leverage h_i(t₀), and d = x₀ − ℓ_X(t₀) as rows of a matrix (for totals); the
    /// unscaled prediction variance of row r is `leverage[r] + quadratic[r]`.
    public func predict(teams: [Int], times: [Double], x0: Matrix) -> (mean: [Double], leverage: [Double], quadratic: [Double], d: Matrix) {
        let m = teams.count
        let k = slopes.count
        precondition(x0.rowCount == m && x0.columnCount == k && times.count == m, "prediction rows need \(k) columns")
        var d = Matrix(rows: m, columns: k)
        var mean = [Double](repeating: 0, count: m)
        var leverage = [Double](repeating: 0, count: m)
        for r in 0..<m {
            let i = teams[r]
            precondition(rows[i] > 0, "team \(i) has no training rows")
            var z = line(i, k, at: times[r])
            for j in 0..<k {
                let dj = x0.storage[r + j * m] - line(i, j, at: times[r])
                d.storage[r + j * m] = dj
                z += dj * slopes[j]
            }
            mean[r] = z
            let dt = times[r] - timeMean[i]
            leverage[r] = 1 / Double(rows[i]) + (hasTrend[i] ? dt * dt / timeSS[i] : 0)
        }
        let quadratic = (0..<m).map { r in quadraticForm((0..<k).map { d.storage[r + $0 * m] }) }
        return (mean, leverage, quadratic, d)
    }

    /// d'(X̃'X̃)⁻¹d.
    public func quadraticForm(_ d: [Double]) -> Double {
        let k = slopes.count
        var s = 0.0
        for i in 0..<k {
            var row = 0.0
            for j in 0..<k { row += unscaledCovariance.storage[i + j * k] * d[j] }
            s += d[i] * row
        }
        return Swift.max(s, 0)
    }
}
