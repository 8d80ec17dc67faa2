import Foundation

// Inverse functions (quantiles): safeguarded Newton iteration on the logarithm of the
// smaller tail probability, in the logarithm of a positive variable, started from the best
// of a few asymptotic approximations.

extension SpecialFunctions {

    /// A tail probability F(s), its logarithm (finite even where F underflows, if possible) and the
    /// logarithmic slope d ln F / d ln s.
    typealias TailEvaluation = (probability: Double, log: Double, slope: Double)

    /// ln(F(s) / target), formed as the log of the ratio (full relative resolution even when
    /// |ln target| is several hundred) unless the ratio under- or overflows.
    @inline(__always)
    static func logRatio(_ e: TailEvaluation, target: Double, logTarget: Double) -> Double {
        let ratio = e.probability / target
        if ratio.isFinite && ratio > 0 { return log(ratio) }
        return e.log - logTarget
    }

    /// Finds s > 0 with F(s) = target, where F is a tail probability, monotone in s (increasing
    /// if `increasing`).
    ///
    /// Newton steps on ln F are taken in ln s (multiplicatively in s, so s keeps full relative
    /// precision at any magnitude); a bracket is maintained and geometric bisection is used
    /// whenever a Newton step leaves it.
    static func solveTailProbability(
        initial: Double,
        target: Double,
        increasing: Bool,
        evaluate: (Double) -> TailEvaluation
    ) -> Double {
        let logTarget = log(target)
        var s = initial
        var lower = 0.0
        var upper = Double.infinity
        var best = s
        var bestError = Double.infinity
        var iteration = 0
        while iteration < 300 {
            iteration += 1
            let evaluation = evaluate(s)
            let slope = evaluation.slope
            let h = logRatio(evaluation, target: target, logTarget: logTarget)
            if h == 0 { return s }
            if h.isNaN { return best }
            if abs(h) < bestError {
                best = s
                bestError = abs(h)
            }
            if (h > 0) == increasing {
                upper = s
            } else {
                lower = s
            }
            var next = Double.nan
            var step = Double.nan
            if h.isFinite && slope.isFinite && slope != 0 {
                step = -h / slope
                step = min(max(step, -40), 40)
                next = s * exp(step)
            }
            if !(next > lower && next < upper) {
                if upper == .infinity {
                    next = s * 16
                } else if lower == 0 {
                    next = s / 16
                } else if upper / lower < 4 {
                    next = lower + (upper - lower) / 2
                } else {
                    next = exp((log(lower) + log(upper)) / 2)
                }
                step = Double.nan
            }
            // the root lies beyond the largest (or below the smallest) positive double
            if next.isInfinite {
                if s == .greatestFiniteMagnitude { return .infinity }
                next = .greatestFiniteMagnitude
            } else if next == 0 {
                if s == .leastNonzeroMagnitude { return 0 }
                next = .leastNonzeroMagnitude
            }
            if step.isFinite {
                if abs(step) <= 1e-15 || (iteration > 40 && abs(step) < 1e-13) {
                    return next
                }
            }
            if upper < .infinity && lower > 0 && upper - lower <= 2 * Double.ulpOfOne * lower {
                return lower + (upper - lower) / 2
            }
            s = next
        }
        return best
    }

    // MARK: Beta

    /// The v > 0 such that x = s/(1 + s) with odds s = v·scale satisfies I_x(a, b) = probability
    /// (lower tail) or 1 − I_x(a, b) = probability (upper tail); probability <= 1/2 (roughly).
    ///
    /// scale = 1 gives the odds of the beta quantile; scale = a/b gives the F quantile
    /// (s = d₁F/d₂) without overflowing s before F.
    static func betaQuantile(
        _ a: Double, _ b: Double, probability: Double, upperTail: Bool,
        scale: Double = 1
    ) -> Double {
        let lnB = logBeta(a, b)
        let logScale = log(scale)
        let evaluate = { (v: Double) -> TailEvaluation in
            let s = v * scale
            if !(s >= 1e-280 && s <= 1e280) {
                // x or y would underflow: I_x(a, b) ≈ s^a / (a B), 1 − I_x(a, b) ≈ s^−b / (b B)
                let small = v * scale < 1
                let logS = log(v) + logScale
                let tail =
                    small
                    ? powerTail(s, logS, a, -log(a) - lnB)
                    : powerTail(1 / s, -logS, b, -log(b) - lnB)
                if small != upperTail {
                    return (tail.value, tail.log, small ? a : -b)
                }
                return (1 - tail.value, log1p(-tail.value), (small ? -a : b) * tail.value / (1 - tail.value))
            }
            let (x, y) = oddsToProbability(s)
            // λ = a − (a + b) x = (a − b s)/(1 + s) in double-double
            let bs = b * s
            let (n, nLow) = twoSum(a, -bs)
            let (d, dLow) = twoSum(1, s)
            let lambda = divide(n, nLow - fma(b, s, -bs), by: d, dLow)
            let (w, w1) = Toms708.ratio(a, b, x, y, lambda: lambda)
            let density = Toms708.brcomp(a, b, x, y, lambda: lambda)  // dI/d ln s = x^a y^b / B(a, b)
            if upperTail {
                return (w1, log(w1), -density / w1)
            }
            return (w, log(w), density / w)
        }
        let pLower = upperTail ? 1 - probability : probability
        let pUpper = upperTail ? probability : 1 - probability
        var candidates: [Double] = []
        // lower tail: I_x(a, b) ≈ x^a / (a B(a, b))
        let lnx = (log(pLower) + log(a) + lnB) / a
        if lnx < 0 { candidates.append(exp(lnx) / -expm1(lnx) / scale) }
        // upper tail: 1 − I_x(a, b) ≈ y^b / (b B(a, b))
        let lny = (log(pUpper) + log(b) + lnB) / b
        if lny < 0 { candidates.append(-expm1(lny) * exp(-lny - logScale)) }
        // Paulson's normal approximation to F(2a, 2b), odds = (a/b) F
        let z = standardNormalInverseSurvival(pUpper)
        if let f = paulsonF(z: z, d1: 2 * a, d2: 2 * b) { candidates.append(f * (a / b) / scale) }
        candidates.append(a / b / scale)
        let start = bestCandidate(candidates, target: probability, evaluate: evaluate)
        return solveTailProbability(initial: start, target: probability, increasing: !upperTail, evaluate: evaluate)
    }

    /// s^a e^c and its logarithm (for tails with s^a e^c ≈ probability); logS = ln s is used
    /// where s is not a normal number.
    static func powerTail(_ s: Double, _ logS: Double, _ a: Double, _ c: Double) -> (value: Double, log: Double) {
        let logValue = a * logS + c
        let value = s.isNormal ? Toms708.powExp(s, a, c) : exp(logValue)
        return (value, value > 0 ? log(value) : logValue)
    }

    /// Paulson's approximation: F such that
    /// z = [(1 − c2) F^(1/3) − (1 − c1)] / √(c2 F^(2/3) + c1), c1 = 2/(9 d1), c2 = 2/(9 d2).
    static func paulsonF(z: Double, d1: Double, d2: Double) -> Double? {
        guard z.isFinite else { return nil }
        let c1 = 2 / (9 * d1)
        let c2 = 2 / (9 * d2)
        let aa = 1 - c2
        let bb = 1 - c1
        let qa = aa * aa - z * z * c2
        let qb = -2 * aa * bb
        let qc = bb * bb - z * z * c1
        let disc = qb * qb - 4 * qa * qc
        guard qa > 0, disc >= 0 else { return nil }
        let root = disc.squareRoot()
        let w = z >= 0 ? (-qb + root) / (2 * qa) : (-qb - root) / (2 * qa)
        guard w > 0 else { return nil }
        return w * w * w
    }

    /// The candidate starting point with the smallest |ln(F(s) / target)|.
    static func bestCandidate(
        _ candidates: [Double],
        target: Double,
        evaluate: (Double) -> TailEvaluation
    ) -> Double {
        let logTarget = log(target)
        var best = 1.0
        var bestError = Double.infinity
        for c in candidates where c > 0 && c.isFinite {
            let error = abs(logRatio(evaluate(c), target: target, logTarget: logTarget))
            if error < bestError {
                bestError = error
                best = c
            }
        }
        return best
    }

    // MARK: Gamma

    /// x with P(a, x) = probability (lower tail) or Q(a, x) = probability (upper tail).
    static func gammaQuantile(_ a: Double, probability: Double, upperTail: Bool) -> Double {
        let evaluate = { (x: Double) -> TailEvaluation in
            let (p, q) = GammaRatio.evaluate(a, x)
            let density = GammaRatio.prefix(a, x)  // dP/d ln x = x^a e^(−x) / Γ(a)
            if upperTail {
                return (q, log(q), -density / q)
            }
            return (p, log(p), density / p)
        }
        let pLower = upperTail ? 1 - probability : probability
        let pUpper = upperTail ? probability : 1 - probability
        var candidates: [Double] = []
        // lower tail: P ≈ x^a / Γ(a + 1)
        candidates.append(exp((log(pLower) + logGamma(a + 1)) / a))
        // Wilson–Hilferty
        let z = standardNormalInverseSurvival(pUpper)
        let base = 1 - 1 / (9 * a) + z / (3 * a.squareRoot())
        if base > 0 { candidates.append(a * base * base * base) }
        // upper tail: Q ≈ x^(a−1) e^(−x) / Γ(a)
        if upperTail || pUpper < 0.5 {
            let c = -log(pUpper) - logGamma(a)
            var x = max(a, c, 1)
            for _ in 0..<8 {
                let next = c + (a - 1) * log(x)
                if !(next > 0) { break }
                x = next
            }
            candidates.append(x)
        }
        candidates.append(a)
        let start = bestCandidate(candidates, target: probability, evaluate: evaluate)
        return solveTailProbability(initial: start, target: probability, increasing: !upperTail, evaluate: evaluate)
    }
}
