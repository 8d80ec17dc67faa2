/// Least squares of a response on every prefix of an ordered list of regressors at once.
///
/// One triangular factor R of [X | y] (columns in the order given, response last) holds the
/// fit of y on every leading block of X: with r = R[·, y], SSR(first k) = Σ_{j ≥ k} r_j² + R_yy²,
/// so nested models — BIC over lag orders, restricted against unrestricted — come from one
/// factorisation, and SSR differences are sums of squares, never differences.
///
/// R comes from the Cholesky factor of the Gram matrix of the columns scaled to unit length
/// (BLAS `dsyrk`, one pass over the data). Where that loses digits — a scaled diagonal entry
/// below 1e-3, i.e. a column within a thousandth of the span of the ones before it, or an
/// almost perfect fit — it is recomputed by Householder QR (`dgeqrf`), whose accuracy depends
/// on cond(X), not cond(X)².
public struct NestedRegressions: Sendable {
    /// Rows of the regressions.
    public let observationCount: Int
    /// Number of regressors (columns of X).
    public let regressorCount: Int
    /// R of [X | y] in the columns' own units; nil when a regressor is dependent.
    public let factor: Matrix?
    /// The first regressor (0-based) found to be a linear combination of the effects that
    /// were projected out (it lost all but `rankTolerance` of its raw norm) or of the
    /// regressors before it.
    public let firstDependentRegressor: Int?

    /// - Parameters:
    ///   - z: N × (k + 1): regressors, then the response, already residualised on any effects.
    ///   - rawNorms: each column's norm before residualising.
    public init(_ z: consuming Matrix, rawNorms: [Double], rankTolerance: Double = PivotedQR.defaultRankTolerance) {
        let n = z.rowCount
        let c = z.columnCount
        let k = c - 1
        precondition(c >= 1 && rawNorms.count == c, "regressors and a response expected")
        observationCount = n
        regressorCount = k
        var scale = [Double](repeating: 0, count: c)
        var dependent: Int?
        var scaled = z  // consumed: scaled in place, no copy
        scaled.storage.withUnsafeMutableBufferPointer { zp in
            for j in 0..<c {
                let col = zp.baseAddress! + j * n
                var ss = VectorKernels.sumOfSquares(col, n)
                if !(ss.isFinite && ss > 1e-280) && ss != 0 {
                    // Scaled sum of squares: no overflow for 1e200, no underflow for 1e-200.
                    let big = VectorKernels.maxMagnitude(col, n)
                    var t = 0.0
                    for i in 0..<n {
                        let v = col[i] / big
                        t += v * v
                    }
                    ss = big * big * t
                    scale[j] = big * t.squareRoot()
                } else {
                    scale[j] = ss.squareRoot()
                }
                if j < k && dependent == nil && (scale[j] == 0 || scale[j] <= rankTolerance * rawNorms[j]) { dependent = j }
                if scale[j] > 0 { VectorKernels.scale(col, by: 1 / scale[j], n) }
            }
        }
        guard dependent == nil, n >= c else {
            firstDependentRegressor = dependent ?? (n < c ? Swift.min(n, k) : nil)
            factor = nil
            return
        }
        var r = NestedRegressions.choleskyFactor(scaled, regressors: k)
        var minimum = Double.infinity
        if let f = r { for j in 0..<c where scale[j] > 0 { minimum = Swift.min(minimum, Swift.abs(f[j, j])) } }
        if r == nil || minimum < 1e-3 { r = NestedRegressions.householderFactor(scaled) }
        guard var f = r else {
            firstDependentRegressor = 0
            factor = nil
            return
        }
        for j in 0..<k where Swift.abs(f[j, j]) <= rankTolerance {
            firstDependentRegressor = j
            factor = nil
            return
        }
        for j in 0..<c {
            for i in 0...j { f[i, j] *= scale[j] }
        }
        firstDependentRegressor = nil
        factor = f
    }

    /// From the Gram matrix of the residualised columns (regressors, then the response),
    /// without the residuals themselves. Nil when that would lose digits — a column within a
    /// thousandth of the span of the ones before it, an almost perfect fit, or a column that
    /// the effects took almost entirely (`demeanedSquares`: its sum of squares before the
    /// period effects) — and the caller must factor the residuals instead.
    static func fromGram(
        _ gram: Matrix, rawNorms: [Double], demeanedSquares: [Double], observationCount n: Int,
        rankTolerance: Double = PivotedQR.defaultRankTolerance
    ) -> NestedRegressions? {
        let c = gram.columnCount
        let k = c - 1
        var scale = [Double](repeating: 0, count: c)
        for j in 0..<c {
            let ss = gram[j, j]
            guard ss.isFinite, ss * 1e6 >= demeanedSquares[j] else { return nil }
            scale[j] = ss.squareRoot()
            if j < k && (scale[j] == 0 || scale[j] <= rankTolerance * rawNorms[j]) {
                return NestedRegressions(observationCount: n, regressorCount: k, factor: nil, firstDependentRegressor: j)
            }
        }
        guard n >= c, scale[k] > 0 else { return nil }
        var scaled = gram
        for j in 0..<c { for i in 0..<c { scaled[i, j] /= scale[i] * scale[j] } }
        guard var f = choleskyFactor(gram: scaled, regressors: k) else { return nil }
        for j in 0..<c where Swift.abs(f[j, j]) < 1e-3 { return nil }
        for j in 0..<c { for i in 0...j { f[i, j] *= scale[j] } }
        return NestedRegressions(observationCount: n, regressorCount: k, factor: f, firstDependentRegressor: nil)
    }

    init(observationCount: Int, regressorCount: Int, factor: Matrix?, firstDependentRegressor: Int?) {
        self.observationCount = observationCount
        self.regressorCount = regressorCount
        self.factor = factor
        self.firstDependentRegressor = firstDependentRegressor
    }

    /// Cholesky of the scaled Gram matrix; nil when it is not numerically positive definite.
    static func choleskyFactor(_ a: Matrix, regressors k: Int) -> Matrix? {
        choleskyFactor(gram: a.gram(), regressors: k)
    }

    /// R from a Gram matrix of unit-scaled columns (full, symmetric).
    static func choleskyFactor(gram g: consuming Matrix, regressors k: Int) -> Matrix? {
        let c = g.columnCount
        var g = g
        // Factor the regressors' block; the response column follows by a triangular solve, so
        // a perfect fit (R_yy = 0) is a result, not a failure.
        do throws(LinearAlgebraError) {
            if k > 0 {
                try g.storage.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
                    try LAPACK.potrfUpper(n: k, a: p.baseAddress!, lda: c)
                    try LAPACK.trtrsUpper(
                        transposed: true, n: k, nrhs: 1, a: p.baseAddress!, lda: c,
                        b: p.baseAddress! + k * c, ldb: c)
                }
            }
        } catch {
            return nil
        }
        var rest = g[k, k]
        for i in 0..<k { rest -= g[i, k] * g[i, k] }
        g[k, k] = Swift.max(rest, 0).squareRoot()
        for j in 0..<c { for i in (j + 1)..<Swift.max(j + 1, c) { g[i, j] = 0 } }
        return g
    }

    /// R from Householder QR (dgeqrf), signs as LAPACK leaves them.
    static func householderFactor(_ a: Matrix) -> Matrix? {
        let (n, c) = (a.rowCount, a.columnCount)
        var work = a.storage
        var tau = [Double](repeating: 0, count: c)
        do throws(LinearAlgebraError) {
            try work.withUnsafeMutableBufferPointer { (w) throws(LinearAlgebraError) in
                try tau.withUnsafeMutableBufferPointer { (t) throws(LinearAlgebraError) in
                    try LAPACK.geqrf(m: n, n: c, a: w.baseAddress!, lda: n, tau: t.baseAddress!)
                }
            }
        } catch {
            return nil
        }
        var r = Matrix(rows: c, columns: c)
        for j in 0..<c { for i in 0...j { r[i, j] = work[i + j * n] } }
        return r
    }

    /// Σ residual² of y on the first `k` regressors.
    public func sumOfSquaredResiduals(regressors k: Int) -> Double {
        guard let f = factor else { return .nan }
        let y = regressorCount
        var s = f[y, y] * f[y, y]
        for j in k..<y { s += f[j, y] * f[j, y] }
        return s
    }

    /// SSR(first a) − SSR(first b) for a ≤ b, as the sum of squares it is.
    public func reduction(from a: Int, to b: Int) -> Double {
        guard let f = factor else { return .nan }
        let y = regressorCount
        var s = 0.0
        for j in a..<b { s += f[j, y] * f[j, y] }
        return s
    }

    /// t statistic of the last regressor of the model with the first `k` regressors, given its
    /// residual degrees of freedom: the partial correlation's t.
    public func tValue(ofLastOf k: Int, residualDegreesOfFreedom df: Double) -> Double {
        guard let f = factor, k >= 1 else { return .nan }
        let y = regressorCount
        // In the model with the first k regressors, the last one's coefficient over its standard
        // error is r_{k−1} / sqrt(SSR_k / df), signed by R_{k−1,k−1}.
        let ssr = sumOfSquaredResiduals(regressors: k)
        let sign: Double = f[k - 1, k - 1] < 0 ? -1 : 1
        return sign * f[k - 1, y] / (ssr / df).squareRoot()
    }
}
