import Distributions

/// Straight-line fits y = a + b·t of many series at once, t = 0, 1, … the position in the
/// series (calendar periods from the dataset's first period), missing values (NaN) skipped
/// exactly: each series is fitted on its present points only, as statsmodels
/// `OLS(y, add_constant(t)).fit()` would on the rows it was given.
///
/// Layout: `values` is periods × series, column-major (periods fastest) — one series is one
/// contiguous run, which is how the panel stores it. The kernel reads every value once from
/// memory and does its three passes (sums, centred cross-products, residuals) while the series
/// sits in L1 cache; series are split across the cores. For a regressor shared by all series
/// the "matrix" form (a 2 × P projector times a P × S block) would be a BLAS gemm, but with
/// missing values each series has its own design, and a gemm would first need a masked,
/// shifted copy of the whole panel — twice the memory traffic for the same arithmetic.
/// Centring t and shifting y by the series' first present value keeps the sums exact for
/// levels such as 1e9 with small changes, where raw-moment formulas cancel catastrophically.
public struct TrendLines: Sendable {
    /// Fewer present values than this give no fit (METHODS.md: n ≥ 3).
    public static let minimumCount = 3

    public enum Outcome: UInt8, Sendable {
        /// Fewer than `minimumCount` present values: no row.
        case tooFew
        /// All present values equal: slope 0, intercept the value, slope_se 0, CI 0…0,
        /// t, p and R² undefined (NaN).
        case constant
        case fitted
    }

    public let periodCount: Int
    public let seriesCount: Int
    public var outcome: [Outcome]
    /// Present values per series.
    public var count: [Int32]
    public var slope: [Double]
    /// At t = 0.
    public var intercept: [Double]
    /// sqrt(σ̂² / Σ(t − t̄)²), σ̂² = SSR / (n − 2).
    public var slopeStandardError: [Double]
    public var tValue: [Double]
    /// Two-sided, Student t with n − 2 df.
    public var pValue: [Double]
    public var confidenceLower: [Double]
    public var confidenceUpper: [Double]
    /// 1 − SSR / Σ(y − ȳ)².
    public var rSquared: [Double]

    /// Fits every series. `values.count` must be `periods × series`.
    /// - Parameter confidence: level of the slope's confidence interval (default 0.95).
    public init(values: [Double], periods: Int, confidence: Double = 0.95, computePValues: Bool = true) {
        precondition(periods >= 0 && (periods == 0 ? values.isEmpty : values.count % periods == 0), "values are not periods × series")
        let s = periods == 0 ? 0 : values.count / periods
        periodCount = periods
        seriesCount = s
        outcome = [Outcome](repeating: .tooFew, count: s)
        count = [Int32](repeating: 0, count: s)
        let nan = Double.nan
        slope = [Double](repeating: nan, count: s)
        intercept = [Double](repeating: nan, count: s)
        slopeStandardError = [Double](repeating: nan, count: s)
        tValue = [Double](repeating: nan, count: s)
        pValue = [Double](repeating: nan, count: s)
        confidenceLower = [Double](repeating: nan, count: s)
        confidenceUpper = [Double](repeating: nan, count: s)
        rSquared = [Double](repeating: nan, count: s)
        if s == 0 { return }

        // Student t quantiles and distributions by residual df = n − 2, computed once.
        let maxDF = Swift.max(periods - 2, 1)
        let quantiles = (0...maxDF).map { df in df == 0 ? Double.nan : StudentT(degreesOfFreedom: Double(df)).quantile(0.5 + confidence / 2)
        }
        let distributions = (0...maxDF).map { StudentT(degreesOfFreedom: Double(Swift.max($0, 1))) }

        let tIndex = (0..<periods).map { Double($0) }
        // A fit takes a few hundred nanoseconds: the cores take the series in runs of 1,024,
        // a block of 32 runs at a time, whose rows are then copied into the columns (so the
        // rows in flight stay under 2.5 MB however many series there are).
        let run = 1024
        for start in stride(from: 0, to: s, by: 32 * run) {
            let rows = Parallel.map(Swift.min(32 * run, s - start), grain: run) { i in
                values.withUnsafeBufferPointer { v in
                    TrendLines.row(
                        v.baseAddress! + (start + i) * periods, periods, t: tIndex, confidence: (quantiles, distributions),
                        computePValues: computePValues)
                }
            }
            for (i, row) in rows.enumerated() {
                let series = start + i
                outcome[series] = row.outcome
                count[series] = row.count
                slope[series] = row.slope
                intercept[series] = row.intercept
                slopeStandardError[series] = row.slopeStandardError
                tValue[series] = row.tValue
                pValue[series] = row.pValue
                confidenceLower[series] = row.confidenceLower
                confidenceUpper[series] = row.confidenceUpper
                rSquared[series] = row.rSquared
            }
        }
    }

    /// One series' columns, NaN where METHODS.md leaves them empty.
    struct Row {
        var outcome = Outcome.tooFew
        var count: Int32 = 0
        var slope = Double.nan
        var intercept = Double.nan
        var slopeStandardError = Double.nan
        var tValue = Double.nan
        var pValue = Double.nan
        var confidenceLower = Double.nan
        var confidenceUpper = Double.nan
        var rSquared = Double.nan
    }

    /// The row of the series of `p` values at `values`; `confidence` holds the Student t
    /// quantiles and distributions by residual df.
    static func row(
        _ values: UnsafePointer<Double>, _ p: Int, t tIndex: [Double], confidence: (quantiles: [Double], distributions: [StudentT]),
        computePValues: Bool
    ) -> Row {
        var row = Row()
        // A series far from 1 in magnitude (1e-300, 1e300) is fitted scaled by a power
        // of two and scaled back: its squares would underflow or overflow.
        let down = PowerOfTwoScale.factor(for: PowerOfTwoScale.largestMagnitude(values, p))
        var fit: SeriesFit
        var up = 1.0
        if down == 1 {
            fit = TrendLines.fitSeries(values, p, t: tIndex)
        } else {
            up = 1 / down
            let scaled = (0..<p).map { values[$0] * down }
            fit = scaled.withUnsafeBufferPointer {
                TrendLines.fitSeries($0.baseAddress!, p, t: tIndex)
            }
            fit.shift *= up
            fit.slope *= up
            fit.intercept *= up
        }
        row.count = Int32(fit.count)
        if fit.count < TrendLines.minimumCount { return row }
        if fit.syy == 0 {
            row.outcome = .constant
            row.slope = 0
            row.intercept = fit.shift
            row.slopeStandardError = 0
            row.confidenceLower = 0
            row.confidenceUpper = 0
            return row
        }
        let df = fit.count - 2
        let sError = (fit.ssr / Double(df) / fit.stt).squareRoot() * up
        let tStat = fit.slope / sError
        row.outcome = .fitted
        row.slope = fit.slope
        row.intercept = fit.intercept
        row.slopeStandardError = sError
        row.tValue = tStat
        if computePValues { row.pValue = confidence.distributions[df].twoSidedPValue(tStat) }
        let q = confidence.quantiles[df]
        row.confidenceLower = fit.slope - q * sError
        row.confidenceUpper = fit.slope + q * sError
        row.rSquared = 1 - fit.ssr / fit.syy
        return row
    }

    struct SeriesFit {
        var count: Int
        var shift: Double
        var slope: Double
        var intercept: Double
        var stt: Double
        var syy: Double
        var ssr: Double
    }

    /// One series' fit on its present values, vectorised four periods at a time with missing
    /// values masked out. Pass 1: count, Σt and Σ(y − y₀) (y₀ the first present value, so a
    /// level of 1e9 does not swamp the changes); pass 2: the centred Σ(t − t̄)², Σ(t − t̄)(y − ȳ)
    /// and Σ(y − ȳ)². SSR = Syy − b·Sty, recomputed from the residuals when R² is within 1e-6
    /// of 1, where that difference would cancel. The series is a few cache lines, so both
    /// passes cost one read of memory.
    @inline(__always)
    static func fitSeries(_ y: UnsafePointer<Double>, _ p: Int, t tIndex: [Double]) -> SeriesFit {
        if let complete = completeSeries(y, p) { return complete }
        var first = 0
        while first < p && y[first].isNaN { first += 1 }
        var fit = SeriesFit(count: 0, shift: .nan, slope: .nan, intercept: .nan, stt: 0, syy: 0, ssr: 0)
        if first == p { return fit }
        let shift = y[first]
        fit.shift = shift
        let raw = UnsafeRawPointer(y)
        return tIndex.withUnsafeBufferPointer { tb in
            let traw = UnsafeRawPointer(tb.baseAddress!)
            let zero = SIMD4<Double>(repeating: 0)
            let one = SIMD4<Double>(repeating: 1)
            let shift4 = SIMD4<Double>(repeating: shift)
            var n4 = zero
            var st4 = zero
            var sy4 = zero
            var i = 0
            while i + 4 <= p {
                let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                let t = traw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                let missing = v .!= v
                n4 += one.replacing(with: 0, where: missing)
                st4 += t.replacing(with: 0, where: missing)
                sy4 += (v - shift4).replacing(with: 0, where: missing)
                i += 4
            }
            var n = n4.sum()
            var st = st4.sum()
            var sy = sy4.sum()
            while i < p {
                if !y[i].isNaN {
                    n += 1
                    st += Double(i)
                    sy += y[i] - shift
                }
                i += 1
            }
            fit.count = Int(n)
            if fit.count < TrendLines.minimumCount { return fit }
            let tBar = st / n
            let yBar = sy / n
            let tBar4 = SIMD4<Double>(repeating: tBar)
            let yBar4 = SIMD4<Double>(repeating: yBar)
            var stt4 = zero
            var sty4 = zero
            var syy4 = zero
            i = 0
            while i + 4 <= p {
                let v = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                let t = traw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                let missing = v .!= v
                let dt = (t - tBar4).replacing(with: 0, where: missing)
                let dy = ((v - shift4) - yBar4).replacing(with: 0, where: missing)
                stt4 += dt * dt
                sty4 += dt * dy
                syy4 += dy * dy
                i += 4
            }
            var stt = stt4.sum()
            var sty = sty4.sum()
            var syy = syy4.sum()
            while i < p {
                if !y[i].isNaN {
                    let dt = Double(i) - tBar
                    let dy = (y[i] - shift) - yBar
                    stt += dt * dt
                    sty += dt * dy
                    syy += dy * dy
                }
                i += 1
            }
            let b = sty / stt
            var ssr = Swift.max(syy - b * sty, 0)
            if ssr <= 1e-6 * syy {
                ssr = 0
                for k in 0..<p where !y[k].isNaN {
                    let r = (y[k] - shift) - yBar - b * (Double(k) - tBar)
                    ssr += r * r
                }
            }
            fit.slope = b
            fit.intercept = (yBar + shift) - b * tBar
            fit.stt = stt
            fit.syy = syy
            fit.ssr = ssr
            return fit
        }
    }

    /// The same fit for a series with no missing value (nil when it has one): no masks,
    /// t̄ = (p − 1)/2 and Σ(t − t̄)² = p(p² − 1)/12 in closed form.
    @inline(__always)
    static func completeSeries(_ y: UnsafePointer<Double>, _ p: Int) -> SeriesFit? {
        guard p >= TrendLines.minimumCount else { return nil }
        let shift = y[0]
        let shift4 = SIMD4<Double>(repeating: shift)
        let raw = UnsafeRawPointer(y)
        var acc = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= p {
            acc += raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) - shift4
            i += 4
        }
        var sum = acc.sum()
        while i < p {
            sum += y[i] - shift
            i += 1
        }
        guard !sum.isNaN else { return nil }
        let n = Double(p)
        let tBar = (n - 1) / 2
        let yBar = sum / n
        let yBar4 = SIMD4<Double>(repeating: yBar)
        var t4 = SIMD4<Double>(0, 1, 2, 3) - SIMD4<Double>(repeating: tBar)
        let four = SIMD4<Double>(repeating: 4)
        var sty4 = SIMD4<Double>(repeating: 0)
        var syy4 = SIMD4<Double>(repeating: 0)
        i = 0
        while i + 4 <= p {
            let dy = (raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) - shift4) - yBar4
            sty4 += t4 * dy
            syy4 += dy * dy
            t4 += four
            i += 4
        }
        var sty = sty4.sum()
        var syy = syy4.sum()
        while i < p {
            let dy = (y[i] - shift) - yBar
            sty += (Double(i) - tBar) * dy
            syy += dy * dy
            i += 1
        }
        let stt = n * (n * n - 1) / 12
        let b = sty / stt
        var ssr = Swift.max(syy - b * sty, 0)
        if ssr <= 1e-6 * syy {
            ssr = 0
            for k in 0..<p {
                let r = (y[k] - shift) - yBar - b * (Double(k) - tBar)
                ssr += r * r
            }
        }
        return SeriesFit(count: p, shift: shift, slope: b, intercept: (yBar + shift) - b * tBar, stt: stt, syy: syy, ssr: ssr)
    }
}
