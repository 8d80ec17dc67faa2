/// The one sweep of the two-way fixed-effects engine: team by team, each column is demeaned
/// within the team, its demeaned values are summed per period (D̃'v, the right-hand sides of
/// the period effects' normal equations), and the team's cells join those equations
/// (`PeriodEffectsSystem`). Every regression of the engine — a lag's correlation, a Granger
/// design, the stored residuals of `GridFixedEffects` — starts with it.
///
/// A team is added either as a contiguous run of the sample's periods (`cells == nil`: vector
/// loops, O(1) effects) or by its list of periods (gathered, then summed in period order).
/// Which one is the caller's choice, so the same values are always added in the same order.
/// Residuals that are kept (`keep`) are reduced by the vector kernels where they are stored,
/// complete or not: each path keeps the order of its sums from before the engine was one,
/// so every result keeps its last bit.
struct TwoWaySweep {
    /// Columns swept, periods of the sample's grid.
    let columns: Int
    let width: Int
    /// Whether teams join the period effects' normal equations (not when they are known).
    let collectsEquations: Bool
    var system: PeriodEffectsSystem
    /// One allocation for the sums of every team (a pair's 13 lags each have a sweep):
    /// per-period sums of each column demeaned within team (`columns` blocks of `width`, D̃'v),
    /// then each team's mean of each column (`rows × columns`), then per column Σ v² of the raw
    /// values and Σ (v − team mean)².
    var storage: [Double]
    let meansAt: Int
    let rawAt: Int
    let demeanedAt: Int

    init(rows: Int, columns: Int, width: Int, collectsEquations: Bool = true) {
        self.columns = columns
        self.width = width
        self.collectsEquations = collectsEquations
        system = PeriodEffectsSystem(periods: collectsEquations ? width : 0)
        meansAt = columns * width
        rawAt = meansAt + rows * columns
        demeanedAt = rawAt + columns
        storage = [Double](repeating: 0, count: demeanedAt + columns)
    }

    /// The per-period sums of the demeaned columns (`columns` blocks of `width`).
    var periodSums: ArraySlice<Double> { storage[0..<meansAt] }
    /// Row r's mean of column j.
    @inline(__always) func mean(row r: Int, column j: Int) -> Double { storage[meansAt + r * columns + j] }
    /// Column j's Σ v² before any effect is taken out.
    func rawSquares(_ j: Int) -> Double { storage[rawAt + j] }
    /// Column j's Σ (v − team mean)².
    func demeanedSquares(_ j: Int) -> Double { storage[demeanedAt + j] }

    /// Adds grid row `r`, whose column j has its value of grid period t at `source[starts[j] + t]`.
    ///
    /// - Parameters:
    ///   - cells: the row's periods in the sample, ascending; nil when it has all `width`.
    ///   - buffer: room for `columns` runs of the row's cells, `stride` apart. A row given by
    ///     its cells is gathered there; with `keep`, every row is copied there and left
    ///     demeaned (the stored residuals of `GridFixedEffects`).
    @inline(__always)
    mutating func add(
        row r: Int, source: UnsafePointer<Double>, starts: UnsafeBufferPointer<Int>, cells: UnsafeBufferPointer<Int32>?,
        buffer: UnsafeMutablePointer<Double>, stride: Int, keep: Bool = false
    ) {
        let c = columns
        let n = cells?.count ?? width
        if n == 0 { return }
        let count = Double(n)
        let (meansAt, rawAt, demeanedAt) = (self.meansAt, self.rawAt, self.demeanedAt)
        storage.withUnsafeMutableBufferPointer { sp in
            let base = sp.baseAddress!
            for j in 0..<c {
                let src = source + starts[j]
                let sums = base + j * width
                let col = buffer + j * stride
                if keep {
                    // Stored: the row is copied (gathered) first, then reduced where it lies.
                    if let cells {
                        for i in 0..<n { col[i] = src[Int(cells[i])] }
                    } else {
                        col.update(from: src, count: n)
                    }
                    let (sum, ss) = VectorKernels.sumAndSquares(col, n)
                    let mean = sum / count
                    VectorKernels.subtract(mean, from: col, n)
                    base[meansAt + r * c + j] = mean
                    base[rawAt + j] += ss
                    base[demeanedAt + j] += VectorKernels.sumOfSquares(col, n)
                    if let cells {
                        for i in 0..<n { sums[Int(cells[i])] += col[i] }
                    } else {
                        for i in 0..<n { sums[i] += col[i] }
                    }
                    continue
                }
                guard let cells else {
                    // Contiguous: vector loops.
                    let (sum, ss) = VectorKernels.sumAndSquares(src, n)
                    let mean = sum / count
                    base[meansAt + r * c + j] = mean
                    base[rawAt + j] += ss
                    base[demeanedAt + j] += VectorKernels.demeanInto(src, mean: mean, sums: sums, n)
                    continue
                }
                var (sum, ss) = (0.0, 0.0)
                for i in 0..<n {
                    let value = src[Int(cells[i])]
                    col[i] = value
                    sum += value
                    ss += value * value
                }
                let mean = sum / count
                base[meansAt + r * c + j] = mean
                base[rawAt + j] += ss
                var ds = 0.0
                for i in 0..<n {
                    let d = col[i] - mean
                    ds += d * d
                    sums[Int(cells[i])] += d
                }
                base[demeanedAt + j] += ds
            }
        }
        guard collectsEquations else { return }
        if let cells { system.addTeam(cells) } else { system.addCompleteTeam() }
    }

    /// The period effects of each column (`columns` blocks of `width`, 0 for the reference
    /// and absent periods), all 0 when the sample has one team or one period. Nil when they
    /// cannot come from the equations gathered: no team is complete (connectivity must then
    /// be checked on the cells) or the equations are not numerically positive definite; the
    /// caller then takes `GridFixedEffects`.
    func periodEffects() -> [Double]? {
        guard system.teamCount > 1 && system.periodCount > 1 else { return [Double](repeating: 0, count: columns * width) }
        guard system.hasCompleteTeam, let solved = system.factorised() else { return nil }
        return solved.effects(fromPeriodSums: periodSums, columns: columns)
    }

    /// The mean of period effects `e` over a row's cells (all `width` when nil): Σ, then ÷ n.
    @inline(__always)
    static func meanEffect(_ e: UnsafePointer<Double>, cells: UnsafeBufferPointer<Int32>?, width: Int) -> Double {
        guard let cells else { return VectorKernels.sum(e, width) / Double(width) }
        var sum = 0.0
        for t in cells { sum += e[Int(t)] }
        return sum / Double(cells.count)
    }

    /// Row r's residuals from the team and period effects, column j to `out + j * stride`:
    /// v − (team mean − mean effect) − effect, cell by cell.
    @inline(__always)
    func residuals(
        row r: Int, source: UnsafePointer<Double>, starts: UnsafeBufferPointer<Int>, cells: UnsafeBufferPointer<Int32>?,
        effects e: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, stride: Int
    ) {
        for j in 0..<columns {
            let src = source + starts[j]
            let col = out + j * stride
            let ej = e + j * width
            let shift = mean(row: r, column: j) - Self.meanEffect(ej, cells: cells, width: width)
            if let cells {
                for i in 0..<cells.count {
                    let t = Int(cells[i])
                    col[i] = src[t] - shift - ej[t]
                }
            } else {
                for t in 0..<width { col[t] = src[t] - shift - ej[t] }
            }
        }
    }
}
