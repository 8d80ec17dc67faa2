import Foundation
import Testing

@testable import LinearAlgebra

/// Batched trend lines against statsmodels `OLS(y, add_constant(t)).fit()` per series
/// (Tests/Reference/make_linear_reference.py → Reference/trend.json).
@Suite("Batched trend lines")
struct TrendLinesTests {
    @Test func againstStatsmodels() throws {
        let ref = try #require(try loadReference("trend") as? [String: Any])
        let periods = Int(try #require(ref.double("periods")))
        let series = try #require(ref["series"] as? [[String: Any]])
        #expect(series.count >= 300)
        var values: [Double] = []
        for s in series { values += try #require(s.doubles("values")) }
        let fits = TrendLines(values: values, periods: periods)
        #expect(fits.seriesCount == series.count)
        for (i, s) in series.enumerated() {
            let kind = s["kind"] as? String ?? ""
            guard let e = s.dict("expected") else {
                #expect(fits.outcome[i] == .tooFew, "series \(i) (\(kind)) should give no row")
                continue
            }
            let n = Int(try #require(e.double("n")))
            #expect(Int(fits.count[i]) == n, "n of series \(i)")
            #expect(
                close(fits.slope[i], try #require(e.double("slope"))),
                "slope of series \(i) (\(kind)): \(fits.slope[i]) vs \(e.double("slope")!)")
            #expect(close(fits.intercept[i], try #require(e.double("intercept"))), "intercept of series \(i) (\(kind))")
            if s["perfect_fit"] as? Bool == true {
                // statsmodels' se, t and p are rounding noise here: check against the exact values.
                let exact = try #require(s.dict("exact"))
                #expect(abs(fits.slopeStandardError[i]) <= 1e-12 * abs(fits.slope[i]) + (exact.double("slope_se") ?? 0) * 1.01)
                #expect(close(fits.rSquared[i], 1, relative: 1e-12))
                continue
            }
            #expect(close(fits.slopeStandardError[i], try #require(e.double("slope_se"))), "slope_se of series \(i) (\(kind))")
            #expect(close(fits.confidenceLower[i], try #require(e.double("ci_low"))), "ci_low of series \(i) (\(kind))")
            #expect(close(fits.confidenceUpper[i], try #require(e.double("ci_high"))), "ci_high of series \(i) (\(kind))")
            if let t = e.double("t") {
                #expect(fits.outcome[i] == .fitted)
                #expect(close(fits.tValue[i], t), "t of series \(i) (\(kind))")
                #expect(
                    closeP(fits.pValue[i], try #require(e.double("p_value"))),
                    "p of series \(i) (\(kind)): \(fits.pValue[i]) vs \(e.double("p_value")!)")
                #expect(close(fits.rSquared[i], try #require(e.double("r2"))), "r2 of series \(i) (\(kind))")
            } else {
                #expect(fits.outcome[i] == .constant, "series \(i) (\(kind)) is constant")
                #expect(fits.tValue[i].isNaN && fits.pValue[i].isNaN && fits.rSquared[i].isNaN)
            }
        }
    }

    /// Adding a constant changes no slope; scaling scales the slope and leaves t unchanged.
    @Test func affineInvariance() {
        var rng = SystemRandomNumberGenerator()
        let p = 30
        var values = (0..<(p * 50)).map { _ in Double.random(in: -10...10, using: &rng) }
        for i in stride(from: 0, to: values.count, by: 7) { values[i] = .nan }
        let a = TrendLines(values: values, periods: p)
        let b = TrendLines(values: values.map { $0 + 1234.5 }, periods: p)
        let c = TrendLines(values: values.map { $0 * -3.5 }, periods: p)
        for i in 0..<a.seriesCount {
            #expect(close(a.slope[i], b.slope[i], relative: 1e-9, absolute: 1e-12))
            #expect(close(a.tValue[i], b.tValue[i], relative: 1e-8))
            #expect(close(a.slope[i] * -3.5, c.slope[i], relative: 1e-12))
            #expect(close(-a.tValue[i], c.tValue[i], relative: 1e-12))
            #expect(close(a.pValue[i], c.pValue[i], relative: 1e-12))
        }
    }
}
