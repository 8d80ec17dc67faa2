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
    /// Grid rows (teams, present or not).
    public let rows: Int
    /// Grid columns (periods of the window).
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

    /// Grid period of each sample cell, cell by cell (team-major, periods ascending).
    let cellPeriod: [Int32]
    /// Cells of grid row r are `rowStart[r] ..< rowStart[r + 1]`.
    let rowStart: [Int]
    /// The period effects' normal equations, factorised (nil with one team or a problem).
    let equations: PeriodEffectsSystem.Factorised?

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
            equations = nil
            problem = observationCount == 0 ? .tooFewObservations(observations: 0, parameters: 1) : nil
            return
        }
        periodCount = present.count

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
            equations = nil
            problem = .disconnectedEffects(groups: components)
            return
        }

        var system = PeriodEffectsSystem(periods: periods)
        cells.withUnsafeBufferPointer { cp in
            for r in 0..<rows where start[r + 1] > start[r] {
                system.addTeam(UnsafeBufferPointer(rebasing: cp[start[r]..<start[r + 1]]))
            }
        }
        equations = system.factorised()
        problem = equations == nil ? .disconnectedEffects(groups: 0) : nil
    }

    /// The sample's cells of some columns, with the effects projected out.
    ///
    /// Cell (team r, period t) of column j is `values[rowOffsets[r] + starts[j] + t]`; every
    /// sample cell must be finite. Returns the residuals as an N × columns matrix (cells in
    /// the grid's order) and each column's Euclidean norm before any transformation, which a
    /// rank test compares with what is left.
    public func residualise(_ values: [Double], rowOffsets: [Int], starts: [Int]) -> (residuals: Matrix, rawNorms: [Double]) {
        values.withUnsafeBufferPointer { residualise($0, rowOffsets: rowOffsets, starts: starts) }
    }

    /// `residualise` on values the caller holds: team by team through `TwoWaySweep`, which
    /// leaves the demeaned columns in the result and their period sums for the projection.
    func residualise(
        _ values: UnsafeBufferPointer<Double>, rowOffsets: [Int], starts: [Int]
    ) -> (residuals: Matrix, rawNorms: [Double]) {
        precondition(problem == nil, "effects not of full rank")
        precondition(rowOffsets.count == rows, "one offset per grid row")
        let n = observationCount
        let columns = starts.count
        // Every cell belongs to one row, so the sweep writes every element.
        let storage = [Double](unsafeUninitializedCapacity: n * columns) { _, count in count = n * columns }
        var z = Matrix(rows: n, columns: columns, columnMajor: storage)
        var sweep = TwoWaySweep(rows: rows, columns: columns, width: periods, collectsEquations: false)
        z.storage.withUnsafeMutableBufferPointer { zp in
            cellPeriod.withUnsafeBufferPointer { cp in
                starts.withUnsafeBufferPointer { st in
                    for r in 0..<rows where rowStart[r + 1] > rowStart[r] {
                        let (a, b) = (rowStart[r], rowStart[r + 1])
                        // A complete row is contiguous, so the loops vectorise.
                        sweep.add(
                            row: r, source: values.baseAddress! + rowOffsets[r], starts: st,
                            cells: b - a == periods ? nil : UnsafeBufferPointer(rebasing: cp[a..<b]),
                            buffer: zp.baseAddress! + a, stride: n, keep: true)
                    }
                }
            }
        }
        let raw = (0..<columns).map { sweep.rawSquares($0).squareRoot() }
        guard let equations, equations.size > 0 else { return (z, raw) }
        let left = projectOutPeriods(&z, periodSums: sweep.periodSums, equations: equations)
        // A column that was mostly period effects kept few digits in one pass; a second
        // projection of the residual restores them ("twice is enough").
        if (0..<columns).contains(where: { left[$0] * 1e6 < sweep.demeanedSquares($0) }) {
            _ = projectOutPeriods(&z, periodSums: nil, equations: equations)
        }
        return (z, raw)
    }

    /// z ← z − D̃ (D̃'D̃)⁻¹ D̃'z for team-demeaned columns z, given D̃'z (per-period sums of
    /// each column, `periods` per column) when the caller has them.
    /// Returns each column's sum of squares afterwards.
    @discardableResult
    func projectOutPeriods(_ z: inout Matrix, periodSums: ArraySlice<Double>?, equations: PeriodEffectsSystem.Factorised) -> [Double] {
        let n = observationCount
        let columns = z.columnCount
        var sums = periodSums ?? ArraySlice(repeating: 0, count: periods * columns)
        if periodSums == nil {
            z.storage.withUnsafeBufferPointer { zp in
                for j in 0..<columns {
                    let col = zp.baseAddress! + j * n
                    for c in 0..<n { sums[j * periods + Int(cellPeriod[c])] += col[c] }
                }
            }
        }
        let effects = equations.effects(fromPeriodSums: sums, columns: columns)
        var left = [Double](repeating: 0, count: columns)
        z.storage.withUnsafeMutableBufferPointer { zp in
            cellPeriod.withUnsafeBufferPointer { cp in
                rowStart.withUnsafeBufferPointer { rs in
                    effects.withUnsafeBufferPointer { ep in
                        for j in 0..<columns {
                            let e = ep.baseAddress! + j * periods
                            let completeMean = VectorKernels.sum(e, periods) / Double(periods)
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
                                ss += VectorKernels.sumOfSquares(out, count)
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
