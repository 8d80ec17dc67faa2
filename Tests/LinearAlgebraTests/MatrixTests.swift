import Testing

@testable import LinearAlgebra

/// The BLAS/LAPACK wrappers against plain loops and algebraic identities.
@Suite("Matrix wrappers")
struct MatrixTests {
    func random(_ m: Int, _ n: Int, seed: UInt64) -> Matrix {
        var state = seed
        return Matrix(
            rows: m, columns: n,
            columnMajor: (0..<(m * n)).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(state >> 11) * 0x1.0p-53 - 0.5
            })
    }

    func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rowCount, columns: b.columnCount)
        for i in 0..<a.rowCount { for j in 0..<b.columnCount { for k in 0..<a.columnCount { c[i, j] += a[i, k] * b[k, j] } } }
        return c
    }

    func maxDifference(_ a: Matrix, _ b: Matrix) -> Double { zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0 }

    @Test func gemmGemvSyrk() {
        let a = random(7, 5, seed: 1)
        let b = random(5, 3, seed: 2)
        #expect(maxDifference(a.multiplied(by: b), naiveProduct(a, b)) < 1e-14)
        #expect(maxDifference(a.multiplied(by: a, transposingSelf: true), naiveProduct(a.transposed(), a)) < 1e-14)
        #expect(
            maxDifference(b.multiplied(by: a, transposingSelf: true, transposingOther: true), naiveProduct(b.transposed(), a.transposed()))
                < 1e-14)
        #expect(maxDifference(a.gram(), naiveProduct(a.transposed(), a)) < 1e-14)
        let x = [1.0, -2, 0.5, 3, 0.25]
        let y = a.multiplied(by: x)
        for i in 0..<7 { #expect(abs(y[i] - (0..<5).reduce(0) { $0 + a[i, $1] * x[$1] }) < 1e-14) }
        let z = a.multiplied(by: y, transposingSelf: true)
        #expect(z.count == 5)
    }

    @Test func choleskySolvesAndInverts() throws {
        let a = random(8, 4, seed: 3)
        let spd = a.gram()
        let u = try spd.choleskyUpper()
        #expect(maxDifference(u.multiplied(by: u, transposingSelf: true), spd) < 1e-14)
        let inverse = try spd.inversePositiveDefinite()
        #expect(maxDifference(spd.multiplied(by: inverse), Matrix.identity(4)) < 1e-12)
        let b = random(4, 2, seed: 4)
        let x = try spd.solvingPositiveDefinite(b)
        #expect(maxDifference(spd.multiplied(by: x), b) < 1e-13)
        let ui = try u.inverseUpperTriangular()
        #expect(maxDifference(u.multiplied(by: ui), Matrix.identity(4)) < 1e-13)
        let s = try u.solvingUpperTriangular(b)
        #expect(maxDifference(u.multiplied(by: s), b) < 1e-13)
        let st = try u.solvingUpperTriangular(b, transposed: true)
        #expect(maxDifference(u.multiplied(by: st, transposingSelf: true), b) < 1e-13)
    }

    @Test func typedErrorsInsteadOfNaN() {
        // Not positive definite: a typed error naming the routine and the minor.
        let indefinite = Matrix(rows: [[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", minor: 2)) { try indefinite.choleskyUpper() }
        let singular = Matrix(rows: [[1, 0], [0, 0]])
        #expect(throws: LinearAlgebraError.singular(routine: "dtrtri", index: 2)) { try singular.inverseUpperTriangular() }
        #expect(throws: LinearAlgebraError.self) { try PivotedQR(Matrix(rows: [[1, 2], [2, 4], [3, 6]])) }
        #expect(throws: LinearAlgebraError.tooFewObservations(observations: 1, parameters: 2)) { try PivotedQR(Matrix(rows: [[1, 2]])) }
        #expect(throws: LinearAlgebraError.nonFinite(what: "design column 1")) { try PivotedQR(Matrix(rows: [[.nan], [1]])) }
    }

    @Test func singularValuesAndRankRevealingQR() throws {
        let d = Matrix(rows: [[3, 0], [0, 4], [0, 0]])
        #expect(try d.singularValues() == [4, 3])
        // Column scales far apart do not make a full-rank design look deficient.
        let x = Matrix(columns: [[1, 1, 1, 1], [1e12, 2e12, 3e12, 5e12], [1e-12, -1e-12, 3e-12, 0]])
        let qr = try PivotedQR(x)
        let y = [1.0, 2, 3, 4.5]
        let beta = try qr.solve(y)
        let residual = zip(y, x.multiplied(by: beta)).map { $0 - $1 }
        // Least squares: residuals orthogonal to every column.
        for j in 0..<3 {
            let c = x.column(j)
            let dot = zip(c, residual).reduce(0) { $0 + $1.0 * $1.1 }
            let scale = c.map(abs).max()! * residual.map(abs).max()! * 4
            #expect(abs(dot) <= 1e-10 * scale)
        }
    }
}
