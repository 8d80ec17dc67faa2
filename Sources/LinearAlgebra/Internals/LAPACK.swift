import CLapack

// Every `cblas_*` and `LAPACKE_*` call of the project lives in this file, so the rest of the
// code never touches C types. Names inside follow the LAPACK manual (m, n, lda, info) so the
// calls read against it; each wrapper checks `info` through `check(_:_:)`.

/// Maps LAPACK's `info` to a typed error: negative is an illegal argument (our bug),
/// positive is a property of the data, interpreted per routine by `positive`.
@inline(__always)
func check(_ info: Int32, _ routine: String, positive: (Int) -> LinearAlgebraError) throws(LinearAlgebraError) {
    if info < 0 { throw .invalidArgument(routine: routine, argument: Int(-info)) }
    if info > 0 { throw positive(Int(info)) }
}

@inline(__always)
func int32(_ n: Int) -> Int32 {
    precondition(n >= 0 && n <= Int(Int32.max), "dimension \(n) exceeds LAPACK's 32-bit index")
    return Int32(n)
}

enum BLAS {
    /// C = alpha * op(A) * op(B) + beta * C. The corresponding BLAS routine is `dgemm`.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            int32(m), int32(n), int32(k), alpha, a, int32(Swift.max(lda, 1)), b, int32(Swift.max(ldb, 1)),
            beta, c, int32(Swift.max(ldc, 1)))
    }

    /// y = alpha * op(A) * x + beta * y. The corresponding BLAS routine is `dgemv`.
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(
            CblasColMajor, transpose ? CblasTrans : CblasNoTrans, int32(m), int32(n), alpha, a,
            int32(Swift.max(lda, 1)), x, 1, beta, y, 1)
    }

    /// C = alpha * A' A + beta * C, upper triangle. The corresponding BLAS routine is `dsyrk`.
    static func syrkTransposed(
        n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(
            CblasColMajor, CblasUpper, CblasTrans, int32(n), int32(k), alpha, a, int32(Swift.max(lda, 1)),
            beta, c, int32(Swift.max(ldc, 1)))
    }

    /// Number of threads OpenBLAS uses.
    static var threadCount: Int { Int(openblas_get_num_threads()) }
    static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

enum LAPACK {
    static let upper = CChar(UInt8(ascii: "U"))
    static let lower = CChar(UInt8(ascii: "L"))
    static let left = CChar(UInt8(ascii: "L"))
    static let transpose = CChar(UInt8(ascii: "T"))
    static let noTranspose = CChar(UInt8(ascii: "N"))
    static let nonUnit = CChar(UInt8(ascii: "N"))

    /// QR with column pivoting, A P = Q R. `jpvt` (1-based, 0 = free) in/out.
    /// The corresponding LAPACK routine is `dgeqp3`.
    static func geqp3(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, jpvt: UnsafeMutablePointer<Int32>,
        tau: UnsafeMutablePointer<Double>
    ) throws(LinearAlgebraError) {
        let info = LAPACKE_dgeqp3(LAPACK_COL_MAJOR, int32(m), int32(n), a, int32(Swift.max(lda, 1)), jpvt, tau)
        try check(info, "dgeqp3") { _ in .invalidArgument(routine: "dgeqp3", argument: 0) }
    }

    /// QR without pivoting, A = Q R. The corresponding LAPACK routine is `dgeqrf`.
    static func geqrf(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafeMutablePointer<Double>
    ) throws(LinearAlgebraError) {
        let info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, int32(m), int32(n), a, int32(Swift.max(lda, 1)), tau)
        try check(info, "dgeqrf") { _ in .invalidArgument(routine: "dgeqrf", argument: 0) }
    }

    /// C = Q' C with Q from `geqp3`/`geqrf` (k reflectors). The corresponding LAPACK routine is `dormqr`.
    static func ormqrTransposeLeft(
        m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, tau: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) throws(LinearAlgebraError) {
        let info = LAPACKE_dormqr(
            LAPACK_COL_MAJOR, left, transpose, int32(m), int32(n), int32(k), a, int32(Swift.max(lda, 1)), tau, c,
            int32(Swift.max(ldc, 1)))
        try check(info, "dormqr") { _ in .invalidArgument(routine: "dormqr", argument: 0) }
    }

    /// Solves op(R) X = B for upper-triangular R. The corresponding LAPACK routine is `dtrtrs`.
    static func trtrsUpper(
        transposed: Bool, n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) throws(LinearAlgebraError) {
        let info = LAPACKE_dtrtrs(
            LAPACK_COL_MAJOR, upper, transposed ? transpose : noTranspose, nonUnit, int32(n), int32(nrhs), a,
            int32(Swift.max(lda, 1)), b, int32(Swift.max(ldb, 1)))
        try check(info, "dtrtrs") { .singular(routine: "dtrtrs", index: $0) }
    }

    /// Cholesky factor A = U'U, upper triangle. The corresponding LAPACK routine is `dpotrf`.
    static func potrfUpper(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) throws(LinearAlgebraError) {
        let info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, upper, int32(n), a, int32(Swift.max(lda, 1)))
        try check(info, "dpotrf") { .notPositiveDefinite(routine: "dpotrf", minor: $0) }
    }

    /// Solves A X = B from the Cholesky factor U. The corresponding LAPACK routine is `dpotrs`.
    static func potrsUpper(
        n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>, ldb: Int
    ) throws(LinearAlgebraError) {
        let info = LAPACKE_dpotrs(
            LAPACK_COL_MAJOR, upper, int32(n), int32(nrhs), a, int32(Swift.max(lda, 1)), b, int32(Swift.max(ldb, 1)))
        try check(info, "dpotrs") { _ in .invalidArgument(routine: "dpotrs", argument: 0) }
    }

    /// (U'U)^-1 from U, upper triangle. The corresponding LAPACK routine is `dpotri`.
    static func potriUpper(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) throws(LinearAlgebraError) {
        let info = LAPACKE_dpotri(LAPACK_COL_MAJOR, upper, int32(n), a, int32(Swift.max(lda, 1)))
        try check(info, "dpotri") { .singular(routine: "dpotri", index: $0) }
    }

    /// Inverse of an upper-triangular matrix in place. The corresponding LAPACK routine is `dtrtri`.
    static func trtriUpper(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) throws(LinearAlgebraError) {
        let info = LAPACKE_dtrtri(LAPACK_COL_MAJOR, upper, nonUnit, int32(n), a, int32(Swift.max(lda, 1)))
        try check(info, "dtrtri") { .singular(routine: "dtrtri", index: $0) }
    }

    /// Singular values only (A is destroyed). The corresponding LAPACK routine is `dgesdd`.
    static func singularValues(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, s: UnsafeMutablePointer<Double>
    ) throws(LinearAlgebraError) {
        var u = 0.0
        var vt = 0.0
        let info = LAPACKE_dgesdd(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), int32(m), int32(n), a, int32(Swift.max(lda, 1)), s, &u,
            1, &vt, 1)
        try check(info, "dgesdd") { _ in .noConvergence(routine: "dgesdd") }
    }
}
