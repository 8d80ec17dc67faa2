import Distributions
import Foundation

/// Ordinary least squares, y = X β + ε, with what statsmodels' `OLS(y, X).fit()` reports.
///
/// Each field names the statsmodels attribute it matches; formulas follow
/// `statsmodels.regression.linear_model.RegressionResults`.
public struct LeastSquaresFit: Sendable {
    /// `nobs`: number of observations.
    public let observationCount: Int
    /// `params`: β̂.
    public let parameters: [Double]
    /// `bse`: sqrt(diag(cov_params)).
    public let standardErrors: [Double]
    /// `tvalues`: β̂ / bse.
    public let tValues: [Double]
    /// `pvalues`: 2·sf_t(|t|, df_resid).
    public let pValues: [Double]
    /// `ssr`: Σ residual².
    public let sumOfSquaredResiduals: Double
    /// `centered_tss`: Σ (y − ȳ)².
    public let centeredTotalSumOfSquares: Double
    /// `uncentered_tss`: Σ y².
    public let uncenteredTotalSumOfSquares: Double
    /// `df_resid`: n − rank.
    public let residualDegreesOfFreedom: Double
    /// `df_model`: rank − k_constant.
    public let modelDegreesOfFreedom: Double
    /// `k_constant`: whether X holds a constant, explicitly or implicitly (e.g. a full set of dummies).
    public let hasConstant: Bool
    /// `scale`: ssr / df_resid (σ̂²).
    public let scale: Double
    /// `normalized_cov_params`: (X'X)⁻¹.
    public let unscaledCovariance: Matrix
    /// `resid`: y − X β̂.
    public let residuals: [Double]
    /// The factorisation of the (centred) design, kept for predictions.
    let factorization: PivotedQR
    /// β = T γ: maps the centred fit's parameters back (nil when no centring was done).
    let transform: Matrix?

    /// `cov_params()`: scale · (X'X)⁻¹.
    public var covariance: Matrix {
        Matrix(
            rows: unscaledCovariance.rowCount, columns: unscaledCovariance.columnCount,
            columnMajor: unscaledCovariance.storage.map { $0 * scale })
    }

    /// `rsquared`: 1 − ssr/centered_tss with a constant, 1 − ssr/uncentered_tss without.
    public var rSquared: Double {
        1 - sumOfSquaredResiduals / (hasConstant ? centeredTotalSumOfSquares : uncenteredTotalSumOfSquares)
    }

    /// `rsquared_adj`: 1 − (n − k_constant)/df_resid · (1 − R²).
    public var adjustedRSquared: Double {
        1 - (Double(observationCount) - (hasConstant ? 1 : 0)) / residualDegreesOfFreedom * (1 - rSquared)
    }

    /// `llf`: −n/2 · (log 2π + log(ssr/n) + 1).
    public var logLikelihood: Double {
        let n = Double(observationCount)
        return -n / 2 * (log(2 * Double.pi) + log(sumOfSquaredResiduals / n) + 1)
    }

    /// `aic`: −2 llf + 2 (df_model + k_constant).
    public var aic: Double { -2 * logLikelihood + 2 * (modelDegreesOfFreedom + (hasConstant ? 1 : 0)) }

    /// `bic`: −2 llf + log(n) (df_model + k_constant).
    public var bic: Double {
        -2 * logLikelihood + log(Double(observationCount)) * (modelDegreesOfFreedom + (hasConstant ? 1 : 0))
    }

    /// `fvalue`: (ess / df_model) / scale, ess the explained sum of squares (centered with a
    /// constant); `nil` when df_model is 0.
    public var fValue: Double? {
        guard modelDegreesOfFreedom > 0 else { return nil }
        let tss = hasConstant ? centeredTotalSumOfSquares : uncenteredTotalSumOfSquares
        return ((tss - sumOfSquaredResiduals) / modelDegreesOfFreedom) / scale
    }

    /// `f_pvalue`: sf_F(fvalue; df_model, df_resid).
    public var fPValue: Double? {
        fValue.map {
            FDistribution(
                numeratorDegreesOfFreedom: modelDegreesOfFreedom,
                denominatorDegreesOfFreedom: residualDegreesOfFreedom
            ).survival($0)
        }
    }

    /// Fits y on the columns of `design` (include a column of ones for an intercept).
    ///
    /// With an explicit constant column, the other columns and y are centred first and the
    /// fit is mapped back (β = T γ, cov = T C T'): a regressor at 1e9 that varies by 100 then
    /// keeps all its digits, where a QR of the raw columns would lose seven of them.
    ///
    /// - Throws: `LinearAlgebraError.tooFewObservations` when n ≤ k (no residual degrees of
    ///   freedom), `.rankDeficient` for collinear columns (statsmodels would silently use a
    ///   pseudo-inverse), `.nonFinite` for NaN or infinity.
    public init(design x: Matrix, response y: [Double], rankTolerance: Double = PivotedQR.defaultRankTolerance) throws(LinearAlgebraError) {
        precondition(x.rowCount == y.count, "design has \(x.rowCount) rows, response \(y.count)")
        let n = x.rowCount
        let k = x.columnCount
        if n <= k { throw .tooFewObservations(observations: n, parameters: k) }
        for v in y where !v.isFinite { throw .nonFinite(what: "response") }
        for v in x.storage where !v.isFinite { throw .nonFinite(what: "design") }
        guard let c = LeastSquaresFit.constantColumn(x), k > 1 else {
            let qr = try PivotedQR(x, rankTolerance: rankTolerance)
            try self.init(qr: qr, design: x, response: y)
            return
        }
        // Centre: X T with T = I except T[c, j] = −m_j / value_c, and y − ȳ.
        let cValue = x.storage[c * n]
        var xt = x
        var t = Matrix.identity(k)
        var referenceNorms = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var ss = 0.0
            for i in 0..<n { ss += x.storage[i + j * n] * x.storage[i + j * n] }
            referenceNorms[j] = ss.squareRoot()
            if j == c { continue }
            var m = 0.0
            for i in 0..<n { m += x.storage[i + j * n] }
            m /= Double(n)
            for i in 0..<n { xt.storage[i + j * n] -= m }
            t[c, j] = -m / cValue
        }
        var yMean = 0.0
        for v in y { yMean += v }
        yMean /= Double(n)
        let ys = y.map { $0 - yMean }
        let qr = try PivotedQR(xt, rankTolerance: rankTolerance, referenceNorms: referenceNorms)
        let inner = try LeastSquaresFit(qr: qr, design: xt, response: ys, absorbedConstant: true)
        var beta = t.multiplied(by: inner.parameters)
        beta[c] += yMean / cValue
        // (X'X)⁻¹ = T (Xc'Xc)⁻¹ T' = W'W with W = R⁻ᵀ P' D⁻¹ T': a triangular solve, so the
        // intercept's variance does not come from cancelling huge entries.
        let w = try qr.solveTransposedR(t.transposed())
        let unscaled = w.multiplied(by: w, transposingSelf: true)
        var uncentered = 0.0
        for v in y { uncentered += v * v }
        self.init(
            parameters: beta, unscaledCovariance: unscaled, residuals: inner.residuals,
            centeredTotalSumOfSquares: inner.centeredTotalSumOfSquares, uncenteredTotalSumOfSquares: uncentered,
            residualDegreesOfFreedom: inner.residualDegreesOfFreedom, hasConstant: true, factorization: qr, transform: t)
    }

    /// The index of a column whose values are all equal and non-zero (statsmodels' explicit constant).
    static func constantColumn(_ x: Matrix) -> Int? {
        let n = x.rowCount
        for j in 0..<x.columnCount {
            let first = x.storage[j * n]
            if first != 0 && (0..<n).allSatisfy({ x.storage[$0 + j * n] == first }) { return j }
        }
        return nil
    }

    /// Fits with a factorisation already made (e.g. several responses on one design).
    /// - Parameters:
    ///   - absorbedParameters: effects removed before the fit (team means), counted in df.
    ///   - absorbedConstant: the model has a constant even though `design` shows none.
    public init(
        qr: PivotedQR, design x: Matrix, response y: [Double], absorbedParameters: Int = 0, absorbedConstant: Bool = false
    ) throws(LinearAlgebraError) {
        let n = x.rowCount
        let k = x.columnCount
        let beta = try qr.solve(y)
        var residuals = x.multiplied(by: beta)
        var uncentered = 0.0
        var mean = 0.0
        for i in 0..<n { mean += y[i] }
        mean /= Double(n)
        var centered = 0.0
        for i in 0..<n {
            residuals[i] = y[i] - residuals[i]
            uncentered += y[i] * y[i]
            centered += (y[i] - mean) * (y[i] - mean)
        }
        let df = Double(n - k - absorbedParameters)
        if df < 1 { throw .tooFewObservations(observations: n, parameters: k + absorbedParameters) }
        let constant: Bool
        if absorbedConstant || LeastSquaresFit.constantColumn(x) != nil {
            constant = true
        } else if k == 0 {
            constant = false
        } else {
            // statsmodels' implicit constant: ones lie in the column space (e.g. a full set of dummies).
            constant = try qr.relativeResidual(of: [Double](repeating: 1, count: n)) < 1e-20
        }
        let w = try qr.solveTransposedR(Matrix.identity(k))
        let unscaled = w.multiplied(by: w, transposingSelf: true)
        self.init(
            parameters: beta, unscaledCovariance: unscaled, residuals: residuals, centeredTotalSumOfSquares: centered,
            uncenteredTotalSumOfSquares: uncentered, residualDegreesOfFreedom: df, hasConstant: constant,
            extraModelParameters: absorbedParameters, factorization: qr, transform: nil)
    }

    /// Assembles the statistics from the estimates.
    init(
        parameters beta: [Double], unscaledCovariance unscaled: Matrix, residuals: [Double], centeredTotalSumOfSquares centered: Double,
        uncenteredTotalSumOfSquares uncentered: Double, residualDegreesOfFreedom df: Double, hasConstant constant: Bool,
        extraModelParameters: Int = 0, factorization: PivotedQR, transform: Matrix?
    ) {
        let k = beta.count
        var ssr = 0.0
        for r in residuals { ssr += r * r }
        let s2 = ssr / df
        var se = [Double](repeating: 0, count: k)
        var tv = [Double](repeating: 0, count: k)
        var pv = [Double](repeating: 0, count: k)
        let dist = StudentT(degreesOfFreedom: df)
        for j in 0..<k {
            se[j] = (s2 * unscaled[j, j]).squareRoot()
            tv[j] = beta[j] / se[j]
            pv[j] = dist.twoSidedPValue(tv[j])
        }
        observationCount = residuals.count
        parameters = beta
        standardErrors = se
        tValues = tv
        pValues = pv
        sumOfSquaredResiduals = ssr
        centeredTotalSumOfSquares = centered
        uncenteredTotalSumOfSquares = uncentered
        residualDegreesOfFreedom = df
        hasConstant = constant
        modelDegreesOfFreedom = Double(k + extraModelParameters) - (constant ? 1 : 0)
        scale = s2
        unscaledCovariance = unscaled
        self.residuals = residuals
        self.factorization = factorization
        self.transform = transform
    }

    /// x₀ (X'X)⁻¹ x₀' for each row of `x0`, by triangular solves (no explicit inverse).
    public func unscaledQuadraticForms(_ x0: Matrix) -> [Double] {
        precondition(x0.columnCount == parameters.count, "rows need \(parameters.count) columns")
        let z = transform.map { x0.multiplied(by: $0) } ?? x0
        guard let w = try? factorization.solveTransposedR(z.transposed()) else { return [Double](repeating: .nan, count: x0.rowCount) }
        return (0..<x0.rowCount).map { i in (0..<w.rowCount).reduce(0) { $0 + w[$1, i] * w[$1, i] } }
    }

    /// Predictions at the rows of `x0` with confidence and prediction intervals, as
    /// statsmodels' `get_prediction(x0).summary_frame(alpha=alpha)`.
    public func predict(_ x0: Matrix, alpha: Double = 0.05) -> Prediction {
        precondition(x0.columnCount == parameters.count, "prediction rows need \(parameters.count) columns")
        let mean = x0.multiplied(by: parameters)
        // x0 (X'X)⁻¹ x0' = ‖R⁻ᵀ P' D⁻¹ (x0 T)'‖², in the centred coordinates of the fit.
        let z = transform.map { x0.multiplied(by: $0) } ?? x0
        let w =
            (try? factorization.solveTransposedR(z.transposed()))
            ?? Matrix(rows: parameters.count, columns: x0.rowCount, repeatedValue: .nan)
        let q = StudentT(degreesOfFreedom: residualDegreesOfFreedom).quantile(1 - alpha / 2)
        var p = Prediction(count: x0.rowCount)
        for i in 0..<x0.rowCount {
            var v = 0.0
            for j in 0..<w.rowCount { v += w[j, i] * w[j, i] }
            v *= scale
            let meanSE = Swift.max(v, 0).squareRoot()
            let obsSE = (Swift.max(v, 0) + scale).squareRoot()
            p.mean[i] = mean[i]
            p.meanStandardError[i] = meanSE
            p.meanLower[i] = mean[i] - q * meanSE
            p.meanUpper[i] = mean[i] + q * meanSE
            p.observationLower[i] = mean[i] - q * obsSE
            p.observationUpper[i] = mean[i] + q * obsSE
        }
        return p
    }
}

/// Columns of statsmodels' `summary_frame`: mean, mean_se, mean_ci_lower/upper, obs_ci_lower/upper.
public struct Prediction: Sendable, Equatable {
    public var mean: [Double]
    public var meanStandardError: [Double]
    public var meanLower: [Double]
    public var meanUpper: [Double]
    public var observationLower: [Double]
    public var observationUpper: [Double]

    init(count: Int) {
        let z = [Double](repeating: 0, count: count)
        mean = z
        meanStandardError = z
        meanLower = z
        meanUpper = z
        observationLower = z
        observationUpper = z
    }
}
