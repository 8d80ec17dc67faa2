/// Two-way fixed effects — one per team, one per period — on a teams × periods grid of which a
/// mask selects the cells in the sample. It is the residual-maker of METHODS.md's lead-lag
/// regressions, built without a single dummy column.
///
/// Frisch–Waugh–Lovell: demean within team, then project out the period dummies demeaned
/// within team, D̃. Their Gram matrix is G = D'D − Σᵢ cᵢcᵢ'/nᵢ (cᵢ: team i's cells per period),
/// periods × periods, built in O(cells + Σᵢ min(nᵢ, P − nᵢ)²) — a team missing a few periods
/// costs only its gaps — and factored once by Cholesky with the first present period dropped.
/// D̃'v is the per-period sum of the team-demeaned v, so residualising a column costs three
/// passes over its cells and a triangular solve, whatever the number of teams; the dummy
/// design `FixedEffectsFit` factorises is N × (P − 1 + k) instead. The two agree to rounding
/// (tests compare them). With one team in the sample there are no period effects, just the
/// constant (METHODS.md).
public struct GridFixedEffects: Sendable {
    /// Grid rows (teams, present or not) and columns (periods of the window).
    public let rows: Int
    public let periods: Int
    /// Cells in the sample.
    public let observationCount: Int
    /// Teams with at least one cell.
    public let teamCount: Int
    /// Periods with at least one cell; 0 with a single team (constant only).
    public let periodCount: Int
    /// Parameters the effects take: teams + periods − 1, or 1 (the constant) for one team.
    public var absorbedParameters: Int { teamCount > 1 ? teamCount + periodCount - 1 : 1 }
    /// Why the effects are not of full rank, if they are not.
    public let problem: LinearAlgebraError?

    /// Grid row of each sample cell's team, cell by cell (team-major, periods ascending).
    let cellPeriod: [Int32]
    /// Cells of grid row r are `rowStart[r] ..< rowStart[r + 1]`.
    let rowStart: [Int]
    /// Period → equation of the reduced system; −1 for absent periods and the reference.
    let slot: [Int]
    let reducedSize: Int
    /// Upper Cholesky factor of the reduced G, column-major.
    let factor: [Double]

    /// - Parameter mask: `rows × periods`, row-major: `mask[r * periods + t]` is true when the
    ///   cell (team r, period t) is in the sample.
    public init(mask: [Bool], rows: Int, periods: Int) {
        precondition(mask.count == rows * periods, "mask does not match the grid")
        self.rows = rows
        self.periods = periods
        var start = [Int](repeating: 0, count: rows + 1)
        var perPeriod = [Int](repeating: 0, count: periods)
        var cells: [Int32] = []
        cells.reserveCapacity(mask.count)
        for r in 0..<rows {
            for t in 0..<periods where mask[r * periods + t] {
                cells.append(Int32(t))
                perPeriod[t] += 1
            }
            start[r + 1] = cells.count
        }
        cellPeriod = cells
        rowStart = start
        observationCount = cells.count
        var g = 0
        for r in 0..<rows where start[r + 1] > start[r] { g += 1 }
        teamCount = g
        let present = (0..<periods).filter { perPeriod[$0] > 0 }
        guard g > 1 else {
            periodCount = 0
            slot = []
            reducedSize = 0
            factor = []
            problem = observationCount == 0 ? .tooFewObservations(observations: 0, parameters: 1) : nil
            return
        }
        periodCount = present.count
        var slot = [Int](repeating: -1, count: periods)
        for (j, t) in present.enumerated() where j > 0 { slot[t] = j - 1 }
        self.slot = slot
        let m = present.count - 1
        reducedSize = m

        // Connected? Teams link the periods they share; one group is needed for full rank.
        var components = present.count
        if !(0..<rows).contains(where: { start[$0 + 1] - start[$0] == present.count }) {
            var parent = Array(0..<periods)
            func root(_ a: Int) -> Int {
                var a = a
                while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }
                return a
            }
            for r in 0..<rows where start[r + 1] > start[r] {
                let first = root(Int(cells[start[r]]))
                for c in (start[r] + 1)..<start[r + 1] {
                    let other = root(Int(cells[c]))
                    if other != first { parent[other] = first; components -= 1 }
                }
            }
        } else {
            components = 1
        }
        if components > 1 {
            factor = []
            problem = .disconnectedEffects(groups: components)
            return
        }

        // G = diag(cells per period) − Σᵢ cᵢcᵢ'/nᵢ over the whole grid's periods. A team present in
        // most periods is written as cᵢ = 1 − mᵢ (mᵢ its gaps): cᵢcᵢ' = 11' − 1mᵢ' − mᵢ1' + mᵢmᵢ'.
        var gram = [Double](repeating: 0, count: periods * periods)
        var ones = 0.0
        var gaps = [Double](repeating: 0, count: periods)
        var missing: [Int] = []
        for r in 0..<rows {
            let n = start[r + 1] - start[r]
            if n == 0 { continue }
            let w = 1 / Double(n)
            if 2 * n >= periods {
                ones += w
                missing.removeAll(keepingCapacity: true)
                var c = start[r]
                for t in 0..<periods {
                    if c < start[r + 1] && Int(cells[c]) == t { c += 1 } else { missing.append(t) }
                }
                for s in missing {
                    gaps[s] += w
                    for t in missing { gram[s * periods + t] -= w }
                }
            } else {
                for a in start[r]..<start[r + 1] {
                    let s = Int(cells[a])
                    for b in start[r]..<start[r + 1] { gram[s * periods + Int(cells[b])] -= w }
                }
            }
        }
        var reduced = [Double](repeating: 0, count: m * m)
        for (jb, tb) in present.enumerated() where jb > 0 {
            for (ja, ta) in present.enumerated() where ja > 0 && ja <= jb {
                var v = gram[ta * periods + tb] - ones + gaps[ta] + gaps[tb]
                if ta == tb { v += Double(perPeriod[ta]) }
                reduced[(ja - 1) + (jb - 1) * m] = v
            }
        }
        var problem: LinearAlgebraError?
        if m > 0 {
            do throws(LinearAlgebraError) {
                try reduced.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
                    try LAPACK.potrfUpper(n: m, a: p.baseAddress!, lda: m)
                }
            } catch {
                problem = .disconnectedEffects(groups: 0)
            }
        }
        factor = reduced
        self.problem = problem
    }

    /// The sample's cells of some columns, with the effects projected out.
    ///
    /// Cell (team r, period t) of column j is `values[rowOffsets[r] + starts[j] + t]`; every
    /// sample cell must be finite. Returns the residuals as an N × columns matrix (cells in
    /// the grid's order) and each column's Euclidean norm before any transformation, which a
    /// rank test compares with what is left.
    public func residualise(
        _ values: UnsafeBufferPointer<Double>, rowOffsets: [Int], starts: [Int]
    ) -> (residuals: Matrix, rawNorms: [Double]) {
        precondition(problem == nil, "effects not of full rank")
        precondition(rowOffsets.count == rows, "one offset per grid row")
        let n = observationCount
        let columns = starts.count
        var z = Matrix(rows: n, columns: columns)
        var raw = [Double](repeating: 0, count: columns)
        var demeanedNorms = [Double](repeating: 0, count: columns)
        z.storage.withUnsafeMutableBufferPointer { zp in
            cellPeriod.withUnsafeBufferPointer { cp in
                for j in 0..<columns {
                    let col = zp.baseAddress! + j * n
                    var ss = 0.0
                    var dss = 0.0
                    for r in 0..<rows {
                        let (a, b) = (rowStart[r], rowStart[r + 1])
                        if a == b { continue }
                        let base = rowOffsets[r] + starts[j]
                        var sum = 0.0
                        for c in a..<b {
                            let v = values[base + Int(cp[c])]
                            col[c] = v
                            sum += v
                            ss += v * v
                        }
                        let mean = sum / Double(b - a)
                        for c in a..<b {
                            col[c] -= mean
                            dss += col[c] * col[c]
                        }
                    }
                    raw[j] = ss.squareRoot()
                    demeanedNorms[j] = dss
                }
            }
        }
        guard teamCount > 1, reducedSize > 0 else { return (z, raw) }
        projectOutPeriods(&z)
        // A column that was mostly period effects kept few digits in one pass; a second
        // projection of the residual restores them ("twice is enough").
        var again = false
        for j in 0..<columns {
            var ss = 0.0
            for c in 0..<n { ss += z.storage[c + j * n] * z.storage[c + j * n] }
            if ss * 1e6 < demeanedNorms[j] { again = true }
        }
        if again { projectOutPeriods(&z) }
        return (z, raw)
    }

    /// z ← z − D̃ (D̃'D̃)⁻¹ D̃'z for team-demeaned columns z.
    func projectOutPeriods(_ z: inout Matrix) {
        let n = observationCount
        let columns = z.columnCount
        let m = reducedSize
        var rhs = [Double](repeating: 0, count: m * columns)
        z.storage.withUnsafeBufferPointer { zp in
            for j in 0..<columns {
                let col = zp.baseAddress! + j * n
                let out = j * m
                for c in 0..<n {
                    let s = slot[Int(cellPeriod[c])]
                    if s >= 0 { rhs[out + s] += col[c] }
                }
            }
        }
        factor.withUnsafeBufferPointer { f in
            rhs.withUnsafeMutableBufferPointer { b in
                // The factor is positive definite (checked at init), so dpotrs cannot fail.
                try? LAPACK.potrsUpper(n: m, nrhs: columns, a: f.baseAddress!, lda: m, b: b.baseAddress!, ldb: m)
            }
        }
        var effect = [Double](repeating: 0, count: periods)
        z.storage.withUnsafeMutableBufferPointer { zp in
            for j in 0..<columns {
                for t in 0..<periods { effect[t] = slot[t] >= 0 ? rhs[j * m + slot[t]] : 0 }
                let col = zp.baseAddress! + j * n
                for r in 0..<rows {
                    let (a, b) = (rowStart[r], rowStart[r + 1])
                    if a == b { continue }
                    var mean = 0.0
                    for c in a..<b { mean += effect[Int(cellPeriod[c])] }
                    mean /= Double(b - a)
                    for c in a..<b { col[c] -= effect[Int(cellPeriod[c])] - mean }
                }
            }
        }
    }
}

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
    public init(_ z: Matrix, rawNorms: [Double], rankTolerance: Double = PivotedQR.defaultRankTolerance) {
        let n = z.rowCount
        let c = z.columnCount
        let k = c - 1
        precondition(c >= 1 && rawNorms.count == c, "regressors and a response expected")
        observationCount = n
        regressorCount = k
        var scale = [Double](repeating: 0, count: c)
        var dependent: Int?
        for j in 0..<c {
            var big = 0.0
            for i in 0..<n { big = Swift.max(big, Swift.abs(z.storage[i + j * n])) }
            var s = 0.0
            if big > 0 { for i in 0..<n { let v = z.storage[i + j * n] / big; s += v * v } }
            scale[j] = big * s.squareRoot()
            if j < k && dependent == nil && (scale[j] == 0 || scale[j] <= rankTolerance * rawNorms[j]) { dependent = j }
        }
        guard dependent == nil, n >= c else {
            firstDependentRegressor = dependent ?? (n < c ? Swift.min(n, k) : nil)
            factor = nil
            return
        }
        var scaled = z
        for j in 0..<c where scale[j] > 0 {
            let inv = 1 / scale[j]
            for i in 0..<n { scaled.storage[i + j * n] *= inv }
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

    /// Cholesky of the scaled Gram matrix; nil when it is not numerically positive definite.
    static func choleskyFactor(_ a: Matrix, regressors k: Int) -> Matrix? {
        let c = a.columnCount
        var g = a.gram()
        // Factor the regressors' block; the response column follows by a triangular solve, so
        // a perfect fit (R_yy = 0) is a result, not a failure.
        do throws(LinearAlgebraError) {
            if k > 0 {
                try g.storage.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
                    try LAPACK.potrfUpper(n: k, a: p.baseAddress!, lda: c)
                    try LAPACK.trtrsUpper(transposed: true, n: k, nrhs: 1, a: p.baseAddress!, lda: c,
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
