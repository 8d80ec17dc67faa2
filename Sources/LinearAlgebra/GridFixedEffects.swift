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
        let cells = [Int32](unsafeUninitializedCapacity: mask.count) { buffer, count in
            var c = 0
            mask.withUnsafeBufferPointer { m in
                perPeriod.withUnsafeMutableBufferPointer { pp in
                    for r in 0..<rows {
                        let row = m.baseAddress! + r * periods
                        for t in 0..<periods where row[t] {
                            buffer[c] = Int32(truncatingIfNeeded: t)
                            c += 1
                            pp[t] += 1
                        }
                        start[r + 1] = c
                    }
                }
            }
            count = c
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
                while parent[a] != a {
                    parent[a] = parent[parent[a]]
                    a = parent[a]
                }
                return a
            }
            for r in 0..<rows where start[r + 1] > start[r] {
                let first = root(Int(cells[start[r]]))
                for c in (start[r] + 1)..<start[r + 1] {
                    let other = root(Int(cells[c]))
                    if other != first {
                        parent[other] = first
                        components -= 1
                    }
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

        var system = PeriodEffectsSystem(periods: periods)
        cells.withUnsafeBufferPointer { cp in
            for r in 0..<rows where start[r + 1] > start[r] {
                system.addTeam(UnsafeBufferPointer(rebasing: cp[start[r]..<start[r + 1]]))
            }
        }
        let solved = system.factorised()
        let reduced = solved?.factor ?? []
        let problem: LinearAlgebraError? = solved == nil ? .disconnectedEffects(groups: 0) : nil
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
        let project = teamCount > 1 && reducedSize > 0
        // Every cell belongs to one row, so the gather below writes every element.
        let storage = [Double](unsafeUninitializedCapacity: n * columns) { _, count in count = n * columns }
        var z = Matrix(rows: n, columns: columns, columnMajor: storage)
        var raw = [Double](repeating: 0, count: columns)
        var demeanedNorms = [Double](repeating: 0, count: columns)
        var periodSums = [Double](repeating: 0, count: project ? periods * columns : 0)
        z.storage.withUnsafeMutableBufferPointer { zp in
            cellPeriod.withUnsafeBufferPointer { cp in
                rowStart.withUnsafeBufferPointer { rs in
                    periodSums.withUnsafeMutableBufferPointer { ps in
                        for j in 0..<columns {
                            let col = zp.baseAddress! + j * n
                            let sums = project ? ps.baseAddress! + j * periods : nil
                            var ss = 0.0
                            var dss = 0.0
                            for r in 0..<rows {
                                let (a, b) = (rs[r], rs[r + 1])
                                if a == b { continue }
                                let src = values.baseAddress! + rowOffsets[r] + starts[j]
                                let out = col + a
                                let count = b - a
                                if count == periods {
                                    // A complete row: contiguous, so the loops vectorise.
                                    out.update(from: src, count: count)
                                } else {
                                    for c in 0..<count { out[c] = src[Int(cp[a + c])] }
                                }
                                let mean = Kernels.sum(out, count) / Double(count)
                                ss += Kernels.sumOfSquares(out, count)
                                Kernels.subtract(mean, from: out, count)
                                dss += Kernels.sumOfSquares(out, count)
                                if let sums {
                                    if count == periods {
                                        Kernels.add(out, into: sums, count)
                                    } else {
                                        for c in 0..<count { sums[Int(cp[a + c])] += out[c] }
                                    }
                                }
                            }
                            raw[j] = ss.squareRoot()
                            demeanedNorms[j] = dss
                        }
                    }
                }
            }
        }
        guard project else { return (z, raw) }
        let left = projectOutPeriods(&z, periodSums: periodSums)
        // A column that was mostly period effects kept few digits in one pass; a second
        // projection of the residual restores them ("twice is enough").
        if (0..<columns).contains(where: { left[$0] * 1e6 < demeanedNorms[$0] }) { _ = projectOutPeriods(&z, periodSums: nil) }
        return (z, raw)
    }

    /// z ← z − D̃ (D̃'D̃)⁻¹ D̃'z for team-demeaned columns z, given D̃'z (per-period sums of
    /// each column, `periods` per column) when the caller has them.
    /// Returns each column's sum of squares afterwards.
    @discardableResult
    func projectOutPeriods(_ z: inout Matrix, periodSums: [Double]?) -> [Double] {
        let n = observationCount
        let columns = z.columnCount
        let m = reducedSize
        var sums = periodSums ?? []
        if periodSums == nil {
            sums = [Double](repeating: 0, count: periods * columns)
            z.storage.withUnsafeBufferPointer { zp in
                for j in 0..<columns {
                    let col = zp.baseAddress! + j * n
                    for c in 0..<n { sums[j * periods + Int(cellPeriod[c])] += col[c] }
                }
            }
        }
        var rhs = [Double](repeating: 0, count: m * columns)
        for j in 0..<columns {
            for t in 0..<periods where slot[t] >= 0 { rhs[j * m + slot[t]] = sums[j * periods + t] }
        }
        factor.withUnsafeBufferPointer { f in
            rhs.withUnsafeMutableBufferPointer { b in
                // The factor is positive definite (checked at init), so dpotrs cannot fail.
                try? LAPACK.potrsUpper(n: m, nrhs: columns, a: f.baseAddress!, lda: m, b: b.baseAddress!, ldb: m)
            }
        }
        var effect = [Double](repeating: 0, count: periods)
        var left = [Double](repeating: 0, count: columns)
        z.storage.withUnsafeMutableBufferPointer { zp in
            cellPeriod.withUnsafeBufferPointer { cp in
                rowStart.withUnsafeBufferPointer { rs in
                    effect.withUnsafeMutableBufferPointer { e in
                        for j in 0..<columns {
                            for t in 0..<periods { e[t] = slot[t] >= 0 ? rhs[j * m + slot[t]] : 0 }
                            let completeMean = Kernels.sum(e.baseAddress!, periods) / Double(periods)
                            let col = zp.baseAddress! + j * n
                            var ss = 0.0
                            for r in 0..<rows {
                                let (a, b) = (rs[r], rs[r + 1])
                                if a == b { continue }
                                let count = b - a
                                let out = col + a
                                if count == periods {
                                    for t in 0..<count { out[t] -= e[t] - completeMean }
                                } else {
                                    var mean = 0.0
                                    for c in 0..<count { mean += e[Int(cp[a + c])] }
                                    mean /= Double(count)
                                    for c in 0..<count { out[c] -= e[Int(cp[a + c])] - mean }
                                }
                                ss += Kernels.sumOfSquares(out, count)
                            }
                            left[j] = ss
                        }
                    }
                }
            }
        }
        return left
    }
}

/// Reductions with several accumulators (the compiler may not reassociate floating-point sums,
/// so a single accumulator would be one dependent add per element).
enum Kernels {
    @inline(__always)
    static func sum(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= n {
            acc += SIMD4(p[i], p[i + 1], p[i + 2], p[i + 3])
            i += 4
        }
        var s = acc.sum()
        while i < n {
            s += p[i]
            i += 1
        }
        return s
    }

    @inline(__always)
    static func sumOfSquares(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= n {
            let v = SIMD4(p[i], p[i + 1], p[i + 2], p[i + 3])
            acc += v * v
            i += 4
        }
        var s = acc.sum()
        while i < n {
            s += p[i] * p[i]
            i += 1
        }
        return s
    }

    @inline(__always)
    static func subtract(_ m: Double, from p: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { p[i] -= m }
    }

    @inline(__always)
    static func add(_ p: UnsafePointer<Double>, into q: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { q[i] += p[i] }
    }

    @inline(__always)
    static func scale(_ p: UnsafeMutablePointer<Double>, by f: Double, _ n: Int) {
        for i in 0..<n { p[i] *= f }
    }

    @inline(__always)
    static func maxMagnitude(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        var m = 0.0
        for i in 0..<n { m = Swift.max(m, Swift.abs(p[i])) }
        return m
    }
}

/// Second moments of two residualised columns (lead-lag's `lagCorrelations`).
public struct PairMoments: Sendable, Equatable {
    /// Σ x̃², Σ x̃ỹ, Σ ỹ² of the residuals.
    public var xx = 0.0, xy = 0.0, yy = 0.0
    /// Σ x², Σ y² of the raw values, and after demeaning within team.
    public var rawXX = 0.0, rawYY = 0.0
    public var demeanedXX = 0.0, demeanedYY = 0.0
    public init() {}
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
                var ss = Kernels.sumOfSquares(col, n)
                if !(ss.isFinite && ss > 1e-280) && ss != 0 {
                    // Scaled sum of squares: no overflow for 1e200, no underflow for 1e-200.
                    let big = Kernels.maxMagnitude(col, n)
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
                if scale[j] > 0 { Kernels.scale(col, by: 1 / scale[j], n) }
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
    public static func fromGram(
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

/// The period effects' normal equations G c = D̃'v of a two-way fixed-effects sample, gathered
/// team by team: G = D'D − Σᵢ cᵢcᵢ'/nᵢ (cᵢ: the team's cells per period, nᵢ their number).
///
/// A team present in most periods is written as cᵢ = 1 − mᵢ with mᵢ its gaps, so cᵢcᵢ' =
/// 11' − 1mᵢ' − mᵢ1' + mᵢmᵢ' costs only its gaps squared; a complete team costs O(1).
///
/// The off-diagonal part Σ cᵢcᵢ'/nᵢ is held only for the periods some team's cells (or gaps)
/// touched, numbered as they first appear (issue #16): a calendar span of 36,525 days with
/// data on 92 of them costs 92², not 36,525² (10.7 GB). Dense data touches every period and
/// costs P² as before.
public struct PeriodEffectsSystem: Sendable {
    public let periods: Int
    public private(set) var teamCount = 0
    public private(set) var observationCount = 0
    /// Whether some team has a cell in every period of the grid (then the effects are connected).
    public private(set) var hasCompleteTeam = false
    var perPeriod: [Int]
    var ones = 0.0
    var gaps: [Double]
    /// Period → slot of the compact Gram block; −1 for a period no team has touched.
    var slotOf: [Int32]
    var touched = 0
    /// Row stride of `gram` (slots it has room for).
    var stride = 0
    /// −Σ cᵢcᵢ'/nᵢ over touched periods: `gram[slot(a) * stride + slot(b)]`.
    var gram: [Double] = []
    var missing: [Int] = []
    var mapped: [Int] = []
    /// Teams added by `addCompleteTeam`: one cell in every period, counted here, not in perPeriod.
    var completeTeams = 0

    public init(periods: Int) {
        self.periods = periods
        perPeriod = [Int](repeating: 0, count: periods)
        gaps = [Double](repeating: 0, count: periods)
        slotOf = [Int32](repeating: -1, count: periods)
    }

    /// Periods with at least one cell.
    public var periodCount: Int { completeTeams > 0 ? periods : perPeriod.count { $0 > 0 } }

    /// Adds a team with a cell in every period, in O(1).
    public mutating func addCompleteTeam() {
        if periods == 0 { return }
        teamCount += 1
        observationCount += periods
        completeTeams += 1
        hasCompleteTeam = true
        ones += 1 / Double(periods)
    }

    /// Slots for `list`'s periods (new ones numbered next), into `mapped`; grows the block
    /// by doubling, so the work of re-laying it is at most that of the block itself.
    private mutating func mapSlots<C: Collection>(_ list: C) where C.Element: BinaryInteger {
        mapped.removeAll(keepingCapacity: true)
        for t in list {
            let p = Int(t)
            if slotOf[p] < 0 {
                slotOf[p] = Int32(touched)
                touched += 1
            }
            mapped.append(Int(slotOf[p]))
        }
        guard touched > stride else { return }
        var newStride = Swift.max(stride, 16)
        while newStride < touched { newStride *= 2 }
        newStride = Swift.min(newStride, Swift.max(periods, touched))
        var grown = [Double](repeating: 0, count: newStride * newStride)
        for r in 0..<stride {
            for c in 0..<stride { grown[r * newStride + c] = gram[r * stride + c] }
        }
        gram = grown
        stride = newStride
    }

    /// Adds a team by the grid periods of its cells, ascending, each once.
    public mutating func addTeam(_ present: UnsafeBufferPointer<Int32>) {
        let n = present.count
        if n == 0 { return }
        teamCount += 1
        observationCount += n
        for t in present { perPeriod[Int(t)] += 1 }
        let w = 1 / Double(n)
        if n == periods {
            hasCompleteTeam = true
            ones += w
        } else if 2 * n >= periods {
            ones += w
            missing.removeAll(keepingCapacity: true)
            var c = 0
            for t in 0..<periods {
                if c < n && Int(present[c]) == t { c += 1 } else { missing.append(t) }
            }
            mapSlots(missing)
            for (i, s) in missing.enumerated() {
                gaps[s] += w
                let row = mapped[i] * stride
                for j in mapped { gram[row + j] -= w }
            }
        } else {
            mapSlots(present)
            for a in mapped {
                let row = a * stride
                for b in mapped { gram[row + b] -= w }
            }
        }
    }

    /// The touched-periods block entry for periods a and b (0 when either was never touched).
    @inline(__always)
    func offDiagonal(_ a: Int, _ b: Int) -> Double {
        let (sa, sb) = (Int(slotOf[a]), Int(slotOf[b]))
        return sa < 0 || sb < 0 ? 0 : gram[sa * stride + sb]
    }

    /// The system without the first present period's equation, factorised.
    public struct Factorised: Sendable {
        /// Period → equation; −1 for absent periods and the reference.
        public let slot: [Int]
        public let size: Int
        /// Upper Cholesky factor, column-major.
        let factor: [Double]

        /// Period effects (0 for the reference and absent periods) from per-period sums of
        /// team-demeaned values, `columns` blocks of `slot.count`.
        public func effects(fromPeriodSums sums: [Double], columns: Int) -> [Double] {
            let periods = slot.count
            var rhs = [Double](repeating: 0, count: size * columns)
            for j in 0..<columns {
                for t in 0..<periods where slot[t] >= 0 { rhs[j * size + slot[t]] = sums[j * periods + t] }
            }
            if size > 0 {
                factor.withUnsafeBufferPointer { f in
                    rhs.withUnsafeMutableBufferPointer { b in
                        // Positive definite (checked when factorised): dpotrs cannot fail.
                        try? LAPACK.potrsUpper(n: size, nrhs: columns, a: f.baseAddress!, lda: size, b: b.baseAddress!, ldb: size)
                    }
                }
            }
            var out = [Double](repeating: 0, count: periods * columns)
            for j in 0..<columns {
                for t in 0..<periods where slot[t] >= 0 { out[j * periods + t] = rhs[j * size + slot[t]] }
            }
            return out
        }
    }

    /// Nil when G is not numerically positive definite (the effects are not of full rank).
    /// Connectivity is the caller's to check when no team is complete.
    public func factorised() -> Factorised? {
        let present = (0..<periods).filter { perPeriod[$0] + completeTeams > 0 }
        let m = Swift.max(present.count - 1, 0)
        var slot = [Int](repeating: -1, count: periods)
        for (j, t) in present.enumerated() where j > 0 { slot[t] = j - 1 }
        var reduced = [Double](repeating: 0, count: m * m)
        for (jb, tb) in present.enumerated() where jb > 0 {
            for (ja, ta) in present.enumerated() where ja > 0 && ja <= jb {
                var v = offDiagonal(ta, tb) - ones + gaps[ta] + gaps[tb]
                if ta == tb { v += Double(perPeriod[ta] + completeTeams) }
                reduced[(ja - 1) + (jb - 1) * m] = v
            }
        }
        if m > 0 {
            do throws(LinearAlgebraError) {
                try reduced.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
                    try LAPACK.potrfUpper(n: m, a: p.baseAddress!, lda: m)
                }
            } catch {
                return nil
            }
        }
        return Factorised(slot: slot, size: m, factor: reduced)
    }
}

/// Σ rowsᵀ rows of many small blocks of rows, through BLAS `dsyrk` on a buffer of a few
/// thousand rows: a team's dozens of residual rows are too few for BLAS on their own, and
/// scalar dot products per team cost several times more.
public struct GramAccumulator {
    public let columns: Int
    let capacity: Int
    var buffer: [Double]
    var filled = 0
    var gram: [Double]

    public init(columns: Int, blockRows: Int = 2048) {
        self.columns = columns
        capacity = blockRows
        buffer = [Double](repeating: 0, count: blockRows * columns)
        gram = [Double](repeating: 0, count: columns * columns)
    }

    /// Lets `fill` write `count` rows (≤ blockRows): element (i, j) at `base[i + j * leading]`.
    public mutating func appendRows(_ count: Int, _ fill: (_ base: UnsafeMutablePointer<Double>, _ leading: Int) -> Void) {
        precondition(count <= capacity, "more rows than a block holds")
        if filled + count > capacity { flush() }
        let leading = capacity
        let offset = filled
        buffer.withUnsafeMutableBufferPointer { fill($0.baseAddress! + offset, leading) }
        filled += count
    }

    mutating func flush() {
        if filled == 0 { return }
        let (c, k, lda) = (columns, filled, capacity)
        buffer.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { g in
                BLAS.syrkTransposed(n: c, k: k, alpha: 1, a: a.baseAddress!, lda: lda, beta: 1, c: g.baseAddress!, ldc: c)
            }
        }
        filled = 0
    }

    /// The full symmetric Gram matrix of every row appended.
    public mutating func result() -> Matrix {
        flush()
        var m = Matrix(rows: columns, columns: columns, columnMajor: gram)
        m.symmetrizeFromUpper()
        return m
    }
}

/// Loops the compiler will not vectorise on its own (floating-point sums are not reassociated),
/// written with four accumulators for the lead-lag engine's complete rows.
public enum VectorKernels {
    /// Σ p[i].
    @inlinable
    public static func sum(_ p: UnsafePointer<Double>, _ n: Int) -> Double { sumAndSquares(p, n).sum }

    /// Σ p[i] and Σ p[i]².
    @inlinable
    public static func sumAndSquares(_ p: UnsafePointer<Double>, _ n: Int) -> (sum: Double, squares: Double) {
        var s = SIMD4<Double>(repeating: 0)
        var q = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= n {
            let v = SIMD4(p[i], p[i + 1], p[i + 2], p[i + 3])
            s += v
            q += v * v
            i += 4
        }
        var (sum, squares) = (s.sum(), q.sum())
        while i < n {
            sum += p[i]
            squares += p[i] * p[i]
            i += 1
        }
        return (sum, squares)
    }

    /// sums[i] += p[i] − mean for every i; returns Σ (p[i] − mean)².
    @inlinable
    public static func demeanInto(_ p: UnsafePointer<Double>, mean: Double, sums: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var q = SIMD4<Double>(repeating: 0)
        let m = SIMD4<Double>(repeating: mean)
        var i = 0
        while i + 4 <= n {
            let d = SIMD4(p[i], p[i + 1], p[i + 2], p[i + 3]) - m
            q += d * d
            sums[i] += d[0]
            sums[i + 1] += d[1]
            sums[i + 2] += d[2]
            sums[i + 3] += d[3]
            i += 4
        }
        var squares = q.sum()
        while i < n {
            let d = p[i] - mean
            squares += d * d
            sums[i] += d
            i += 1
        }
        return squares
    }

    /// Σ rx², Σ rx·ry, Σ ry² with rx = x[i] − cx − ex[i], ry = y[i] − cy − ey[i].
    @inlinable
    public static func residualMoments(
        x: UnsafePointer<Double>, y: UnsafePointer<Double>, ex: UnsafePointer<Double>, ey: UnsafePointer<Double>,
        cx: Double, cy: Double, _ n: Int
    ) -> (xx: Double, xy: Double, yy: Double) {
        var (axx, axy, ayy) = (SIMD4<Double>(repeating: 0), SIMD4<Double>(repeating: 0), SIMD4<Double>(repeating: 0))
        let (vx, vy) = (SIMD4<Double>(repeating: cx), SIMD4<Double>(repeating: cy))
        var i = 0
        while i + 4 <= n {
            let rx = SIMD4(x[i], x[i + 1], x[i + 2], x[i + 3]) - vx - SIMD4(ex[i], ex[i + 1], ex[i + 2], ex[i + 3])
            let ry = SIMD4(y[i], y[i + 1], y[i + 2], y[i + 3]) - vy - SIMD4(ey[i], ey[i + 1], ey[i + 2], ey[i + 3])
            axx += rx * rx
            axy += rx * ry
            ayy += ry * ry
            i += 4
        }
        var (xx, xy, yy) = (axx.sum(), axy.sum(), ayy.sum())
        while i < n {
            let rx = x[i] - cx - ex[i]
            let ry = y[i] - cy - ey[i]
            xx += rx * rx
            xy += rx * ry
            yy += ry * ry
            i += 1
        }
        return (xx, xy, yy)
    }
}
