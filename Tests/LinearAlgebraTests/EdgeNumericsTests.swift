import Foundation
import Testing

@testable import LinearAlgebra

/// Numerics at the edge (issue #9): values of 1e12 and 1e-12 in one series, series of 3
/// points, a series of one point, near-collinear regressors. Each result matches
/// statsmodels or is refused with a named reason (Tests/Reference/make_edge_reference.py
/// → Reference/edge.json).
@Suite("Numerics at the edge")
struct EdgeNumericsTests {
    /// Relative 1e-8 with a floor scaled to the series, so 1e-12-sized values are really compared.
    func near(_ a: Double, _ b: Double, _ rel: Double = 1e-8) -> Bool {
        abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-300
    }

    @Test func trendLinesMatchStatsmodelsOrGiveNoRow() throws {
        let ref = try #require(try loadReference("edge") as? [String: Any])
        let periods = Int(try #require(ref.double("periods")))
        let series = try #require(ref["trend"] as? [[String: Any]])
        var values: [Double] = []
        for s in series { values += try #require(s.doubles("values")) }  // null → NaN (missing)
        let fits = TrendLines(values: values, periods: periods)
        for (i, s) in series.enumerated() {
            let kind = s["kind"] as? String ?? ""
            guard let e = s.dict("expected") else {
                #expect(fits.outcome[i] == .tooFew, "\(kind): a series of fewer than 3 points gives no row")
                continue
            }
            #expect(fits.outcome[i] == .fitted, "\(kind)")
            #expect(Int(fits.count[i]) == Int(e.double("n") ?? 0), "\(kind)")
            for (name, got) in [
                ("slope", fits.slope[i]), ("intercept", fits.intercept[i]), ("slope_se", fits.slopeStandardError[i]),
                ("t", fits.tValue[i]), ("ci_low", fits.confidenceLower[i]), ("ci_high", fits.confidenceUpper[i]), ("r2", fits.rSquared[i]),
            ] {
                let want = try #require(e.double(name))
                #expect(near(got, want), "\(kind) \(name): \(got) vs statsmodels \(want)")
            }
            let p = try #require(e.double("p_value"))
            #expect(near(fits.pValue[i], p, 1e-6), "\(kind) p: \(fits.pValue[i]) vs \(p)")
        }
    }

    @Test func nearCollinearRegressorsMatchOrAreRefused() throws {
        let ref = try #require(try loadReference("edge") as? [String: Any])
        let designs = try #require(ref["ols"] as? [[String: Any]])
        #expect(designs.count == 2)
        for d in designs {
            let name = d["name"] as? String ?? ""
            let columns = try #require(d["columns"] as? [[Double]])
            let y = try #require(d.doubles("y"))
            let e = try #require(d.dict("expected"))
            let x = Matrix(columns: columns)
            if let error = e["error"] as? String {
                do {
                    _ = try LeastSquaresFit(design: x, response: y)
                    Issue.record("\(name): fitted, expected the refusal \(error)")
                } catch {
                    #expect(error.caseName == "rankDeficient", "\(name): \(error)")
                }
                continue
            }
            let fit = try LeastSquaresFit(design: x, response: y)
            for (j, want) in try #require(e.doubles("params")).enumerated() {
                #expect(near(fit.parameters[j], want), "\(name) param \(j): \(fit.parameters[j]) vs \(want)")
            }
            for (j, want) in try #require(e.doubles("bse")).enumerated() {
                #expect(near(fit.standardErrors[j], want), "\(name) se \(j)")
            }
            for (j, want) in try #require(e.doubles("pvalues")).enumerated() {
                #expect(near(fit.pValues[j], want, 1e-6), "\(name) p \(j)")
            }
            #expect(near(fit.sumOfSquaredResiduals, try #require(e.double("ssr")), 1e-7))
        }
    }
}
