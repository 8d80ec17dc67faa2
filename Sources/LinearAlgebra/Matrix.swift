/// A dense matrix of `Double` in column-major order (LAPACK's), with an explicit shape.
///
/// Element (i, j) lives at `storage[i + j * rowCount]`: a column is contiguous, so a block of
/// series laid out one per column is a matrix BLAS can take without copying. `Array` storage
/// gives value semantics with copy-on-write.
public struct Matrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// Column-major elements; `storage.count == rowCount * columnCount`.
    public var storage: [Double]

    /// A matrix filled with `repeatedValue`.
    public init(rows: Int, columns: Int, repeatedValue: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        rowCount = rows
        columnCount = columns
        storage = Array(repeating: repeatedValue, count: rows * columns)
    }

    /// A matrix over existing column-major elements.
    public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
        precondition(rows >= 0 && columns >= 0 && storage.count == rows * columns, "storage does not match the shape")
        rowCount = rows
        columnCount = columns
        self.storage = storage
    }

    /// A matrix from rows (convenient in tests and for small designs).
    public init(rows: [[Double]]) {
        let m = rows.count
        let n = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == n }, "ragged rows")
        var s = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { s[i + j * m] = rows[i][j] } }
        self.init(rows: m, columns: n, columnMajor: s)
    }

    /// A matrix whose columns are the given vectors.
    public init(columns: [[Double]]) {
        let n = columns.count
        let m = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == m }, "ragged columns")
        self.init(rows: m, columns: n, columnMajor: Array(columns.joined()))
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i + i * n] = 1 }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "index out of range")
            return storage[row + column * rowCount]
        }
        set {
            precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "index out of range")
            storage[row + column * rowCount] = newValue
        }
    }

    /// Column `j` as a new array.
    public func column(_ j: Int) -> [Double] {
        Array(storage[(j * rowCount)..<((j + 1) * rowCount)])
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Double] {
        (0..<columnCount).map { storage[i + $0 * rowCount] }
    }

    /// The diagonal of a square (or rectangular) matrix.
    public var diagonal: [Double] {
        (0..<Swift.min(rowCount, columnCount)).map { storage[$0 + $0 * rowCount] }
    }

    public func transposed() -> Matrix {
        var t = Matrix(rows: columnCount, columns: rowCount)
        for j in 0..<columnCount {
            for i in 0..<rowCount { t.storage[j + i * columnCount] = storage[i + j * rowCount] }
        }
        return t
    }

    /// Rows as arrays (for printing and tests).
    public var rows: [[Double]] { (0..<rowCount).map(row) }
}
