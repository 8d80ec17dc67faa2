import Foundation

// Regularized incomplete beta function I_x(a, b) and its complement.
//
// Swift implementation of the algorithm of DiDonato & Morris, "Algorithm 708: Significant digit
// computation of the incomplete beta function ratios", ACM TOMS 18(3), 1992, pp. 360-373
// (`bratio` and its helpers: power series, continued fraction, the asymptotic expansions for
// large a with small b and for large a and b), restructured without gotos, with full-precision
// constants and the C library's log1p/expm1/erfc. Changes for relative accuracy far below 1e-13:
// - the prefactors x^a y^b / B(a, b) use pow() (≈ 1 ulp) rather than exp of a large exponent;
// - for a, b >= 8 the exponent a ln(x/x0) + b ln(y/y0) is carried in double-double, from
//   λ = a − (a + b) x, which callers may supply exactly (no cancellation near the mean);
// - prefactors that underflow while the result does not are combined in log space.

extension SpecialFunctions {
    enum Toms708 {
        /// Series/continued-fraction tolerance (TOMS 708 uses max(DBL_EPSILON, 1e-15)).
        static let eps = 1e-15
        /// Lower limit of exp(): the most negative w for which exp(w) is a normal number (with fuzz).
        static let expArgMin = -708.3893345680788

        /// (I_x(a, b), 1 − I_x(a, b)) for a, b ≥ 0 (not both 0), 0 ≤ x ≤ 1 and y = 1 − x
        /// (both x and y supplied so that neither needs to be formed by cancellation).
        ///
        /// `lambda`, if given, is λ = a − (a + b) x = (a + b) y − b as an unevaluated double-double
        /// sum, computed accurately by the caller (for large a and b it governs the accuracy, and
        /// forming it from x or y cancels near the mean); otherwise it is computed exactly from x or y.
        static func ratio(
            _ a: Double, _ b: Double, _ x: Double, _ y: Double,
            lambda givenLambda: DoubleDouble? = nil
        ) -> (lower: Double, upper: Double) {
            if x.isNaN || y.isNaN || a.isNaN || b.isNaN { return (.nan, .nan) }
            if x == 0 { return (0, 1) }
            if y == 0 { return (1, 0) }
            if a == 0 { return (1, 0) }
            if b == 0 { return (0, 1) }
            if max(a, b) < eps * 0.001 {
                return (b / (a + b), a / (a + b))
            }

            var swap: Bool
            var a0: Double
            var b0: Double
            var x0: Double
            var y0: Double
            var w: Double
            var w1: Double

            if min(a, b) <= 1 {
                swap = x > 0.5
                (a0, b0, x0, y0) = swap ? (b, a, y, x) : (a, b, x, y)
                // now x0 <= 1/2 <= y0
                if b0 < min(eps, eps * a0) {
                    w = fpser(a0, b0, x0)
                    w1 = 1 - w
                } else if a0 < min(eps, eps * b0) && b0 * x0 <= 1 {
                    w1 = apser(a0, b0, x0)
                    w = 1 - w1
                } else {
                    enum Route {
                        case wSeries
                        case w1Series
                        case asymptotic(shifted: Bool)
                    }
                    let route: Route
                    if max(a0, b0) > 1 {
                        if b0 <= 1 {
                            route = .wSeries
                        } else if x0 >= 0.29 {
                            route = .w1Series
                        } else if x0 < 0.1 && pow(x0 * b0, a0) <= 0.7 {
                            route = .wSeries
                        } else if b0 > 15 {
                            route = .asymptotic(shifted: false)
                        } else {
                            route = .asymptotic(shifted: true)
                        }
                    } else {
                        if a0 >= min(0.2, b0) {
                            route = .wSeries
                        } else if pow(x0, a0) <= 0.9 {
                            route = .wSeries
                        } else if x0 >= 0.3 {
                            route = .w1Series
                        } else {
                            route = .asymptotic(shifted: true)
                        }
                    }
                    switch route {
                    case .wSeries:
                        w = bpser(a0, b0, x0)
                        w1 = 1 - w
                    case .w1Series:
                        w1 = bpser(b0, a0, y0)
                        w = 1 - w1
                    case .asymptotic(let shifted):
                        var acc = 0.0
                        var bb = b0
                        if shifted {
                            acc = bup(b0, a0, y0, x0, 20)
                            bb += 20
                        }
                        w1 = bgrat(bb, a0, y0, x0, acc, 15 * eps)
                        w = 1 - w1
                    }
                }
            } else {
                // both a, b > 1;  lambda = (a + b) y − b = a − (a + b) x
                var lambda = givenLambda ?? deviation(a, b, x, y)
                swap = lambda.hi < 0
                if swap {
                    lambda = (-lambda.hi, -lambda.lo)
                    (a0, b0, x0, y0) = (b, a, y, x)
                } else {
                    (a0, b0, x0, y0) = (a, b, x, y)
                }
                enum Route { case series, reduction, fraction, asymptotic }
                let route: Route
                if b0 < 40 {
                    route = b0 * x0 <= 0.7 ? .series : .reduction
                } else if a0 > b0 {
                    route = (b0 <= 100 || lambda.hi > b0 * 0.03) ? .fraction : .asymptotic
                } else if a0 <= 100 {
                    route = .fraction
                } else if lambda.hi > a0 * 0.03 {
                    route = .fraction
                } else {
                    route = .asymptotic
                }
                switch route {
                case .series:
                    w = bpser(a0, b0, x0)
                case .fraction:
                    w = bfrac(a0, b0, x0, y0, lambda, 15 * eps)
                case .asymptotic:
                    w = basym(a0, b0, lambda, 100 * eps)
                case .reduction:
                    // reduce b0 to its fractional part in (0, 1]
                    var n = Int(b0)
                    var bf = b0 - Double(n)
                    if bf == 0 {
                        n -= 1
                        bf = 1
                    }
                    w = bup(bf, a0, y0, x0, n)
                    if x0 <= 0.7 {
                        w += bpser(a0, bf, x0)
                    } else {
                        var aa = a0
                        if aa <= 15 {
                            w += bup(aa, bf, x0, y0, 20)
                            aa += 20
                        }
                        w = bgrat(aa, bf, x0, y0, w, 15 * eps)
                    }
                }
                w1 = 1 - w
            }
            return swap ? (w1, w) : (w, w1)
        }

        /// λ = a − (a + b) x = (a + b) y − b in double-double, from the smaller of x and y.
        static func deviation(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> DoubleDouble {
            let (apb, apbLow) = twoSum(a, b)
            guard apb.isFinite else { return (a * y - b * x, 0) }
            if x > y {
                let p = apb * y
                let pLow = fma(apb, y, -p) + apbLow * y
                let (s, e) = twoSum(p, -b)
                return (s, e + pLow)
            }
            let p = apb * x
            let pLow = fma(apb, x, -p) + apbLow * x
            let (s, e) = twoSum(a, -p)
            return (s, e - pLow)
        }

        /// I_x(a, b) for b < min(eps, eps a) and x <= 0.5.
        static func fpser(_ a: Double, _ b: Double, _ x: Double) -> Double {
            var ans = 1.0
            if a > eps * 0.001 {
                let t = a * log(x)
                if t < expArgMin { return 0 }
                ans = exp(t)
            }
            ans *= b / a  // 1/B(a,b) ≈ b
            let tol = eps / a
            var an = a + 1
            var t = x
            var s = t / an
            var c: Double
            repeat {
                an += 1
                t *= x
                c = t / an
                s += c
            } while abs(c) > tol
            return ans * (a * s + 1)
        }

        /// I_(1−x)(b, a) for a <= min(eps, eps b), b x <= 1 and x <= 0.5.
        static func apser(_ a: Double, _ b: Double, _ x: Double) -> Double {
            let bx = b * x
            var t = x - bx
            let c =
                b * eps <= 0.02
                ? log(x) + digamma(b) + eulerGamma + t
                : log(bx) + eulerGamma + t
            let tol = eps * 5 * abs(c)
            var j = 1.0
            var s = 0.0
            var aj: Double
            repeat {
                j += 1
                t *= x - bx / j
                aj = t / j
                s += aj
            } while abs(aj) > tol
            return -a * (c + s)
        }

        /// Power series for I_x(a, b) when b <= 1 or b x <= 0.7.
        static func bpser(_ a: Double, _ b: Double, _ x: Double) -> Double {
            if x == 0 { return 0 }
            var ans: Double
            let a0 = min(a, b)
            if a0 >= 1 {
                ans = powExp(x, a, -betaln(a, b)) / a
            } else {
                let b0 = max(a, b)
                if b0 < 8 {
                    if b0 <= 1 {
                        ans = pow(x, a)
                        if ans == 0 { return 0 }
                        let apb = a + b
                        let c = (gam1(a) + 1) * (gam1(b) + 1) / reciprocalGammaOnePlus(apb)
                        ans *= c * (b / apb)
                    } else {
                        let (u, b0, t) = reduceB(a0, b0)
                        ans = powExp(x, a, -u) * (a0 / a) * (gam1(b0) + 1) / t
                    }
                } else {
                    let u = gamln1(a0) + algdiv(a0, b0)
                    ans = a0 / a * powExp(x, a, -u)
                }
            }
            if ans == 0 || a <= eps * 0.1 { return ans }

            // series
            let tol = eps / a
            var n = 0.0
            var sum = 0.0
            var c = 1.0
            var w: Double
            repeat {
                n += 1
                c *= (0.5 - b / n + 0.5) * x
                w = c / (a + n)
                sum += w
            } while n < 1e7 && abs(w) > tol
            return a * sum > -1 ? ans * (a * sum + 1) : 0
        }

        /// I_x(a, b) − I_x(a + n, b) for a positive integer n:
        /// x^a y^b / (a B(a, b)) Σ_{i<n} d_i, d_0 = 1, d_{i+1} = d_i x (a + b + i)/(a + 1 + i).
        ///
        /// (TOMS 708 scales the prefactor by e^708 only when a >= 1; here the prefactor is taken in
        /// log space whenever it would underflow, and the sum is rescaled if it grows very large.)
        static func bup(_ a: Double, _ b: Double, _ x: Double, _ y: Double, _ n: Int) -> Double {
            let apb = a + b
            let ap1 = a + 1
            let front = brcomp(a, b, x, y) / a
            let frontInRange = front >= 1e-300 && front.isFinite
            if n == 1 {
                return frontInRange ? front : exp(logBrcomp(a, b, x, y) - log(a))
            }
            let nm1 = n - 1
            var d = 1.0
            var w = 1.0
            var rescalings = 0
            let big = 1e250
            var k = 0
            if b > 1 {
                if y > 1e-4 {
                    let r = (b - 1) * x / y - a
                    if r >= 1 { k = r < Double(nm1) ? Int(r) : nm1 }
                } else {
                    k = nm1
                }
                // add the increasing terms of the series
                var i = 0
                while i < k {
                    let l = Double(i)
                    d *= (apb + l) / (ap1 + l) * x
                    w += d
                    if w > big {
                        w /= big
                        d /= big
                        rescalings += 1
                    }
                    i += 1
                }
            }
            // add the remaining terms
            var i = k
            while i < nm1 {
                let l = Double(i)
                d *= (apb + l) / (ap1 + l) * x
                w += d
                if d <= eps * w { break }
                i += 1
            }
            if frontInRange {
                var result = front * w
                for _ in 0..<rescalings { result *= big }
                return result
            }
            return exp(logBrcomp(a, b, x, y) - log(a) + Double(rescalings) * log(big) + log(w))
        }

        /// ln(x^a y^b / B(a, b)) (for prefactors that under- or overflow).
        static func logBrcomp(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
            if x == 0 || y == 0 { return -.infinity }
            let a0 = min(a, b)
            if a0 < 8 {
                let (lnx, lny) = logPair(x, y)
                let z = a * lnx + b * lny
                if a0 >= 1 { return z - betaln(a, b) }
                let b0 = max(a, b)
                if b0 >= 8 { return log(a0) + z - (gamln1(a0) + algdiv(a0, b0)) }
                if b0 <= 1 {
                    let apb = a + b
                    let c = (gam1(a) + 1) * (gam1(b) + 1) / reciprocalGammaOnePlus(apb)
                    return z + log(a0 * c) - log1p(a0 / b0)
                }
                let (u, b1, t) = reduceB(a0, b0)
                return log(a0) + z - u + log1p(gam1(b1)) - log(t)
            }
            let h: Double
            let x0: Double
            let y0: Double
            let lambda: Double
            if a <= b {
                h = a / b
                x0 = h / (h + 1)
                y0 = 1 / (h + 1)
                lambda = fma(-(a + b), x, a)
            } else {
                h = b / a
                x0 = 1 / (h + 1)
                y0 = h / (h + 1)
                lambda = fma(a + b, y, -b)
            }
            let e1 = -lambda / a
            let e2 = lambda / b
            let termA = abs(e1) <= 0.6 ? -a * rlog1(e1) : a * (log(x / x0) - e1)
            let termB = abs(e2) <= 0.6 ? -b * rlog1(e2) : b * (log(y / y0) - e2)
            return log(invSqrt2Pi) + 0.5 * log(b * x0) + termA + termB - bcorr(a, b)
        }

        /// Continued fraction for I_x(a, b) when a, b > 1; lambda = (a + b) y − b.
        static func bfrac(
            _ a: Double, _ b: Double, _ x: Double, _ y: Double,
            _ lambda: DoubleDouble, _ tolerance: Double
        ) -> Double {
            guard lambda.hi.isFinite else { return .nan }
            let brc = brcomp(a, b, x, y, lambda: lambda)
            if brc.isNaN { return .nan }
            if brc == 0 { return 0 }
            let c = lambda.hi + 1
            let c0 = b / a
            let c1 = 1 / a + 1
            let yp1 = y + 1
            var n = 0.0
            var p = 1.0
            var s = a + 1
            var an = 0.0
            var bn = 1.0
            var anp1 = 1.0
            var bnp1 = c / c1
            var r = c1 / c
            var r0: Double
            repeat {
                n += 1
                var t = n / a
                let w = n * (b - n) * x
                var e = a / s
                let alpha = p * (p + c0) * e * e * (w * x)
                e = (t + 1) / (c1 + t + t)
                let beta = n + w / s + e * (c + n * yp1)
                p = t + 1
                s += 2
                t = alpha * an + beta * anp1
                an = anp1
                anp1 = t
                t = alpha * bn + beta * bnp1
                bn = bnp1
                bnp1 = t
                r0 = r
                r = anp1 / bnp1
                if abs(r - r0) <= tolerance * r { break }
                an /= bnp1
                bn /= bnp1
                anp1 = r
                bnp1 = 1
            } while n < 10_000
            return brc * r
        }

        /// x^a y^b / B(a, b); `lambda` (optional) = a − (a + b) x, see ``ratio(_:_:_:_:lambda:)``.
        static func brcomp(
            _ a: Double, _ b: Double, _ x: Double, _ y: Double,
            lambda givenLambda: DoubleDouble? = nil
        ) -> Double {
            if x == 0 || y == 0 { return 0 }
            let a0 = min(a, b)
            if a0 < 8 {
                if a0 >= 1 {
                    return powerProduct(a, b, x, y, -betaln(a, b))
                }
                let b0 = max(a, b)
                if b0 >= 8 {
                    let u = gamln1(a0) + algdiv(a0, b0)
                    return a0 * powerProduct(a, b, x, y, -u)
                }
                if b0 <= 1 {
                    let ez = powerProduct(a, b, x, y, 0)
                    if ez == 0 { return 0 }
                    let apb = a + b
                    let c = (gam1(a) + 1) * (gam1(b) + 1) / reciprocalGammaOnePlus(apb)
                    return ez * (a0 * c) / (a0 / b0 + 1)
                }
                // 1 < b0 < 8
                let (u, b1, t) = reduceB(a0, b0)
                return a0 * powerProduct(a, b, x, y, -u) * (gam1(b1) + 1) / t
            }
            // a, b >= 8:  x^a y^b / B(a, b) = √(b x₀ / 2π) (x/x₀)^a (y/y₀)^b e^(−bcorr(a, b)),
            // x₀ = a/(a + b), y₀ = b/(a + b)
            let x0: Double
            if a <= b {
                let h = a / b
                x0 = h / (h + 1)
            } else {
                let h = b / a
                x0 = 1 / (h + 1)
            }
            let z = expOfScaledDeviations(a, b, givenLambda ?? deviation(a, b, x, y), x, y)
            return invSqrt2Pi * (b * x0).squareRoot() * z * exp(-bcorr(a, b))
        }

        /// exp(−a rlog1(−λ/a) − b rlog1(λ/b)) = (x/x₀)^a (y/y₀)^b, x₀ = a/(a + b), y₀ = b/(a + b),
        /// with both exponents carried in double-double, so that the result keeps full relative
        /// accuracy when the exponent is several hundred.
        static func expOfScaledDeviations(
            _ a: Double, _ b: Double, _ lambda: DoubleDouble,
            _ x: Double, _ y: Double
        ) -> Double {
            let (e1, e1Low) = divide(-lambda.hi, -lambda.lo, by: a)  // x/x₀ = 1 + e1
            let (e2, e2Low) = divide(lambda.hi, lambda.lo, by: b)  // y/y₀ = 1 + e2
            let termA =
                abs(e1) <= 0.6
                ? scaledLog1pmx(a, e1, e1Low)
                : scaledLogDeviation(a, e1, e1Low, source: x, a: a, b: b)
            let termB =
                abs(e2) <= 0.6
                ? scaledLog1pmx(b, e2, e2Low)
                : scaledLogDeviation(b, e2, e2Low, source: y, a: a, b: b)
            let (hi, hiLow) = twoSum(termA.hi, termB.hi)
            return exp(hi) * (1 + (hiLow + termA.lo + termB.lo))
        }

        /// c (ln(1 + e) − e) in double-double for |e| > 0.6, where 1 + e = v (a + b)/c; for e < −½ the
        /// ratio is formed from v (= x or y, accurate when small) rather than from e.
        static func scaledLogDeviation(
            _ c: Double, _ e: Double, _ eLow: Double,
            source v: Double, a: Double, b: Double
        ) -> (hi: Double, lo: Double) {
            var q: Double
            var qLow: Double
            if e < -0.5 {
                let (s, sLow) = twoSum(a, b)
                let p = v * s
                let pLow = fma(v, s, -p) + v * sLow
                (q, qLow) = divide(p, pLow, by: c)
            } else {
                let (s, sLow) = twoSum(1, e)
                q = s
                qLow = sLow + eLow
            }
            let logQ = logDoubleDouble(q, qLow)
            var (d, dLow) = twoSum(logQ.hi, -e)
            dLow += logQ.lo - eLow
            let hi = c * d
            return (hi, fma(c, d, -hi) + c * dLow)
        }

        /// (ln x, ln y) for x + y = 1, each computed from the better-conditioned argument.
        @inline(__always)
        /// 1 / Γ(1 + s) for 0 < s ≤ 2, from gam1(t) = 1/Γ(1 + t) − 1 (accurate on −½ ≤ t ≤ 3/2):
        /// 1/Γ(1 + s) = (gam1(s − 1) + 1) / s above 1. TOMS 708's BPSER, BRCOMP and their log form share it.
        static func reciprocalGammaOnePlus(_ s: Double) -> Double {
            s > 1 ? (gam1(s - 1) + 1) / s : gam1(s) + 1
        }

        /// TOMS 708's reduction of B(a0, b0) for a0 < 1 < b0 < 8 to 0 < b1 ≤ 1: the recurrence
        /// B(a0, b) = B(a0, b − 1) (b − 1) / (a0 + b − 1) applied m = ⌊b0 − 1⌋ times. Returns
        /// u = log Γ(1 + a0) − log Π (b0 − k) / (a0 + b0 − k) over those steps, b1 = b0 − m − 1,
        /// and t = 1 / Γ(1 + a0 + b1), the terms BPSER, BRCOMP and its log form each combine.
        static func reduceB(_ a0: Double, _ b0: Double) -> (u: Double, b1: Double, t: Double) {
            var b0 = b0
            var u = gamln1(a0)
            let m = Int(b0 - 1)
            if m >= 1 {
                var c = 1.0
                for _ in 1...m {
                    b0 -= 1
                    c *= b0 / (a0 + b0)
                }
                u += log(c)
            }
            b0 -= 1
            return (u, b0, reciprocalGammaOnePlus(a0 + b0))
        }

        static func logPair(_ x: Double, _ y: Double) -> (Double, Double) {
            if x <= 0.375 { return (log(x), log1p(-x)) }
            if y > 0.375 { return (log(x), log(y)) }
            return (log1p(-y), log(y))
        }

        /// x^a e^c, using pow() (about 1 ulp for any exponent) instead of exp(a ln x + c), whose
        /// rounding error grows with |a ln x|. If x^a alone would underflow while x^a e^c does not,
        /// x^a is taken as k equal factors x^(a/k), k a power of two (so a/k is exact).
        @inline(__always)
        static func powExp(_ x: Double, _ a: Double, _ c: Double) -> Double {
            let logPower = a * log(x)
            if abs(c) < 700 {
                if logPower > -660 {
                    return pow(x, a) * exp(c)
                } else if logPower + c > -750 {
                    var k = 2.0
                    while logPower / k < -600 { k *= 2 }
                    let piece = pow(x, a / k)
                    var result = exp(c)
                    var i = 0.0
                    while i < k {
                        result *= piece
                        i += 1
                    }
                    return result
                }
            }
            return exp(logPower + c)
        }

        /// x^a y^b e^c for x + y = 1 (see ``powExp(_:_:_:)``): the factor of the smaller of x, y uses
        /// pow(), the other exp(b ln(1 − smaller)).
        static func powerProduct(_ a: Double, _ b: Double, _ x: Double, _ y: Double, _ c: Double) -> Double {
            if x <= y {
                return powExp(x, a, c + b * log1p(-x))
            }
            return powExp(y, b, c + a * log1p(-y))
        }

        /// Asymptotic expansion for I_x(a, b) when a is larger than b (a >= 15, b <= 1).
        /// Returns w + I_x(a, b).
        static func bgrat(
            _ a: Double, _ b: Double, _ x: Double, _ y: Double,
            _ w: Double, _ tolerance: Double
        ) -> Double {
            let bm1 = b - 1
            let nu = a + bm1 * 0.5
            let lnx = y > 0.375 ? log(x) : log1p(-y)
            let z = -nu * lnx
            if b * z == 0 { return w }  // expansion cannot be computed (underflow)

            // r = exp(-z) z^b / Γ(b);  u = r Γ(a+b) / (Γ(a) nu^b)  (factored out)
            let logRWithoutZ = log(b) + log1p(gam1(b)) + b * log(z)
            let logR = logRWithoutZ - z
            let logUWithoutZ = logRWithoutZ - (algdiv(b, a) + b * log(nu))
            let logU = logUWithoutZ - z
            if logU == -.infinity { return w }
            var u = exp(logU)
            if z > 30 && y <= 0.375 {
                // e^(−z) with z = −ν ln(1 − y) carried in double-double: the result inherits no
                // rounding error proportional to z (up to ~700 in the far tails)
                let (h, l) = scaledLog1pmx(1, -y, 0)  // ln(1 − y) + y
                var (lnxHi, lnxLow) = twoSum(-y, h)
                lnxLow += l
                let p = nu * lnxHi
                let pLow = fma(nu, lnxHi, -p) + nu * lnxLow  // ν ln x = p + pLow = −z
                let (s, e) = twoSum(logUWithoutZ, p)
                u = exp(s) * (1 + (e + pLow))
            }
            let uUnderflows = u == 0
            let l = w == 0 ? 0 : exp(log(w) - logU)
            let qOverR = gratR(b, z, logR, tolerance)
            let v = 0.25 / (nu * nu)
            let t2 = lnx * 0.25 * lnx
            // coefficient arrays c[0..<30], d[0..<30] on the stack
            let sum: Double? = withUnsafeTemporaryAllocation(of: Double.self, capacity: 60) { buffer in
                let c = buffer.baseAddress!
                let d = c + 30
                var j = qOverR
                var sum = j
                var t = 1.0
                var cn = 1.0
                var n2 = 0.0
                for n in 1...30 {
                    let bp2n = b + n2
                    j = (bp2n * (bp2n + 1) * j + (z + bp2n + 1) * t) * v
                    n2 += 2
                    t *= t2
                    cn /= n2 * (n2 + 1)
                    let nm1 = n - 1
                    c[nm1] = cn
                    var s = 0.0
                    if n > 1 {
                        var coef = b - Double(n)
                        for i in 1...nm1 {
                            s += coef * c[i - 1] * d[nm1 - i]
                            coef += b
                        }
                    }
                    d[nm1] = bm1 * cn + s / Double(n)
                    let dj = d[nm1] * j
                    sum += dj
                    if sum <= 0 { return nil }  // expansion cannot be computed
                    if abs(dj) <= tolerance * (sum + l) { break }
                }
                return sum
            }
            guard let sum else { return w }
            return w + (uUnderflows ? exp(logU + log(sum)) : u * sum)
        }

        /// Q(a, x) / r with r = e^(−x) x^a / Γ(a) = exp(logR), for a <= 1.
        static func gratR(_ a: Double, _ x: Double, _ logR: Double, _ tolerance: Double) -> Double {
            if a * x == 0 {
                return x <= a ? exp(-logR) : 0
            }
            if a == 0.5 {
                if x < 0.25 {
                    return erfc(x.squareRoot()) * exp(-logR)
                }
                let sx = x.squareRoot()
                return erfcx(sx) / sx * sqrtPi
            }
            if x < 1.1 {
                let q = GammaRatio.smallA(a, x).q
                return q * exp(-logR)
            }
            return GammaRatio.continuedFractionQOverR(a, x, tolerance: tolerance)
        }

        /// Asymptotic expansion for I_x(a, b) for large a and b; lambda = (a + b) y − b >= 0,
        /// a, b >= 15.
        static func basym(_ a: Double, _ b: Double, _ lambda: DoubleDouble, _ tolerance: Double) -> Double {
            let e0 = twoOverSqrtPi
            let e1 = 0.3535533905932738  // 2^(-3/2)
            let numIT = 20
            var a0 = [Double](repeating: 0, count: numIT + 1)
            var b0 = [Double](repeating: 0, count: numIT + 1)
            var c = [Double](repeating: 0, count: numIT + 1)
            var d = [Double](repeating: 0, count: numIT + 1)

            let (dA, dALow) = divide(-lambda.hi, -lambda.lo, by: a)
            let (dB, dBLow) = divide(lambda.hi, lambda.lo, by: b)
            let termA = abs(dA) < 0.65 ? scaledLog1pmx(a, dA, dALow) : (hi: -a * rlog1(dA), lo: 0.0)
            let termB = abs(dB) < 0.65 ? scaledLog1pmx(b, dB, dBLow) : (hi: -b * rlog1(dB), lo: 0.0)
            let (minusF, minusFLow) = twoSum(termA.hi, termB.hi)
            let f = -minusF
            let t = exp(minusF) * (1 + (minusFLow + termA.lo + termB.lo))
            if t == 0 { return 0 }
            let z0 = f.squareRoot()
            let z = z0 / e1 * 0.5
            let z2 = f + f
            let h: Double
            let r0: Double
            let r1: Double
            let w0: Double
            if a < b {
                h = a / b
                r0 = 1 / (h + 1)
                r1 = (b - a) / b
                w0 = 1 / (a * (h + 1)).squareRoot()
            } else {
                h = b / a
                r0 = 1 / (h + 1)
                r1 = (b - a) / a
                w0 = 1 / (b * (h + 1)).squareRoot()
            }
            a0[0] = r1 * (2.0 / 3.0)
            c[0] = a0[0] * -0.5
            d[0] = -c[0]
            var j0 = 0.5 / e0 * erfcx(z0)
            var j1 = e1
            var sum = j0 + d[0] * w0 * j1
            var s = 1.0
            let h2 = h * h
            var hn = 1.0
            var w = w0
            var znm1 = z
            var zn = z2
            var n = 2
            while n <= numIT {
                hn *= h2
                a0[n - 1] = r0 * 2 * (h * hn + 1) / (Double(n) + 2)
                let np1 = n + 1
                s += hn
                a0[np1 - 1] = r1 * 2 * s / (Double(n) + 3)
                for i in n...np1 {
                    let r = (Double(i) + 1) * -0.5
                    b0[0] = r * a0[0]
                    if i >= 2 {
                        for m in 2...i {
                            var bsum = 0.0
                            for jj in 1...(m - 1) {
                                let mmj = m - jj
                                bsum += (Double(jj) * r - Double(mmj)) * a0[jj - 1] * b0[mmj - 1]
                            }
                            b0[m - 1] = r * a0[m - 1] + bsum / Double(m)
                        }
                    }
                    c[i - 1] = b0[i - 1] / (Double(i) + 1)
                    var dsum = 0.0
                    if i >= 2 {
                        for jj in 1...(i - 1) {
                            dsum += d[i - jj - 1] * c[jj - 1]
                        }
                    }
                    d[i - 1] = -(dsum + c[i - 1])
                }
                j0 = e1 * znm1 + (Double(n) - 1) * j0
                j1 = e1 * zn + Double(n) * j1
                znm1 *= z2
                zn *= z2
                w *= w0
                let t0 = d[n - 1] * w * j0
                w *= w0
                let t1 = d[np1 - 1] * w * j1
                sum += t0 + t1
                if abs(t0) + abs(t1) <= tolerance * sum { break }
                n += 2
            }
            let u = exp(-bcorr(a, b))
            return e0 * t * u * sum
        }

        /// ln B(a0, b0) (TOMS 708 `betaln`).
        static func betaln(_ a0: Double, _ b0: Double) -> Double {
            var a = min(a0, b0)
            var b = max(a0, b0)
            if a >= 8 {
                let w = bcorr(a, b)
                let h = a / b
                let u = -(a - 0.5) * log(h / (h + 1))
                let v = b * log1p(h)
                return u > v
                    ? log(b) * -0.5 + lnSqrt2Pi + w - v - u
                    : log(b) * -0.5 + lnSqrt2Pi + w - u - v
            }
            if a < 1 {
                return b < 8
                    ? gamln(a) + (gamln(b) - gamln(a + b))
                    : gamln(a) + algdiv(a, b)
            }
            // 1 <= a < 8
            var w: Double
            if a < 2 {
                if b <= 2 {
                    return gamln(a) + gamln(b) - gsumln(a, b)
                }
                if b >= 8 {
                    return gamln(a) + algdiv(a, b)
                }
                w = 0
            } else if b <= 1000 {
                // reduction of a
                let n = Int(a - 1)
                w = 1
                for _ in 0..<n {
                    a -= 1
                    let h = a / b
                    w *= h / (h + 1)
                }
                w = log(w)
                if b >= 8 {
                    return w + gamln(a) + algdiv(a, b)
                }
            } else {
                // reduction of a when b > 1000
                let n = Int(a - 1)
                w = 1
                for _ in 0..<n {
                    a -= 1
                    w *= a / (a / b + 1)
                }
                return log(w) - Double(n) * log(b) + (gamln(a) + algdiv(a, b))
            }
            // 1 < a <= b < 8: reduction of b
            let n = Int(b - 1)
            var z = 1.0
            for _ in 0..<n {
                b -= 1
                z *= b / (a + b)
            }
            return w + log(z) + (gamln(a) + (gamln(b) - gsumln(a, b)))
        }

        /// ln Γ(a + b) for 1 <= a, b <= 2.
        static func gsumln(_ a: Double, _ b: Double) -> Double {
            let x = a + b - 2
            if x <= 0.25 { return gamln1(x + 1) }
            if x <= 1.25 { return gamln1(x) + log1p(x) }
            return gamln1(x - 1) + log(x * (x + 1))
        }

        /// Del(a0) + Del(b0) − Del(a0 + b0) with ln Γ(a) = (a − ½) ln a − a + ½ ln 2π + Del(a);
        /// a0, b0 >= 8.
        static func bcorr(_ a0: Double, _ b0: Double) -> Double {
            let (c0, c1, c2, c3, c4, c5) = stirling
            let a = min(a0, b0)
            let b = max(a0, b0)
            let h = a / b
            let w = stirlingSeries(x: 1 / (h + 1), c: h / (h + 1), b: b)
            let t = 1 / (a * a)
            return (((((c5 * t + c4) * t + c3) * t + c2) * t + c1) * t + c0) / a + w
        }

        /// The Stirling-series coefficients of Del(a) = ln Γ(a) − (a − ½) ln a + a − ½ ln 2π ≈
        /// c0/a + c1/a³ + … + c5/a¹¹ that BCORR and ALGDIV share (TOMS 708's values).
        static let stirling = (
            1.0 / 12, -0.00277777777760991, 7.9365066682539e-4, -5.9520293135187e-4, 8.37308034031215e-4,
            -0.00165322962780713
        )

        /// The sum BCORR and ALGDIV both form for Del(b) − Del(a + b), b the larger argument:
        /// with s(2k+1) = 1 + x + … + x^(2k) and t = 1/b², (c0 + c1 s3 t + … + c5 s11 t⁵) · c / b.
        static func stirlingSeries(x: Double, c: Double, b: Double) -> Double {
            let (c0, c1, c2, c3, c4, c5) = stirling
            let x2 = x * x
            let s3 = x + x2 + 1
            let s5 = x + x2 * s3 + 1
            let s7 = x + x2 * s5 + 1
            let s9 = x + x2 * s7 + 1
            let s11 = x + x2 * s9 + 1
            let t = 1 / (b * b)
            var w = ((((c5 * s11 * t + c4 * s9) * t + c3 * s7) * t + c2 * s5) * t + c1 * s3) * t + c0
            w *= c / b
            return w
        }

        /// ln(Γ(b) / Γ(a + b)) when b >= 8.
        static func algdiv(_ a: Double, _ b: Double) -> Double {
            let h: Double
            let c: Double
            let x: Double
            let d: Double
            if a > b {
                h = b / a
                c = 1 / (h + 1)
                x = h / (h + 1)
                d = a + (b - 0.5)
            } else {
                h = a / b
                c = h / (h + 1)
                x = 1 / (h + 1)
                d = b + (a - 0.5)
            }
            let w = stirlingSeries(x: x, c: c, b: b)
            let u = d * log1p(a / b)
            let v = a * (log(b) - 1)
            return u > v ? w - v - u : w - u - v
        }
    }
}
