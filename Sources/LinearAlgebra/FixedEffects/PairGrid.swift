/// One pair's two series on a teams × periods grid, the lead-lag regressions' data: every
/// regression of the pair (y[i,t+k] ~ x[i,t] for each lag k, the Granger designs) is a
/// regression on a mask of this grid with team and period effects, computed by the engine's
/// one sweep (`TwoWaySweep`) and, where that would lose digits or the effects' rank must be
/// checked on the cells, by `GridFixedEffects`.
///
/// The values are held team by team in one contiguous block ([team][leader, lagger][period]):
/// a panel keeps a team's measures together, so a series read straight from it jumps a page
/// per team, and every regression of the pair (13 lags, 3 Granger designs) sweeps the series
/// again.
public struct PairGrid: Sendable {
    /// Slot of the leader and the lagger in each team's block.
    public static let leader = 0, lagger = 1
    let values: [Double]
    /// Offset of each grid row's block in `values`.
    let rowOffsets: [Int]
    /// Grid rows (teams).
    public let rows: Int
    /// Grid columns (periods).
    public let periods: Int

    /// - Parameter values: `rows` blocks of the leader's `periods` values then the lagger's
    ///   (NaN: missing). A series far from 1 in magnitude (1e-300, 1e300) is scaled by an
    ///   exact power of two, so its squares stay representable: r, t, F and p do not change
    ///   when x or y is scaled.
    public init(rows: Int, periods p: Int, values: [Double]) {
        precondition(values.count == rows * 2 * p, "two series of every row expected")
        self.rows = rows
        periods = p
        rowOffsets = (0..<rows).map { $0 * 2 * p }
        var scaled = values
        for slot in [PairGrid.leader, PairGrid.lagger] {
            var m = 0.0
            for r in 0..<rows {
                for i in 0..<p where Swift.abs(scaled[r * 2 * p + slot * p + i]) > m { m = Swift.abs(scaled[r * 2 * p + slot * p + i]) }
            }
            let k = PowerOfTwoScale.factor(for: m)
            if k == 1 { continue }
            for r in 0..<rows {
                for i in 0..<p { scaled[r * 2 * p + slot * p + i] *= k }
            }
        }
        self.values = scaled
    }

    /// Rows whose leader and lagger are both present in every period.
    var isComplete: [Bool] {
        values.withUnsafeBufferPointer { v in
            (0..<rows).map { r in
                let block = v.baseAddress! + rowOffsets[r]
                for i in 0..<(2 * periods) where block[i].isNaN { return false }
                return true
            }
        }
    }

    /// Start of slot m's series shifted by `shift` periods, relative to a row's block: the
    /// column of a design that is series m lagged so that grid period t reads period t + shift.
    public func start(_ m: Int, shift: Int) -> Int { m * periods + shift }
}

/// One lag of a pair: y[i,t+k] ~ x[i,t] + team + period effects (period of the dependent value).
public struct LagRegression: Sendable, Equatable {
    /// k: y is taken k periods after x.
    public let lag: Int
    /// Observations in the lag's sample.
    public let n: Int
    /// Periods of the dependent value in the sample.
    public let periods: Int
    /// Residual degrees of freedom (observations − team and period effects − 1).
    public let df: Int
    /// t of x's coefficient; nil when undefined.
    public let t: Double?
    /// Why t is undefined (too few observations, rank-deficient), nil when it is defined.
    public let reason: String?

    init(lag: Int, n: Int = 0, periods: Int = 0, df: Int = 0, t: Double? = nil, reason: String? = nil) {
        self.lag = lag
        self.n = n
        self.periods = periods
        self.df = df
        self.t = t
        self.reason = reason
    }

    func failing(_ reason: String) -> LagRegression { LagRegression(lag: lag, n: n, periods: periods, df: df, reason: reason) }

    func with(t: Double) -> LagRegression { LagRegression(lag: lag, n: n, periods: periods, df: df, t: t) }
}

/// Second moments of two residualised columns (`PairGrid.lagRegressions`).
struct PairMoments {
    /// Σ x̃², Σ x̃ỹ, Σ ỹ² of the residuals.
    var xx = 0.0, xy = 0.0, yy = 0.0
}

extension PairGrid {
    /// Every lag 0…K of y[i,t+k] ~ x[i,t] + team + period effects, in two passes over the pair:
    /// the first is the engine's sweep of each lag's sample (team means, period sums, the
    /// period effects' normal equations), team by team and lag by lag; the second, after one
    /// small solve per lag, the residuals' moments. Lags whose sample has no complete team
    /// (connectivity must then be checked) or whose moments lost digits go through
    /// `lagRegression`, which keeps the residuals.
    public func lagRegressions(x: Int, y: Int, maxLag: Int) -> [LagRegression] {
        let lags = (0...maxLag).filter { $0 < periods }
        var sweeps = lags.map { TwoWaySweep(rows: rows, columns: 2, width: periods - $0) }
        // Lag l's columns x[t], y[t + k] start at starts[2l], starts[2l + 1] of a row's block.
        var starts = [Int](repeating: start(x, shift: 0), count: 2 * lags.count)
        for (l, k) in lags.enumerated() { starts[2 * l + 1] = start(y, shift: k) }
        var cells = [Int32](repeating: 0, count: periods)
        var scratch = [Double](repeating: 0, count: 2 * periods)
        // Teams with both series complete: every lag's sample is a contiguous run, so their
        // sums are vector loops and their period effects O(1) (most teams, most of the time).
        let complete = isComplete
        values.withUnsafeBufferPointer { v in
            cells.withUnsafeMutableBufferPointer { cb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    for r in 0..<rows {
                        let block = v.baseAddress! + rowOffsets[r]
                        for (l, k) in lags.enumerated() {
                            let n = complete[r] ? 0 : jointCells(r, x: x, y: y, lag: k, values: v.baseAddress!, into: cb.baseAddress!)
                            starts.withUnsafeBufferPointer { all in
                                let st = UnsafeBufferPointer(rebasing: all[(2 * l)..<(2 * l + 2)])
                                sweeps[l].add(
                                    row: r, source: block, starts: st, cells: complete[r] ? nil : UnsafeBufferPointer(rebasing: cb[0..<n]),
                                    buffer: sb.baseAddress!, stride: periods)
                            }
                        }
                    }
                }
            }
        }
        // Per lag: its verdict so far, and the period effects of x then y when projected.
        var result = lags.map { LagRegression(lag: $0) }
        var effects = [[Double]?](repeating: nil, count: lags.count)
        for (l, k) in lags.enumerated() {
            let system = sweeps[l].system
            let g = system.teamCount
            let df = system.observationCount - (g > 1 ? g + system.periodCount - 1 : 1) - 1
            result[l] = LagRegression(lag: k, n: system.observationCount, periods: system.periodCount, df: df)
            if df < 1 {
                result[l] = result[l].failing("too few observations (\(system.observationCount))")
                continue
            }
            effects[l] = sweeps[l].periodEffects()
            if effects[l] == nil { result[l] = lagRegression(x: x, y: y, lag: k) }
        }
        let completeMeans = lags.indices.map { l -> (x: Double, y: Double) in
            guard let e = effects[l] else { return (0, 0) }
            let width = periods - lags[l]
            return e.withUnsafeBufferPointer {
                (
                    TwoWaySweep.meanEffect($0.baseAddress!, cells: nil, width: width),
                    TwoWaySweep.meanEffect($0.baseAddress! + width, cells: nil, width: width)
                )
            }
        }
        var moments = [PairMoments](repeating: PairMoments(), count: lags.count)
        values.withUnsafeBufferPointer { v in
            cells.withUnsafeMutableBufferPointer { cb in
                for r in 0..<rows {
                    let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                    let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: 0)
                    for (l, k) in lags.enumerated() {
                        guard let e = effects[l] else { continue }
                        let width = periods - k
                        let sweep = sweeps[l]
                        let found = complete[r] ? width : jointCells(r, x: x, y: y, lag: k, values: v.baseAddress!, into: cb.baseAddress!)
                        if found == 0 { continue }
                        let cells = complete[r] ? nil : UnsafeBufferPointer(rebasing: cb[0..<found])
                        e.withUnsafeBufferPointer { ep in
                            let (ex, ey) = (ep.baseAddress!, ep.baseAddress! + width)
                            // A complete row's mean effect is the lag's, computed once.
                            let cx =
                                sweep.mean(row: r, column: 0)
                                - (cells == nil ? completeMeans[l].x : TwoWaySweep.meanEffect(ex, cells: cells, width: width))
                            let cy =
                                sweep.mean(row: r, column: 1)
                                - (cells == nil ? completeMeans[l].y : TwoWaySweep.meanEffect(ey, cells: cells, width: width))
                            let m: (xx: Double, xy: Double, yy: Double)
                            if let cells {
                                var (xx, xy, yy) = (0.0, 0.0, 0.0)
                                for c in cells {
                                    let t = Int(c)
                                    let rx = xs[t] - cx - ex[t]
                                    let ry = ys[t + k] - cy - ey[t]
                                    xx += rx * rx
                                    xy += rx * ry
                                    yy += ry * ry
                                }
                                m = (xx, xy, yy)
                            } else {
                                m = VectorKernels.residualMoments(x: xs, y: ys + k, ex: ex, ey: ey, cx: cx, cy: cy, width)
                            }
                            moments[l].xx += m.xx
                            moments[l].xy += m.xy
                            moments[l].yy += m.yy
                        }
                    }
                }
            }
        }
        for (l, k) in lags.enumerated() where effects[l] != nil {
            result[l] =
                finish(result[l], moments[l], sweep: sweeps[l]) ?? lagRegression(x: x, y: y, lag: k)
        }
        for k in lags.count..<(maxLag + 1) {
            result.append(LagRegression(lag: k, reason: "too few observations (0)"))
        }
        return result
    }

    /// Periods t of row r's lag-k sample (x at t and y at t + k present), into `cells`;
    /// returns their number.
    @inline(__always)
    func jointCells(_ r: Int, x: Int, y: Int, lag k: Int, values v: UnsafePointer<Double>, into cells: UnsafeMutablePointer<Int32>) -> Int {
        let xs = v + rowOffsets[r] + start(x, shift: 0)
        let ys = v + rowOffsets[r] + start(y, shift: k)
        var n = 0
        for t in 0..<(periods - k) where !xs[t].isNaN && !ys[t].isNaN {
            cells[n] = Int32(truncatingIfNeeded: t)
            n += 1
        }
        return n
    }

    /// t from residual moments; nil when digits were lost — the effects took almost all of a
    /// column, or the fit is almost perfect — and the residuals themselves are needed.
    func finish(_ row: LagRegression, _ m: PairMoments, sweep: TwoWaySweep) -> LagRegression? {
        if m.xx.squareRoot() <= PivotedQR.defaultRankTolerance * sweep.rawSquares(0).squareRoot() || m.xx == 0 {
            return row.failing("rank-deficient (x constant within the fixed effects)")
        }
        let ssr = m.yy - m.xy * m.xy / m.xx
        guard m.xx * 1e6 >= sweep.demeanedSquares(0) && m.yy * 1e6 >= sweep.demeanedSquares(1) && ssr > 1e-6 * m.yy else { return nil }
        return row.with(t: m.xy * Double(row.df).squareRoot() / (m.xx * ssr).squareRoot())
    }

    /// y[i,t+k] ~ x[i,t] + team + period effects through the stored residuals
    /// (`GridFixedEffects`, `NestedRegressions`): the fallback of `lagRegressions`.
    func lagRegression(x: Int, y: Int, lag k: Int) -> LagRegression {
        guard k < periods else { return LagRegression(lag: k, reason: "too few observations (0)") }
        let width = periods - k
        let mask = [Bool](unsafeUninitializedCapacity: rows * width) { m, count in
            values.withUnsafeBufferPointer { v in
                for r in 0..<rows {
                    let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                    let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: k)
                    let out = m.baseAddress! + r * width
                    for t in 0..<width { out[t] = !xs[t].isNaN && !ys[t].isNaN }
                }
            }
            count = rows * width
        }
        let effects = GridFixedEffects(mask: mask, rows: rows, periods: width)
        let df = effects.observationCount - effects.absorbedParameters - 1
        let row = LagRegression(lag: k, n: effects.observationCount, periods: effects.periodCount, df: df)
        if df < 1 { return row.failing("too few observations (\(row.n))") }
        if effects.problem != nil { return row.failing("rank-deficient (the teams share too few periods for period effects)") }
        let (z, raw) = values.withUnsafeBufferPointer {
            effects.residualise($0, rowOffsets: rowOffsets, starts: [start(x, shift: 0), start(y, shift: k)])
        }
        let fit = NestedRegressions(z, rawNorms: raw)
        guard fit.factor != nil else { return row.failing("rank-deficient (x constant within the fixed effects)") }
        let t = fit.tValue(ofLastOf: 1, residualDegreesOfFreedom: Double(df))
        guard t.isFinite else { return row.failing("no residual variation") }
        return row.with(t: t)
    }
}

/// For every cell of a `PairGrid`, how many consecutive periods up to and including it have
/// both series: the rows complete for a Granger design of order q are those with a run ≥ q
/// before the response's period.
public struct JointRuns: Sendable {
    let runs: [Int32]
}

/// A regression of the last column on the others with team and period effects.
public enum DesignFit: Sendable {
    case fitted(NestedRegressions)
    /// The team and period effects are not of full rank on this sample.
    case effectsNotOfFullRank
}

extension PairGrid {
    /// The runs of joint presence of series x and y.
    public func jointRuns(_ x: Int, _ y: Int) -> JointRuns {
        let runs = [Int32](unsafeUninitializedCapacity: rows * periods) { runs, count in
            values.withUnsafeBufferPointer { v in
                for r in 0..<rows {
                    let xs = v.baseAddress! + rowOffsets[r] + start(x, shift: 0)
                    let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: 0)
                    let out = runs.baseAddress! + r * periods
                    var run: Int32 = 0
                    for t in 0..<periods {
                        run = xs[t].isNaN || ys[t].isNaN ? 0 : run + 1
                        out[t] = run
                    }
                }
            }
            count = rows * periods
        }
        return JointRuns(runs: runs)
    }

    /// Effects on the rows complete for order q: y[i,t] present and x, y present at t−1…t−q.
    /// Grid column t is period t + q.
    func grangerEffects(response y: Int, runs: JointRuns, q: Int) -> GridFixedEffects? {
        guard q < periods else { return nil }
        let width = periods - q
        let mask = [Bool](unsafeUninitializedCapacity: rows * width) { m, count in
            values.withUnsafeBufferPointer { v in
                runs.runs.withUnsafeBufferPointer { rp in
                    for r in 0..<rows {
                        let ys = v.baseAddress! + rowOffsets[r] + start(y, shift: q)
                        let run = rp.baseAddress! + r * periods + q - 1
                        let out = m.baseAddress! + r * width
                        for t in 0..<width { out[t] = run[t] >= q && !ys[t].isNaN }
                    }
                }
            }
            count = rows * width
        }
        return GridFixedEffects(mask: mask, rows: rows, periods: width)
    }

    /// Rows complete for order q: y[i,t] present and x, y present at t−1…t−q (grid column t
    /// is period t + q). Writes the team's grid columns into `cells`, returns their number.
    @inline(__always)
    func completeRows(
        _ r: Int, response y: Int, runs: UnsafePointer<Int32>, q: Int, values v: UnsafePointer<Double>,
        into cells: UnsafeMutablePointer<Int32>
    ) -> Int {
        let width = periods - q
        let ys = v + rowOffsets[r] + start(y, shift: q)
        let run = runs + r * periods + q - 1
        var n = 0
        for t in 0..<width where run[t] >= q && !ys[t].isNaN {
            cells[n] = Int32(truncatingIfNeeded: t)
            n += 1
        }
        return n
    }

    /// Calls `body` with each row that has cells complete for order q, its cells (nil when it
    /// has every period of the window: contiguous) and its block of values.
    func forEachCompleteRow(
        response y: Int, runs: JointRuns, q: Int,
        _ body: (_ r: Int, _ cells: UnsafeBufferPointer<Int32>?, _ block: UnsafePointer<Double>) -> Void
    ) {
        let width = periods - q
        var cells = [Int32](repeating: 0, count: periods)
        values.withUnsafeBufferPointer { v in
            runs.runs.withUnsafeBufferPointer { rp in
                cells.withUnsafeMutableBufferPointer { cb in
                    for r in 0..<rows {
                        let n = completeRows(r, response: y, runs: rp.baseAddress!, q: q, values: v.baseAddress!, into: cb.baseAddress!)
                        if n == 0 { continue }
                        body(r, n == width ? nil : UnsafeBufferPointer(rebasing: cb[0..<n]), v.baseAddress! + rowOffsets[r])
                    }
                }
            }
        }
    }

    /// Observations and parameters absorbed by the effects on the rows complete for q.
    public func sampleCounts(response y: Int, runs: JointRuns, q: Int) -> (n: Int, absorbed: Int) {
        guard q < periods else { return (0, 1) }
        let width = periods - q
        var perPeriod = [Bool](repeating: false, count: width)
        var (n, g) = (0, 0)
        forEachCompleteRow(response: y, runs: runs, q: q) { _, cells, _ in
            n += cells?.count ?? width
            g += 1
            if let cells {
                for t in cells { perPeriod[Int(t)] = true }
            } else {
                for t in 0..<width { perPeriod[t] = true }
            }
        }
        let present = perPeriod.count { $0 }
        return (n, g > 1 ? g + present - 1 : 1)
    }

    /// The regression of the last column on the others, with team and period effects, over
    /// the rows complete for q; columns are `starts` into each row's block (`start(_:shift:)`).
    /// Two passes: the engine's sweep (team means, period sums, the effects' normal
    /// equations), then the residuals' Gram matrix accumulated team by team in a small buffer
    /// — the N × c residual matrix is never stored. Samples where that would lose digits (see
    /// `NestedRegressions.fromGram`) or whose connectivity must be checked (no complete team)
    /// take `GridFixedEffects`.
    public func designFit(response y: Int, runs: JointRuns, q: Int, starts: [Int]) -> DesignFit {
        let c = starts.count
        var sweep = TwoWaySweep(rows: rows, columns: c, width: periods - q)
        var local = [Double](repeating: 0, count: c * periods)
        local.withUnsafeMutableBufferPointer { lb in
            starts.withUnsafeBufferPointer { st in
                // A row with every period of the window: contiguous, vector loops, O(1) effects.
                forEachCompleteRow(response: y, runs: runs, q: q) { r, cells, block in
                    sweep.add(row: r, source: block, starts: st, cells: cells, buffer: lb.baseAddress!, stride: periods)
                }
            }
        }
        guard let effect = sweep.periodEffects() else { return materialisedFit(response: y, runs: runs, q: q, starts: starts) }
        var accumulator = GramAccumulator(columns: c, blockRows: Swift.max(2048, periods))
        effect.withUnsafeBufferPointer { e in
            starts.withUnsafeBufferPointer { st in
                forEachCompleteRow(response: y, runs: runs, q: q) { r, cells, block in
                    accumulator.appendRows(cells?.count ?? sweep.width) { base, leading in
                        sweep.residuals(
                            row: r, source: block, starts: st, cells: cells, effects: e.baseAddress!, into: base, stride: leading)
                    }
                }
            }
        }
        let gram = accumulator.result()
        if let fit = NestedRegressions.fromGram(
            gram, rawNorms: (0..<c).map { sweep.rawSquares($0).squareRoot() }, demeanedSquares: (0..<c).map(sweep.demeanedSquares),
            observationCount: sweep.system.observationCount)
        {
            return .fitted(fit)
        }
        return materialisedFit(response: y, runs: runs, q: q, starts: starts)
    }

    /// `designFit` through the stored residuals (Householder QR where needed).
    func materialisedFit(response y: Int, runs: JointRuns, q: Int, starts: [Int]) -> DesignFit {
        guard let effects = grangerEffects(response: y, runs: runs, q: q), effects.problem == nil else { return .effectsNotOfFullRank }
        let (z, raw) = values.withUnsafeBufferPointer { effects.residualise($0, rowOffsets: rowOffsets, starts: starts) }
        return .fitted(NestedRegressions(z, rawNorms: raw))
    }
}
