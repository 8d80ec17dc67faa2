import Foundation

/// Student's t distribution with ν degrees of freedom (ν > 0, not necessarily an integer; may be
/// huge, e.g. 1e10; ν = +∞ gives the standard normal distribution).
///
/// For t > 0: survival(t) = ½ I_x(ν/2, ½) with x = ν/(ν + t²), and
/// cdf(t) = ½ + ½ I_(1−x)(½, ν/2); both incomplete beta values are computed directly by the
/// TOMS 708 algorithm (1 − x = t²/(ν + t²) is formed without cancellation), so the tails keep
/// full relative accuracy down to the smallest normal doubles (e.g. ν = 5 at t = 1e60).
/// Quantiles solve the tail (or, near the median, the central) probability by safeguarded
/// Newton iteration on the log scale.
///
/// Invalid parameters (NaN, ν <= 0) make every function return NaN; a NaN argument or a
/// probability outside [0, 1] returns NaN.
///
/// Reference: scipy.stats.t
public struct StudentT: Sendable {
    /// The degrees of freedom ν.
    public let degreesOfFreedom: Double

    /// Creates Student's t distribution with `degreesOfFreedom` > 0.
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 }

    /// (x, 1 − x) with x = ν/(ν + t²), for t >= 0.
    @inline(__always)
    private func betaArguments(_ t: Double) -> (x: Double, y: Double) {
        // ρ in double-double, so that x and y are correctly rounded (the tails for large ν are
        // sensitive to the relative error of y: d ln survival / d ln y ≈ −t²/2)
        let nu = degreesOfFreedom
        if t > nu.squareRoot() {
            let (q, qLow) = SpecialFunctions.divide(nu, 0, by: t)
            let (rho, rhoLow) = SpecialFunctions.divide(q, qLow, by: t)  // ν/t² < 1
            return SpecialFunctions.splitOnePlus(rho, rhoLow)
        }
        let square = t * t
        let (rho, rhoLow) = SpecialFunctions.divide(square, fma(t, t, -square), by: nu)  // t²/ν <= 1
        let (y, x) = SpecialFunctions.splitOnePlus(rho, rhoLow)
        return (x, y)
    }

    /// (I_x(ν/2, ½), 1 − I_x(ν/2, ½)) = (2 P(T > t), 2 P(0 < T <= t)) for t >= 0.
    @inline(__always)
    private func ratios(_ t: Double) -> (tail: Double, central: Double) {
        if isFarTail(t) {
            let tail = 2 * upperTail(t)
            return (tail, 1 - tail)
        }
        let (x, y) = betaArguments(t)
        let r = SpecialFunctions.Toms708.ratio(degreesOfFreedom / 2, 0.5, x, y)
        return (r.lower, r.upper)
    }

    /// x = ν/t² < 1e-20: x itself may underflow, but I_x(ν/2, ½) = x^(ν/2) / ((ν/2) B(ν/2, ½)) (1 + O(x)).
    @inline(__always)
    private func isFarTail(_ t: Double) -> Bool {
        t > 1e10 * degreesOfFreedom.squareRoot()
    }

    /// ln I_x(ν/2, ½) in the far tail: ν ln(√ν/t) + ln(2/ν) − ln B(ν/2, ½).
    private func logFarTail(_ t: Double) -> Double {
        let nu = degreesOfFreedom
        return nu * (0.5 * log(nu) - log(t)) + log(2 / nu) - SpecialFunctions.logBeta(nu / 2, 0.5)
    }

    /// Survival function for t >= 0 (finite ν).
    private func upperTail(_ t: Double) -> Double {
        if t == 0 { return 0.5 }
        if t == .infinity { return 0 }
        if isFarTail(t) {
            // (√ν/t)^ν / (ν B(ν/2, ½)), with pow() for full relative accuracy where possible
            let nu = degreesOfFreedom
            let s = nu.squareRoot() / t
            if !s.isNormal { return 0.5 * exp(logFarTail(t)) }
            return SpecialFunctions.Toms708.powExp(s, nu, -log(nu) - SpecialFunctions.logBeta(nu / 2, 0.5))
        }
        return 0.5 * ratios(t).tail
    }

    /// Cumulative distribution function P(T <= t).
    ///
    /// For t < 0, cdf(t) = ½ I_(ν/(ν+t²))(ν/2, ½) (accurate in the lower tail). cdf(−∞) = 0, cdf(+∞) = 1.
    ///
    /// Reference: scipy.stats.t.cdf
    public func cdf(_ t: Double) -> Double {
        survival(-t)
    }

    /// Survival function P(T > t) = 1 − cdf(t); for t > 0 equal to ½ I_(ν/(ν+t²))(ν/2, ½),
    /// accurate in the upper tail.
    ///
    /// Reference: scipy.stats.t.sf
    public func survival(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        if degreesOfFreedom == .infinity { return SpecialFunctions.standardNormalSurvival(t) }
        if t >= 0 { return upperTail(t) }
        if t == -.infinity { return 1 }
        return 0.5 + 0.5 * ratios(-t).central
    }

    /// Two-sided p-value P(|T| >= |t|) = 2 survival(|t|) = I_(ν/(ν+t²))(ν/2, ½).
    ///
    /// Accurate in relative terms when tiny (e.g. 1e-300). Equals 1 at t = 0.
    ///
    /// Reference: 2 * scipy.stats.t.sf(abs(t), df)
    public func twoSidedPValue(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        let magnitude = abs(t)
        if degreesOfFreedom == .infinity {
            return 2 * SpecialFunctions.standardNormalSurvival(magnitude)
        }
        if magnitude == 0 { return 1 }
        if magnitude == .infinity { return 0 }
        if isFarTail(magnitude) { return 2 * upperTail(magnitude) }
        return ratios(magnitude).tail
    }

    /// Quantile function: the t with cdf(t) = p.
    ///
    /// quantile(0) = −∞, quantile(1) = +∞; NaN for p outside [0, 1].
    ///
    /// Reference: scipy.stats.t.ppf
    public func quantile(_ p: Double) -> Double {
        -inverseSurvival(p)
    }

    /// Inverse survival function: the t with survival(t) = q.
    ///
    /// inverseSurvival(0) = +∞, inverseSurvival(1) = −∞; accurate for q down to 1e-300.
    ///
    /// Reference: scipy.stats.t.isf
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return -.infinity }
        if q == 0.5 { return 0 }
        if degreesOfFreedom == .infinity { return SpecialFunctions.standardNormalInverseSurvival(q) }
        if q > 0.5 { return -upperQuantile(1 - q) }  // 1 − q is exact
        return upperQuantile(q)
    }

    /// t > 0 with survival(t) = q, 0 < q < ½.
    private func upperQuantile(_ q: Double) -> Double {
        let nu = degreesOfFreedom
        let a = nu / 2
        // Near the median solve P(0 < T <= t) = ½ − q (exact) instead of the tail.
        let central = q > 0.25
        let target = central ? 0.5 - q : q
        let evaluate = { (t: Double) -> SpecialFunctions.TailEvaluation in
            if self.isFarTail(t) {
                // survival ≈ (√ν/t)^ν / (ν B(ν/2, ½)): d ln survival / d ln t = −ν
                let tail = self.upperTail(t)
                if central {
                    return (0.5 - tail, log(0.5 - tail), nu * tail / (0.5 - tail))
                }
                return (tail, tail > 0 ? log(tail) : log(0.5) + self.logFarTail(t), -nu)
            }
            let (x, y) = self.betaArguments(t)
            let (w, w1) = SpecialFunctions.Toms708.ratio(a, 0.5, x, y)
            // d survival / d ln t = −x^a y^½ / B(a, ½)
            let density = SpecialFunctions.Toms708.brcomp(a, 0.5, x, y)
            if central {
                return (0.5 * w1, log(0.5 * w1), density / (0.5 * w1))
            }
            return (0.5 * w, log(0.5 * w), -density / (0.5 * w))
        }
        let lnB = SpecialFunctions.logBeta(a, 0.5)
        var candidates: [Double] = []
        // Tail: survival(t) ≈ ν^(ν/2 − 1) t^(−ν) / B(ν/2, ½)
        candidates.append(exp(((a - 1) * log(nu) - lnB - log(q)) / nu))
        // Cornish–Fisher expansion around the normal quantile
        let z = SpecialFunctions.standardNormalInverseSurvival(q)
        let z2 = z * z
        let cornishFisher =
            z + z * (z2 + 1) / (4 * nu)
            + z * ((5 * z2 + 16) * z2 + 3) / (96 * nu * nu)
            + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * nu * nu * nu)
        candidates.append(cornishFisher)
        candidates.append(z)
        // Centre: survival(t) ≈ ½ − t f(0), f(0) = 1/(√ν B(ν/2, ½))
        candidates.append((0.5 - q) * nu.squareRoot() * exp(lnB))
        let start = SpecialFunctions.bestCandidate(candidates, target: target, evaluate: evaluate)
        return SpecialFunctions.solveTailProbability(
            initial: start, target: target, increasing: central, evaluate: evaluate)
    }
}
