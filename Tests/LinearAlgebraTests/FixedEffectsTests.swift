import Foundation
import Testing

@testable import LinearAlgebra

/// Fixed-effects OLS against statsmodels OLS with team (and period) dummies
/// (Tests/Reference/make_linear_reference.py → Reference/fixed_effects.json).
@Suite("Fixed effects against OLS with dummies")
struct FixedEffectsTests {
    nonisolated(unsafe) static let cases: [[String: Any]] = (try? loadReference("fixed_effects") as? [[String: Any]]) ?? []

    @Test func referenceFileIsPresent() { #expect(Self.cases.count >= 15) }

    @Test(arguments: cases.map { $0["name"] as! String })
    func fixedEffects(_ name: String) throws {
        let c = try #require(Self.cases.first { $0["name"] as? String == name })
        let team = try #require(c.doubles("team")).map { Int($0) }
        let period = try #require(c.doubles("period")).map { Int($0) }
        let rows = try #require(c.matrix("X"))
        let x = Matrix(rows: rows)
        let y = try #require(c.doubles("y"))
        let effects: FixedEffects = c["effects"] as? String == "team" ? .team : .teamAndPeriod
        let expected = try #require(c.dict("expected"))
        if let want = expected["error"] as? String {
            do {
                _ = try FixedEffectsFit(team: team, period: period, regressors: x, response: y, effects: effects)
                Issue.record("expected \(want)")
            } catch {
                #expect(error.caseName == want, "\(error)")
            }
            return
        }
        let fit = try FixedEffectsFit(team: team, period: period, regressors: x, response: y, effects: effects)
        // Issue #2: 1e-10 relative against OLS with the dummies.
        expectClose(fit.slopes, try #require(expected.doubles("params")), "params", relative: 1e-10)
        expectClose(fit.standardErrors, try #require(expected.doubles("bse")), "bse", relative: 1e-10)
        expectClose(fit.tValues, try #require(expected.doubles("tvalues")), "tvalues", relative: 1e-10)
        expectClose(fit.pValues, try #require(expected.doubles("pvalues")), "pvalues", p: true)
        #expect(close(fit.sumOfSquaredResiduals, try #require(expected.double("ssr")), relative: 1e-10))
        #expect(fit.residualDegreesOfFreedom == expected.double("df_resid"))
        #expect(fit.observationCount == Int(try #require(expected.double("nobs"))))
    }

    /// Shuffling the rows of a panel changes no estimate.
    @Test func rowOrderDoesNotMatter() throws {
        let c = try #require(Self.cases.first { $0["name"] as? String == "large_unbalanced_30x40_k2_twoway" })
        let team = try #require(c.doubles("team")).map { Int($0) }
        let period = try #require(c.doubles("period")).map { Int($0) }
        let rows = try #require(c.matrix("X"))
        let y = try #require(c.doubles("y"))
        var rng = SystemRandomNumberGenerator()
        let order = Array(0..<y.count).shuffled(using: &rng)
        let a = try FixedEffectsFit(team: team, period: period, regressors: Matrix(rows: rows), response: y, effects: .teamAndPeriod)
        let b = try FixedEffectsFit(
            team: order.map { team[$0] }, period: order.map { period[$0] },
            regressors: Matrix(rows: order.map { rows[$0] }), response: order.map { y[$0] }, effects: .teamAndPeriod)
        expectClose(b.slopes, a.slopes, "slopes", relative: 1e-10)
        expectClose(b.standardErrors, a.standardErrors, "bse", relative: 1e-10)
    }
}
