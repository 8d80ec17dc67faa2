import Dispatch

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
        let quantiles = (0...maxDF).map { df in df == 0 ? Double.nan : StudentT(degreesOfFreedom: Double(df)).quantile(0.5 + confidence / 2) }
        let distributions = (0...maxDF).map { StudentT(degreesOfFreedom: Double(Swift.max($0, 1))) }

        let chunk = Swift.max(1024, (s + 63) / 64)
        let chunks = (s + chunk - 1) / chunk
        values.withUnsafeBufferPointer { v in
            outcome.withUnsafeMutableBufferPointer { outc in
            count.withUnsafeMutableBufferPointer { cnt in
            slope.withUnsafeMutableBufferPointer { sl in
            intercept.withUnsafeMutableBufferPointer { ic in
            slopeStandardError.withUnsafeMutableBufferPointer { se in
            tValue.withUnsafeMutableBufferPointer { tv in
            pValue.withUnsafeMutableBufferPointer { pv in
            confidenceLower.withUnsafeMutableBufferPointer { lo in
            confidenceUpper.withUnsafeMutableBufferPointer { hi in
            rSquared.withUnsafeMutableBufferPointer { r2 in
                nonisolated(unsafe) let out = (outc, cnt, sl, ic, se, tv, pv, lo, hi, r2)
                nonisolated(unsafe) let input = v
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let (outc, cnt, sl, ic, se, tv, pv, lo, hi, r2) = out
                    let p = periods
                    for series in (c * chunk)..<Swift.min(s, (c + 1) * chunk) {
                        let base = series * p
                        // Pass 1: count, Σt, first present value (the shift), Σ(y − shift).
                        var n = 0
                        var sumT = 0.0
                        var shift = Double.nan
                        var sumY = 0.0
                        for t in 0..<p {
                            let y = input[base + t]
                            if y.isNaN { continue }
                            if n == 0 { shift = y }
                            n += 1
                            sumT += Double(t)
                            sumY += y - shift
                        }
                        cnt[series] = Int32(n)
                        if n < TrendLines.minimumCount { continue }
                        let dn = Double(n)
                        let tBar = sumT / dn
                        let yBar = sumY / dn
                        // Pass 2: centred sums.
                        var stt = 0.0, sty = 0.0, syy = 0.0
                        for t in 0..<p {
                            let y = input[base + t]
                            if y.isNaN { continue }
                            let dt = Double(t) - tBar
                            let dy = (y - shift) - yBar
                            stt += dt * dt
                            sty += dt * dy
                            syy += dy * dy
                        }
                        if syy == 0 {
                            outc[series] = .constant
                            sl[series] = 0
                            ic[series] = shift
                            se[series] = 0
                            lo[series] = 0
                            hi[series] = 0
                            continue
                        }
                        let b = sty / stt
                        // Pass 3: residuals, summed directly (no SSR = Syy − b·Sty cancellation).
                        var ssr = 0.0
                        for t in 0..<p {
                            let y = input[base + t]
                            if y.isNaN { continue }
                            let r = (y - shift) - yBar - b * (Double(t) - tBar)
                            ssr += r * r
                        }
                        let df = n - 2
                        let sError = (ssr / Double(df) / stt).squareRoot()
                        let tStat = b / sError
                        outc[series] = .fitted
                        sl[series] = b
                        ic[series] = (yBar + shift) - b * tBar
                        se[series] = sError
                        tv[series] = tStat
                        if computePValues { pv[series] = distributions[df].twoSidedPValue(tStat) }
                        let q = quantiles[df]
                        lo[series] = b - q * sError
                        hi[series] = b + q * sError
                        r2[series] = 1 - ssr / syy
                    }
                }
            }}}}}}}}}}
        }
    }
}
