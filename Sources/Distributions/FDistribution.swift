import Foundation

/// The F (Fisher–Snedecor) distribution with d₁ numerator and d₂ denominator degrees of freedom
/// (d₁, d₂ > 0, not necessarily integers).
///
/// cdf(x) = I_u(d₁/2, d₂/2) with u = d₁x / (d₁x + d₂), and survival(x) = I_(1−u)(d₂/2, d₁/2),
/// both computed directly by the TOMS 708 incomplete beta algorithm (1 − u is formed without
/// cancellation), so either tail keeps full relative accuracy. Quantiles solve the smaller tail
/// by safeguarded Newton iteration on the log scale.
///
/// Invalid parameters (NaN, d₁ <= 0, d₂ <= 0, infinite) make every function return NaN; a NaN
/// argument or a probability outside [0, 1] returns NaN.
///
/// Reference: scipy.stats.f
public struct FDistribution: Sendable {
    /// The numerator degrees of freedom d₁.
    public let numeratorDegreesOfFreedom: Double
    /// The denominator degrees of freedom d₂.
    public let denominatorDegreesOfFreedom: Double

    /// Creates the F distribution with the given degrees of freedom (both > 0).
    public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) {
        self.numeratorDegreesOfFreedom = numeratorDegreesOfFreedom
        self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
    }

    private var isValid: Bool {
        numeratorDegreesOfFreedom > 0 && numeratorDegreesOfFreedom.isFinite
            && denominatorDegreesOfFreedom > 0 && denominatorDegreesOfFreedom.isFinite
    }

    /// (I_u(d₁/2, d₂/2), 1 − I_u(d₁/2, d₂/2)) for x > 0.
    private func ratios(_ x: Double) -> (lower: Double, upper: Double) {
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        // u = ρ/(1 + ρ), v = 1/(1 + ρ), ρ = d₁x/d₂, correctly rounded (ρ in double-double), and
        // λ = a − (a + b) u = a (1 − x) v, a = d₁/2, without the cancellation of forming it from u
        let a = d1 / 2
        let b = d2 / 2
        if x > 1e280 * (b / a) || x < 1e-280 * (b / a) {
            // ρ = a x / b would under- or overflow: I_u(a, b) ≈ ρ^a / (a B(a, b)) for small ρ,
            // 1 − I_u(a, b) ≈ ρ^−b / (b B(a, b)) for large ρ (relative corrections O(1/ρ) resp. O(ρ))
            let lnB = SpecialFunctions.logBeta(a, b)
            if x < b / a {
                let rho = (a / b) * x
                let lower =
                    rho.isNormal
                    ? SpecialFunctions.Toms708.powExp(rho, a, -log(a) - lnB)
                    : exp(a * (log(a / b) + log(x)) - log(a) - lnB)
                return (lower, 1 - lower)
            }
            let r = (b / a) / x
            let upper =
                r.isNormal
                ? SpecialFunctions.Toms708.powExp(r, b, -log(b) - lnB)
                : exp(b * (log(b / a) - log(x)) - log(b) - lnB)
            return (1 - upper, upper)
        }
        let product = a * x
        let productLow = fma(a, x, -product)
        let u: Double
        let v: Double
        // a (1 − x) in double-double
        let (oneMinusX, oneMinusXLow) = SpecialFunctions.twoSum(1, -x)
        let numerator = a * oneMinusX
        let numeratorLow = fma(a, oneMinusX, -numerator) + a * oneMinusXLow
        let lambda: SpecialFunctions.DoubleDouble
        if product <= b {
            let (rho, rhoLow) = SpecialFunctions.divide(product, productLow, by: b)
            (u, v) = SpecialFunctions.splitOnePlus(rho, rhoLow)
            // λ = a (1 − x) / (1 + ρ)
            let (d, dLow) = SpecialFunctions.twoSum(1, rho)
            lambda = SpecialFunctions.divide(numerator, numeratorLow, by: d, dLow + rhoLow)
        } else {
            // r = 1/ρ = b / (a x);  λ = a (1 − x) r / (1 + r)
            let (r, rLow) = SpecialFunctions.divide(b, 0, by: product, productLow)
            (v, u) = SpecialFunctions.splitOnePlus(r, rLow)
            let numeratorR = numerator * r
            let numeratorRLow = fma(numerator, r, -numeratorR) + numerator * rLow + numeratorLow * r
            let (d, dLow) = SpecialFunctions.twoSum(1, r)
            lambda = SpecialFunctions.divide(numeratorR, numeratorRLow, by: d, dLow + rLow)
        }
        return SpecialFunctions.Toms708.ratio(a, b, u, v, lambda: lambda)
    }

    /// Cumulative distribution function P(X <= x) = I_(d₁x/(d₁x + d₂))(d₁/2, d₂/2).
    ///
    /// cdf(x) = 0 for x <= 0, cdf(+∞) = 1.
    ///
    /// Reference: scipy.stats.f.cdf
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return 1 }
        return ratios(x).lower
    }

    /// Survival function P(X > x) = I_(d₂/(d₁x + d₂))(d₂/2, d₁/2), accurate in the upper tail.
    ///
    /// Reference: scipy.stats.f.sf
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        return ratios(x).upper
    }

    /// Quantile function: the x with cdf(x) = p.
    ///
    /// quantile(0) = 0, quantile(1) = +∞; NaN for p outside [0, 1].
    ///
    /// Reference: scipy.stats.f.ppf
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        return p <= 0.5 ? solve(p, upperTail: false) : solve(1 - p, upperTail: true)
    }

    /// Inverse survival function: the x with survival(x) = q.
    ///
    /// inverseSurvival(0) = +∞, inverseSurvival(1) = 0; accurate for q down to 1e-300.
    ///
    /// Reference: scipy.stats.f.isf
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return 0 }
        return q <= 0.5 ? solve(q, upperTail: true) : solve(1 - q, upperTail: false)
    }

    private func solve(_ probability: Double, upperTail: Bool) -> Double {
        let a = numeratorDegreesOfFreedom / 2
        let b = denominatorDegreesOfFreedom / 2
        // x with odds d₁x/d₂ = (a/b) x
        return SpecialFunctions.betaQuantile(a, b, probability: probability, upperTail: upperTail, scale: a / b)
    }
}
