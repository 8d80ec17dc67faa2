/// The fixed-effects engine's loops over contiguous doubles. The reductions keep four
/// accumulators (the compiler may not reassociate floating-point sums, so a single
/// accumulator would be one dependent add per element); every caller of a sum or a sum of
/// squares goes through these, so the same values are added in the same order whichever path
/// a regression takes.
enum VectorKernels {
    /// Σ p[i].
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

    /// Σ p[i]².
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

    /// Σ p[i] and Σ p[i]², each as `sum` and `sumOfSquares` add them.
    @inline(__always)
    static func sumAndSquares(_ p: UnsafePointer<Double>, _ n: Int) -> (sum: Double, squares: Double) {
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
    @inline(__always)
    static func demeanInto(_ p: UnsafePointer<Double>, mean: Double, sums: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
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
    @inline(__always)
    static func residualMoments(
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

    @inline(__always)
    static func subtract(_ m: Double, from p: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { p[i] -= m }
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
