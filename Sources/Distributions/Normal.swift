import Foundation

/// The normal (Gaussian) distribution N(μ, σ²).
///
/// cdf(x) = Φ((x − μ)/σ) = ½ erfc(−(x − μ)/(σ√2)); the upper tail is computed directly as
/// ½ erfc((x − μ)/(σ√2)) (with the rounding of the argument compensated), so that survival
/// values down to the smallest normal doubles (x − μ ≈ 37.5σ) keep full relative accuracy.
/// Quantiles use Wichura's AS 241 followed by a Newton correction.
///
/// Invalid parameters (NaN or infinite mean, standard deviation <= 0, NaN or infinite)
/// make every function return NaN; a NaN argument or a probability outside [0, 1] returns NaN.
///
/// Reference: scipy.stats.norm
public struct Normal: Sendable {
    /// The mean μ.
    public let mean: Double
    /// The standard deviation σ.
    public let standardDeviation: Double

    /// Creates the normal distribution with the given mean and standard deviation (σ > 0).
    public init(mean: Double = 0, standardDeviation: Double = 1) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    private var isValid: Bool {
        mean.isFinite && standardDeviation.isFinite && standardDeviation > 0
    }

    /// Cumulative distribution function P(X <= x) = ½ erfc(−(x − μ)/(σ√2)).
    ///
    /// Accurate in relative terms in the lower tail. cdf(−∞) = 0, cdf(+∞) = 1.
    ///
    /// Reference: scipy.stats.norm.cdf
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return SpecialFunctions.standardNormalSurvival(-(x - mean) / standardDeviation)
    }

    /// Survival function P(X > x) = 1 − cdf(x) = ½ erfc((x − μ)/(σ√2)), accurate in the upper tail.
    ///
    /// Reference: scipy.stats.norm.sf
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return SpecialFunctions.standardNormalSurvival((x - mean) / standardDeviation)
    }

    /// Quantile function (inverse cdf): the x with cdf(x) = p, μ + σ Φ⁻¹(p).
    ///
    /// quantile(0) = −∞, quantile(1) = +∞; NaN for p outside [0, 1].
    ///
    /// Reference: scipy.stats.norm.ppf
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        return mean + standardDeviation * SpecialFunctions.standardNormalQuantile(p)
    }

    /// Inverse survival function: the x with survival(x) = q, μ − σ Φ⁻¹(q).
    ///
    /// inverseSurvival(0) = +∞, inverseSurvival(1) = −∞; NaN for q outside [0, 1].
    /// Accurate for q down to the smallest normal doubles (e.g. q = 1e-300).
    ///
    /// Reference: scipy.stats.norm.isf
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        return mean - standardDeviation * SpecialFunctions.standardNormalQuantile(q)
    }
}

// MARK: - Standard normal functions

extension SpecialFunctions {
    /// Upper tail of the standard normal distribution, Φc(z) = ½ erfc(z/√2), with the rounding
    /// error of z/√2 compensated to first order (relevant in the far tail).
    static func standardNormalSurvival(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        let invSqrt2 = 0.7071067811865476
        let invSqrt2Low = -4.833646656726457e-17
        let yHi = z * invSqrt2
        let yLo = fma(z, invSqrt2, -yHi) + z * invSqrt2Low
        let e = erfc(yHi)
        if e == 0 || yHi.isInfinite { return 0.5 * e }
        // erfc(yHi + yLo) ≈ erfc(yHi) − (2/√π) e^(−yHi²) yLo
        let square = yHi * yHi
        let squareLow = fma(yHi, yHi, -square)
        let correction = twoOverSqrtPi * exp(-square) * (1 - squareLow) * yLo
        return 0.5 * (e - correction)
    }

    /// Standard normal density φ(z) with the rounding error of z² compensated.
    static func standardNormalDensity(_ z: Double) -> Double {
        let square = z * z
        let squareLow = fma(z, z, -square)
        return invSqrt2Pi * exp(-0.5 * square) * (1 - 0.5 * squareLow)
    }

    /// Standard normal quantile: z with Φ(z) = p (Wichura's AS 241 `PPND16`, followed by one
    /// Newton correction using the accurate cdf).
    static func standardNormalQuantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num =
                (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
            let den =
                (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1)
            let x = q * num / den
            if x == 0 { return x }
            // Newton correction with Φ(x) − ½ = ½ erf(x/√2) (no cancellation near the median)
            let central = 0.5 * erf(x * 0.7071067811865476)
            return x - (central - q) / standardNormalDensity(x)
        }
        let tail = q < 0 ? p : 1 - p  // exact
        let z = standardNormalUpperQuantileInitial(tail)
        // Newton correction on the log scale: d log Φc / dz = −φ/Φc
        let sf = standardNormalSurvival(z)
        let refined = sf > 0 ? z + log(sf / tail) * sf / standardNormalDensity(z) : z
        return q < 0 ? -refined : refined
    }

    /// AS 241 tail branch: z > 0 with Φc(z) ≈ tail, for tail < 0.075.
    static func standardNormalUpperQuantileInitial(_ tail: Double) -> Double {
        var r = (-log(tail)).squareRoot()
        if r <= 5 {
            r -= 1.6
            let num =
                (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734)
            let den =
                (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1)
            return num / den
        }
        r -= 5
        let num =
            (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
        let den =
            (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1)
        return num / den
    }

    /// z with Φc(z) = tail (upper-tail standard normal quantile).
    @inline(__always)
    static func standardNormalInverseSurvival(_ tail: Double) -> Double {
        -standardNormalQuantile(tail)
    }
}
