/// Which fixed effects a panel regression absorbs.
public enum FixedEffects: Sendable, Equatable {
    /// One intercept per team (within transformation).
    case team
    /// One intercept per team and one per period (two-way).
    case teamAndPeriod
}

/// OLS of y on regressors X plus team (and period) fixed effects, reporting the slopes as
/// statsmodels' OLS with the dummies would: same slopes, SSR, standard errors and df.
///
/// Team effects are absorbed by demeaning within team (Frisch–Waugh–Lovell). Period effects
/// are NOT removed by a second demeaning, which is only right on balanced panels; instead the
/// period dummies (first period dropped) are themselves demeaned within team and kept in the
/// design, so unbalanced panels — late-starting teams, gaps — get the exact two-way estimate.
/// Residual df = N − teams − periods + 1 − slopes (METHODS.md, Lead-lag).
public struct FixedEffectsFit: Sendable {
    public let effects: FixedEffects
    public let observationCount: Int
    public let teamCount: Int
    public let periodCount: Int
    /// Slope estimates, one per column of X.
    public let slopes: [Double]
    /// Standard errors of the slopes (statsmodels `bse` of those coefficients).
    public let standardErrors: [Double]
    public let tValues: [Double]
    public let pValues: [Double]
    /// Σ residual².
    public let sumOfSquaredResiduals: Double
    /// N − teams − (periods − 1, two-way) − slopes.
    public let residualDegreesOfFreedom: Double
    /// The regression on the transformed design; its first `periodCount − 1` parameters are
    /// the period effects (two-way only), then the slopes.
    public let transformedFit: LeastSquaresFit

    /// - Parameters:
    ///   - team: a team id per row (any integers; only equality matters).
    ///   - period: a period id per row (used with `.teamAndPeriod`).
    ///   - regressors: N × k slope regressors (no constant).
    /// - Throws: `.rankDeficient` when a regressor is collinear with the effects (e.g. constant
    ///   within every team) or the team and period effects are not of full rank (the sample
    ///   splits into groups of teams that share no period); `.tooFewObservations` when df < 1.
    public init(
        team: [Int], period: [Int], regressors x: Matrix, response y: [Double], effects: FixedEffects
    ) throws(LinearAlgebraError) {
        let n = y.count
        precondition(team.count == n && x.rowCount == n && (effects == .team || period.count == n), "row counts differ")
        let k = x.columnCount
        for v in y where !v.isFinite { throw .nonFinite(what: "response") }

        // Dense team indices in first-seen order.
        var teamIndex = [Int: Int]()
        var rowTeam = [Int](repeating: 0, count: n)
        for i in 0..<n {
            if let t = teamIndex[team[i]] {
                rowTeam[i] = t
            } else {
                rowTeam[i] = teamIndex.count
                teamIndex[team[i]] = teamIndex.count
            }
        }
        let g = teamIndex.count
        var periodIndex = [Int: Int]()
        var rowPeriod = [Int](repeating: 0, count: n)
        if effects == .teamAndPeriod {
            // Sorted so the dropped dummy is the earliest period, as in a drop-first dummy coding.
            for (i, p) in Set(period).sorted().enumerated() { periodIndex[p] = i }
            for i in 0..<n { rowPeriod[i] = periodIndex[period[i]]! }
        }
        // With a single team, team and period effects would absorb every row; METHODS.md
        // keeps just the constant then.
        let periods = effects == .teamAndPeriod && g > 1 ? periodIndex.count : 0
        let dummies = Swift.max(periods - 1, 0)
        let columns = dummies + k
        let df = n - g - columns
        if df < 1 { throw .tooFewObservations(observations: n, parameters: g + columns) }

        // Build [period dummies 2..T | X] and y, then demean every column within team.
        var z = Matrix(rows: n, columns: columns)
        var referenceNorms = [Double](repeating: 0, count: columns)
        for i in 0..<n where periods > 0 && rowPeriod[i] > 0 { z.storage[i + (rowPeriod[i] - 1) * n] = 1 }
        for j in 0..<dummies { referenceNorms[j] = z.column(j).reduce(0, +).squareRoot() }
        for j in 0..<k {
            var s = 0.0
            for i in 0..<n {
                let v = x.storage[i + j * n]
                if !v.isFinite { throw .nonFinite(what: "regressor \(j + 1)") }
                z.storage[i + (dummies + j) * n] = v
                s += v * v
            }
            referenceNorms[dummies + j] = s.squareRoot()
        }
        var yt = y
        var counts = [Double](repeating: 0, count: g)
        for i in 0..<n { counts[rowTeam[i]] += 1 }
        var sums = [Double](repeating: 0, count: g)
        func demean(_ v: inout [Double], offset: Int) {
            for t in 0..<g { sums[t] = 0 }
            for i in 0..<n { sums[rowTeam[i]] += v[offset + i] }
            for t in 0..<g { sums[t] /= counts[t] }
            for i in 0..<n { v[offset + i] -= sums[rowTeam[i]] }
        }
        for j in 0..<columns { demean(&z.storage, offset: j * n) }
        demean(&yt, offset: 0)

        let qr = try PivotedQR(z, referenceNorms: referenceNorms)
        let fit = try LeastSquaresFit(qr: qr, design: z, response: yt, absorbedParameters: g, absorbedConstant: true)
        self.effects = effects
        observationCount = n
        teamCount = g
        periodCount = periods
        slopes = Array(fit.parameters[dummies...])
        standardErrors = Array(fit.standardErrors[dummies...])
        tValues = Array(fit.tValues[dummies...])
        pValues = Array(fit.pValues[dummies...])
        sumOfSquaredResiduals = fit.sumOfSquaredResiduals
        residualDegreesOfFreedom = fit.residualDegreesOfFreedom
        transformedFit = fit
    }
}
