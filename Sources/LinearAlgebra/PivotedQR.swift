/// A rank-revealing QR factorisation of a design matrix, A D⁻¹ P = Q R, where D scales every
/// column to unit length (so the rank decision does not depend on units: revenue in USD
/// and win rate in percent weigh alike) and P is LAPACK's column pivoting.
///
/// Least squares through QR rather than the normal equations keeps the accuracy of
/// statsmodels (which uses a pseudo-inverse): the error grows with cond(A), not cond(A)².
public struct PivotedQR: Sendable {
    public let rowCount: Int
    public let columnCount: Int
    /// LAPACK's compact QR (R in the upper triangle, reflectors below), column-major.
    let factors: [Double]
    let tau: [Double]
    /// `permutation[j]` is the original column of R's column j (0-based).
    let permutation: [Int]
    /// Column scale factors D (Euclidean norms of the original columns).
    let scale: [Double]
    /// |R_kk| / |R_11| of the last column: a cheap reciprocal-condition estimate.
    public let reciprocalConditionEstimate: Double

    /// Columns whose pivoted |R_kk| / |R_11| falls below this are taken as linear combinations
    /// of the others. At this level cond(A) > 1e9 and no two least-squares codes agree to 1e-8
    /// any more, so refusing is more honest than printing digits that are noise.
    public static let defaultRankTolerance = 1e-9

    /// Factorises `a`. Throws `.tooFewObservations` when rows < columns, `.nonFinite` on
    /// NaN/infinity, and `.rankDeficient` naming a dependent column.
    ///
    /// - Parameter referenceNorms: the norms the columns had before a transformation
    ///   (e.g. demeaning within teams); a column that lost all but `rankTolerance` of its
    ///   norm is collinear with what was removed. Defaults to the columns' own norms.
    /// The corresponding LAPACK routine is `dgeqp3`.
    public init(
        _ a: Matrix, rankTolerance: Double = PivotedQR.defaultRankTolerance, referenceNorms: [Double]? = nil
    ) throws(LinearAlgebraError) {
        let m = a.rowCount
        let n = a.columnCount
        rowCount = m
        columnCount = n
        if m < n { throw .tooFewObservations(observations: m, parameters: n) }
        var f = a.storage
        var norms = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var s = 0.0
            var big = 0.0
            for i in 0..<m {
                let v = f[i + j * m]
                if !v.isFinite { throw .nonFinite(what: "design column \(j + 1)") }
                big = Swift.max(big, Swift.abs(v))
            }
            // Scaled sum of squares: no overflow for 1e200, no underflow for 1e-200.
            if big > 0 {
                for i in 0..<m {
                    let v = f[i + j * m] / big
                    s += v * v
                }
            }
            norms[j] = big * s.squareRoot()
            let reference = referenceNorms?[j] ?? norms[j]
            if norms[j] == 0 || norms[j] <= rankTolerance * reference {
                throw .rankDeficient(rank: n - 1, columns: n, column: j)
            }
            let inv = 1 / norms[j]
            for i in 0..<m { f[i + j * m] *= inv }
        }
        var jpvt = [Int32](repeating: 0, count: n)
        var t = [Double](repeating: 0, count: n)
        if n > 0 {
            try f.withUnsafeMutableBufferPointer { (fp) throws(LinearAlgebraError) in
                try jpvt.withUnsafeMutableBufferPointer { (jp) throws(LinearAlgebraError) in
                    try t.withUnsafeMutableBufferPointer { (tp) throws(LinearAlgebraError) in
                        try LAPACK.geqp3(m: m, n: n, a: fp.baseAddress!, lda: m, jpvt: jp.baseAddress!, tau: tp.baseAddress!)
                    }
                }
            }
        }
        factors = f
        tau = t
        permutation = jpvt.map { Int($0) - 1 }
        scale = norms
        if n > 0 {
            let r11 = Swift.abs(f[0])
            var estimate = 1.0
            for k in 0..<n {
                let rkk = Swift.abs(f[k + k * m])
                let ratio = r11 > 0 ? rkk / r11 : 0
                estimate = Swift.min(estimate, ratio)
                if !(ratio > rankTolerance) {
                    throw .rankDeficient(rank: k, columns: n, column: permutation[k])
                }
            }
            reciprocalConditionEstimate = estimate
        } else {
            reciprocalConditionEstimate = 1
        }
    }

    /// The least-squares solutions for the right-hand sides in the columns of `b` (rows × k).
    /// The corresponding LAPACK routines are `dormqr` and `dtrtrs`.
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(b.rowCount == rowCount, "right-hand side has \(b.rowCount) rows, design \(rowCount)")
        let m = rowCount
        let n = columnCount
        let nrhs = b.columnCount
        var c = b.storage
        if n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
        try factors.withUnsafeBufferPointer { (fp) throws(LinearAlgebraError) in
            try tau.withUnsafeBufferPointer { (tp) throws(LinearAlgebraError) in
                try c.withUnsafeMutableBufferPointer { (cp) throws(LinearAlgebraError) in
                    try LAPACK.ormqrTransposeLeft(
                        m: m, n: nrhs, k: n, a: fp.baseAddress!, lda: m, tau: tp.baseAddress!, c: cp.baseAddress!, ldc: m)
                    try LAPACK.trtrsUpper(
                        transposed: false, n: n, nrhs: nrhs, a: fp.baseAddress!, lda: m, b: cp.baseAddress!, ldb: m)
                }
            }
        }
        // Undo pivoting and scaling: x[perm[j]] = z[j] / scale[perm[j]].
        var x = Matrix(rows: n, columns: nrhs)
        for k in 0..<nrhs {
            for j in 0..<n {
                let p = permutation[j]
                x.storage[p + k * n] = c[j + k * m] / scale[p]
            }
        }
        return x
    }

    public func solve(_ y: [Double]) throws(LinearAlgebraError) -> [Double] {
        try solve(Matrix(rows: y.count, columns: 1, columnMajor: y)).storage
    }

    /// R⁻ᵀ P' D⁻¹ B for B (columns × r) in the original column order, by a triangular solve.
    ///
    /// Quadratic forms b'(A'A)⁻¹b are then column norms² of the result — computed without
    /// forming (A'A)⁻¹, whose large entries cancel for nearly collinear designs.
    /// The corresponding LAPACK routine is `dtrtrs`.
    public func solveTransposedR(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(b.rowCount == columnCount, "right-hand side has \(b.rowCount) rows, expected \(columnCount)")
        let n = columnCount
        var z = Matrix(rows: n, columns: b.columnCount)
        for k in 0..<b.columnCount {
            for j in 0..<n {
                let p = permutation[j]
                z.storage[j + k * n] = b.storage[p + k * n] / scale[p]
            }
        }
        if n == 0 || b.columnCount == 0 { return z }
        let m = rowCount
        let nrhs = b.columnCount
        try factors.withUnsafeBufferPointer { (fp) throws(LinearAlgebraError) in
            try z.storage.withUnsafeMutableBufferPointer { (zp) throws(LinearAlgebraError) in
                try LAPACK.trtrsUpper(transposed: true, n: n, nrhs: nrhs, a: fp.baseAddress!, lda: m, b: zp.baseAddress!, ldb: n)
            }
        }
        return z
    }

    /// Squared distance of `v` from the column space, relative to ‖v‖² (0 when v is in it).
    func relativeResidual(of v: [Double]) throws(LinearAlgebraError) -> Double {
        let m = rowCount
        var c = v
        let norm2 = v.reduce(0) { $0 + $1 * $1 }
        if norm2 == 0 { return 0 }
        if columnCount == 0 { return 1 }
        try factors.withUnsafeBufferPointer { (fp) throws(LinearAlgebraError) in
            try tau.withUnsafeBufferPointer { (tp) throws(LinearAlgebraError) in
                try c.withUnsafeMutableBufferPointer { (cp) throws(LinearAlgebraError) in
                    try LAPACK.ormqrTransposeLeft(
                        m: m, n: 1, k: columnCount, a: fp.baseAddress!, lda: m, tau: tp.baseAddress!, c: cp.baseAddress!,
                        ldc: m)
                }
            }
        }
        var rest = 0.0
        for i in columnCount..<m { rest += c[i] * c[i] }
        return rest / norm2
    }
}
