extension Matrix {
    /// op(self) · op(other) through BLAS `dgemm`.
    public func multiplied(
        by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false, scaledBy alpha: Double = 1
    ) -> Matrix {
        let m = transposingSelf ? columnCount : rowCount
        let k = transposingSelf ? rowCount : columnCount
        let k2 = transposingOther ? other.columnCount : other.rowCount
        let n = transposingOther ? other.rowCount : other.columnCount
        precondition(k == k2, "inner dimensions differ: \(k) and \(k2)")
        var c = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 { return c }
        if k == 0 { return c }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(
                        transposeA: transposingSelf, transposeB: transposingOther, m: m, n: n, k: k, alpha: alpha,
                        a: a.baseAddress!, lda: rowCount, b: b.baseAddress!, ldb: other.rowCount, beta: 0,
                        c: cp.baseAddress!, ldc: m)
                }
            }
        }
        return c
    }

    /// op(self) · x through BLAS `dgemv`.
    public func multiplied(by x: [Double], transposingSelf: Bool = false) -> [Double] {
        let outCount = transposingSelf ? columnCount : rowCount
        precondition(x.count == (transposingSelf ? rowCount : columnCount), "vector length does not match")
        var y = [Double](repeating: 0, count: outCount)
        if outCount == 0 || x.isEmpty { return y }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemv(
                        transpose: transposingSelf, m: rowCount, n: columnCount, alpha: 1, a: a.baseAddress!,
                        lda: rowCount, x: xp.baseAddress!, beta: 0, y: yp.baseAddress!)
                }
            }
        }
        return y
    }

    /// The Gram matrix self' · self (full, symmetric) through BLAS `dsyrk`.
    public func gram() -> Matrix {
        let n = columnCount
        var c = Matrix(rows: n, columns: n)
        if n == 0 || rowCount == 0 { return c }
        storage.withUnsafeBufferPointer { a in
            c.storage.withUnsafeMutableBufferPointer { cp in
                BLAS.syrkTransposed(
                    n: n, k: rowCount, alpha: 1, a: a.baseAddress!, lda: rowCount, beta: 0, c: cp.baseAddress!, ldc: n)
            }
        }
        c.symmetrizeFromUpper()
        return c
    }

    /// Copies the upper triangle into the lower one.
    public mutating func symmetrizeFromUpper() {
        precondition(rowCount == columnCount, "not square")
        let n = rowCount
        for j in 0..<n { for i in (j + 1)..<Swift.max(j + 1, n) { storage[i + j * n] = storage[j + i * n] } }
    }

    /// The Cholesky factor U (upper, zeros below) of a symmetric positive-definite matrix.
    /// Throws `.notPositiveDefinite`. The corresponding LAPACK routine is `dpotrf`.
    public func choleskyUpper() throws(LinearAlgebraError) -> Matrix {
        precondition(rowCount == columnCount, "not square")
        var u = self
        let n = rowCount
        try u.storage.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
            try LAPACK.potrfUpper(n: n, a: p.baseAddress!, lda: n)
        }
        for j in 0..<n { for i in (j + 1)..<Swift.max(j + 1, n) { u.storage[i + j * n] = 0 } }
        return u
    }

    /// Solves self · X = B for symmetric positive-definite self (Cholesky).
    /// The corresponding LAPACK routines are `dpotrf` and `dpotrs`.
    public func solvingPositiveDefinite(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(rowCount == columnCount && b.rowCount == rowCount, "shapes do not match")
        let u = try choleskyUpper()
        var x = b
        let n = rowCount
        if n == 0 || b.columnCount == 0 { return x }
        try u.storage.withUnsafeBufferPointer { (up) throws(LinearAlgebraError) in
            try x.storage.withUnsafeMutableBufferPointer { (xp) throws(LinearAlgebraError) in
                try LAPACK.potrsUpper(n: n, nrhs: b.columnCount, a: up.baseAddress!, lda: n, b: xp.baseAddress!, ldb: n)
            }
        }
        return x
    }

    /// The inverse of a symmetric positive-definite matrix through its Cholesky factor.
    /// The corresponding LAPACK routines are `dpotrf` and `dpotri`.
    public func inversePositiveDefinite() throws(LinearAlgebraError) -> Matrix {
        var u = try choleskyUpper()
        let n = rowCount
        try u.storage.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
            try LAPACK.potriUpper(n: n, a: p.baseAddress!, lda: n)
        }
        u.symmetrizeFromUpper()
        return u
    }

    /// Solves U · X = B (or U' · X = B) for upper-triangular self.
    /// The corresponding LAPACK routine is `dtrtrs`.
    public func solvingUpperTriangular(_ b: Matrix, transposed: Bool = false) throws(LinearAlgebraError) -> Matrix {
        precondition(rowCount == columnCount && b.rowCount == rowCount, "shapes do not match")
        var x = b
        let n = rowCount
        if n == 0 || b.columnCount == 0 { return x }
        try storage.withUnsafeBufferPointer { (up) throws(LinearAlgebraError) in
            try x.storage.withUnsafeMutableBufferPointer { (xp) throws(LinearAlgebraError) in
                try LAPACK.trtrsUpper(
                    transposed: transposed, n: n, nrhs: b.columnCount, a: up.baseAddress!, lda: n, b: xp.baseAddress!,
                    ldb: n)
            }
        }
        return x
    }

    /// The inverse of an upper-triangular matrix. The corresponding LAPACK routine is `dtrtri`.
    public func inverseUpperTriangular() throws(LinearAlgebraError) -> Matrix {
        precondition(rowCount == columnCount, "not square")
        var r = self
        let n = rowCount
        try r.storage.withUnsafeMutableBufferPointer { (p) throws(LinearAlgebraError) in
            try LAPACK.trtriUpper(n: n, a: p.baseAddress!, lda: n)
        }
        return r
    }

    /// Singular values, largest first. The corresponding LAPACK routine is `dgesdd`.
    public func singularValues() throws(LinearAlgebraError) -> [Double] {
        var a = storage
        let k = Swift.min(rowCount, columnCount)
        var s = [Double](repeating: 0, count: k)
        if k == 0 { return s }
        let (m, n) = (rowCount, columnCount)
        try a.withUnsafeMutableBufferPointer { (ap) throws(LinearAlgebraError) in
            try s.withUnsafeMutableBufferPointer { (sp) throws(LinearAlgebraError) in
                try LAPACK.singularValues(m: m, n: n, a: ap.baseAddress!, lda: m, s: sp.baseAddress!)
            }
        }
        return s
    }
}
