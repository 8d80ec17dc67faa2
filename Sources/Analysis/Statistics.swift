import Distributions
import LinearAlgebra

/// Small-sample statistics used by the analyses, each matching the reference named.
public enum Statistics {
    /// Arithmetic mean (numpy `mean`); NaN for no values. Values whose sum overflows are scaled by a power of two first.
    public static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let sum = x.reduce(0, +)
        if sum.isFinite || x.contains(where: { !$0.isFinite }) { return sum / Double(x.count) }
        // Values near ±1.8e308 whose sum overflows: the mean itself may still be representable.
        let k = commonScale(x, [])
        return x.reduce(0) { $0 + $1 * k } / Double(x.count) / k
    }

    /// Sample variance, n − 1 denominator (numpy `var(ddof=1)`), two-pass.
    public static func variance(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        let m = mean(x)
        var s = 0.0
        for v in x { s += (v - m) * (v - m) }
        return s / Double(x.count - 1)
    }

    /// `numpy.percentile(x, q)` with linear interpolation; q in 0…100.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * (q / 100)
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        let frac = h - Double(lo)
        // numpy's lerp: a + (b − a)·t, evaluated from the nearer end for t ≥ 0.5.
        let a = sorted[lo]
        let b = sorted[hi]
        let d = b - a
        // Ends of opposite sign near ±1.8e308: b − a overflows, the weighted form does not.
        if !d.isFinite { return a * (1 - frac) + b * frac }
        return frac >= 0.5 ? b - d * (1 - frac) : a + d * frac
    }

    /// The exact power-of-two factor that brings both groups' largest magnitude near 1, or 1
    /// when it is already within 2^±400 (`PowerOfTwoScale`).
    static func commonScale(_ a: [Double], _ b: [Double]) -> Double {
        var m = 0.0
        for v in a where Swift.abs(v) > m { m = Swift.abs(v) }
        for v in b where Swift.abs(v) > m { m = Swift.abs(v) }
        return PowerOfTwoScale.factor(for: m)
    }

    /// Ranks 1…n with ties averaged (scipy `rankdata(method='average')`), and Σ(t³ − t) over tie groups.
    public static func averageRanks(_ x: [Double]) -> (ranks: [Double], tieTerm: Double) {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var tie = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let r = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = r }
            let t = Double(j - i + 1)
            tie += t * t * t - t
            i = j + 1
        }
        return (ranks, tie)
    }

    /// Welch's unequal-variances t-test of the first group against the second.
    public struct WelchTest: Sendable, Equatable {
        /// t = (mean₁ − mean₂) / √(s₁²/n₁ + s₂²/n₂); positive when the first group's mean is larger.
        public let t: Double
        /// Welch–Satterthwaite degrees of freedom (not an integer in general).
        public let degreesOfFreedom: Double
        /// Two-sided p-value from Student's t with `degreesOfFreedom`.
        public let pValue: Double
    }

    /// `scipy.stats.ttest_ind(a, b, equal_var=False)`; nil with fewer than 2 values in a
    /// group or no variance in either.
    public static func welch(_ a: [Double], _ b: [Double]) -> WelchTest? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        // t and df do not change when both groups are scaled alike: scale values far from 1
        // (1e-300, 1e300) by a power of two, exactly, so their squares stay representable.
        let k = commonScale(a, b)
        if k != 1 { return welch(a.map { $0 * k }, b.map { $0 * k }) }
        let va = variance(a) / Double(a.count)
        let vb = variance(b) / Double(b.count)
        let se2 = va + vb
        guard se2 > 0, se2.isFinite else { return nil }
        let t = (mean(a) - mean(b)) / se2.squareRoot()
        let df = se2 * se2 / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        return WelchTest(t: t, degreesOfFreedom: df, pValue: StudentT(degreesOfFreedom: df).twoSidedPValue(t))
    }

    /// Cohen's d with the pooled standard deviation (n − 1 denominators); nil when undefined.
    public static func cohensD(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let k = commonScale(a, b)
        if k != 1 { return cohensD(a.map { $0 * k }, b.map { $0 * k }) }
        let pooled = ((Double(a.count - 1) * variance(a) + Double(b.count - 1) * variance(b)) / Double(a.count + b.count - 2)).squareRoot()
        guard pooled > 0 else { return nil }
        return (mean(a) - mean(b)) / pooled
    }

    /// The Mann-Whitney U test of the first group against the second (asymptotic, continuity-corrected).
    public struct MannWhitney: Sendable, Equatable {
        /// U of the first group.
        public let u: Double
        /// Two-sided p from the normal approximation with tie and continuity corrections; 1 when every value is tied
        /// (as scipy gives), nil should σ still come out 0.
        public let pValue: Double?
    }

    /// `scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic',
    /// use_continuity=True)`: U of `a`; p from the normal approximation with tie correction,
    /// z = (max(U₁, U₂) − n₁n₂/2 − 0.5) / σ, p = min(1, 2·sf(z)).
    public static func mannWhitney(_ a: [Double], _ b: [Double]) -> MannWhitney? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let n1 = Double(a.count)
        let n2 = Double(b.count)
        let n = n1 + n2
        let (ranks, tie) = averageRanks(a + b)
        var r1 = 0.0
        for i in 0..<a.count { r1 += ranks[i] }
        let u1 = r1 - n1 * (n1 + 1) / 2
        let u2 = n1 * n2 - u1
        let big = Swift.max(u1, u2)
        let mu = n1 * n2 / 2
        let s2 = n1 * n2 / 12 * ((n + 1) - tie / (n * (n - 1)))
        // Every value tied: σ = 0 and U₁ = U₂ = n₁n₂/2, so z = −0.5/0 = −∞ and scipy gives p = 1.
        guard s2 > 0 else { return MannWhitney(u: u1, pValue: big - mu - 0.5 < 0 ? 1 : nil) }
        let z = (big - mu - 0.5) / s2.squareRoot()
        let p = Swift.min(1, Swift.max(0, 2 * Normal().survival(z)))
        return MannWhitney(u: u1, pValue: p)
    }

    /// Benjamini–Hochberg q-values (`statsmodels.stats.multitest.multipletests(p,
    /// method='fdr_bh')[1]`) over the defined p-values; nil stays nil.
    public static func benjaminiHochberg(_ p: [Double?]) -> [Double?] {
        let defined = p.indices.filter { p[$0] != nil && p[$0]!.isFinite }
        let m = Double(defined.count)
        let order = defined.sorted { p[$0]! < p[$1]! }
        var q = [Double?](repeating: nil, count: p.count)
        var running = 1.0
        for (k, i) in order.enumerated().reversed() {
            running = Swift.min(running, p[i]! * m / Double(k + 1))
            q[i] = Swift.min(running, 1)
        }
        return q
    }
}
