import Foundation

/// The chi-squared distribution with k degrees of freedom (k > 0, not necessarily an integer).
///
/// cdf(x) = P(k/2, x/2) and survival(x) = Q(k/2, x/2), the regularized incomplete gamma
/// functions, each computed directly (the upper tail keeps full relative accuracy down to the
/// smallest normal doubles, e.g. k = 10 at x = 1400). Quantiles solve P or Q by safeguarded
/// Newton iteration on the log scale.
///
/// Invalid parameters (NaN, k <= 0, k = ∞) make every function return NaN; a NaN argument or a
/// probability outside [0, 1] returns NaN.
///
/// Reference: scipy.stats.chi2
public struct ChiSquared: Sendable {
    /// The degrees of freedom k.
    public let degreesOfFreedom: Double

    /// Creates the chi-squared distribution with `degreesOfFreedom` > 0.
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 && degreesOfFreedom.isFinite }

    /// Cumulative distribution function P(X <= x) = P(k/2, x/2) = γ(k/2, x/2) / Γ(k/2).
    ///
    /// cdf(x) = 0 for x <= 0, cdf(+∞) = 1.
    ///
    /// Reference: scipy.stats.chi2.cdf
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        return SpecialFunctions.GammaRatio.evaluate(degreesOfFreedom / 2, x / 2).p
    }

    /// Survival function P(X > x) = Q(k/2, x/2) = Γ(k/2, x/2) / Γ(k/2), accurate in the upper tail.
    ///
    /// Reference: scipy.stats.chi2.sf
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        return SpecialFunctions.GammaRatio.evaluate(degreesOfFreedom / 2, x / 2).q
    }

    /// Quantile function: the x with cdf(x) = p, i.e. 2 P⁻¹(k/2, p).
    ///
    /// quantile(0) = 0, quantile(1) = +∞; NaN for p outside [0, 1].
    ///
    /// Reference: scipy.stats.chi2.ppf
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        return 2 * SpecialFunctions.inverseRegularizedGammaP(degreesOfFreedom / 2, p)
    }

    /// Inverse survival function: the x with survival(x) = q, i.e. 2 Q⁻¹(k/2, q).
    ///
    /// inverseSurvival(0) = +∞, inverseSurvival(1) = 0; accurate for q down to 1e-300.
    ///
    /// Reference: scipy.stats.chi2.isf
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        return 2 * SpecialFunctions.inverseRegularizedGammaQ(degreesOfFreedom / 2, q)
    }
}
