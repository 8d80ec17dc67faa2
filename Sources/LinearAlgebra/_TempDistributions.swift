// TEMPORARY (not committed): replaced by Distributions/ from a helper.
import Foundation
func _ibeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
    if x <= 0 { return 0 }; if x >= 1 { return 1 }
    let bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
    func cf(_ a: Double, _ b: Double, _ x: Double) -> Double {
        var c = 1.0, d = 1 - (a + b) * x / (a + 1); if abs(d) < 1e-300 { d = 1e-300 }; d = 1 / d; var h = d
        for m in 1...300 { let m = Double(m); let m2 = 2 * m
            var aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2)); d = 1 + aa * d; if abs(d) < 1e-300 { d = 1e-300 }; c = 1 + aa / c; if abs(c) < 1e-300 { c = 1e-300 }; d = 1 / d; h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2)); d = 1 + aa * d; if abs(d) < 1e-300 { d = 1e-300 }; c = 1 + aa / c; if abs(c) < 1e-300 { c = 1e-300 }; d = 1 / d; let del = d * c; h *= del; if abs(del - 1) < 1e-16 { break } }
        return h }
    if x < (a + 1) / (a + b + 2) { return bt * cf(a, b, x) / a } else { return 1 - bt * cf(b, a, 1 - x) / b }
}
public struct StudentT: Sendable {
    public let df: Double
    public init(degreesOfFreedom: Double) { df = degreesOfFreedom }
    public func survival(_ t: Double) -> Double { let x = df / (df + t * t); let tail = 0.5 * _ibeta(df / 2, 0.5, x); return t > 0 ? tail : 1 - tail }
    public func cdf(_ t: Double) -> Double { survival(-t) }
    public func twoSidedPValue(_ t: Double) -> Double { _ibeta(df / 2, 0.5, df / (df + t * t)) }
    public func quantile(_ p: Double) -> Double { var lo = -1e6, hi = 1e6; for _ in 0..<200 { let m = (lo + hi) / 2; if cdf(m) < p { lo = m } else { hi = m } }; return (lo + hi) / 2 }
}
public struct FDistribution: Sendable {
    let d1: Double, d2: Double
    public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) { d1 = numeratorDegreesOfFreedom; d2 = denominatorDegreesOfFreedom }
    public func survival(_ f: Double) -> Double { _ibeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f)) }
}
public struct Normal: Sendable {
    public init(mean: Double = 0, standardDeviation: Double = 1) {}
    public func survival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }
    public func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
}
