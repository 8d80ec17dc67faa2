/// Σ rowsᵀ rows of many small blocks of rows, through BLAS `dsyrk` on a buffer of a few
/// thousand rows: a team's dozens of residual rows are too few for BLAS on their own, and
/// scalar dot products per team cost several times more.
struct GramAccumulator {
    let columns: Int
    let capacity: Int
    var buffer: [Double]
    var filled = 0
    var gram: [Double]

    init(columns: Int, blockRows: Int = 2048) {
        self.columns = columns
        capacity = blockRows
        buffer = [Double](repeating: 0, count: blockRows * columns)
        gram = [Double](repeating: 0, count: columns * columns)
    }

    /// Lets `fill` write `count` rows (≤ blockRows): element (i, j) at `base[i + j * leading]`.
    mutating func appendRows(_ count: Int, _ fill: (_ base: UnsafeMutablePointer<Double>, _ leading: Int) -> Void) {
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
    mutating func result() -> Matrix {
        flush()
        var m = Matrix(rows: columns, columns: columns, columnMajor: gram)
        m.symmetrizeFromUpper()
        return m
    }
}
