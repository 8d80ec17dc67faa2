import Distributions
import Foundation
import Ingest
import LinearAlgebra
import Testing

@testable import Analysis

/// Lead-lag computes its regressions three ways: from residual moments in two sweeps (the
/// common case), from stored residuals when no team is complete or digits were lost, and by
/// Householder QR when the moments are ill-conditioned. Whichever path a sample takes, the
/// numbers must equal `FixedEffectsFit` on the same rows with explicit period dummies — the
/// design the golden tests check against statsmodels.
@Suite("Lead-lag computation paths")
struct LeadLagPathTests {
    enum Shape: String, CaseIterable, CustomStringConvertible {
        /// No gaps: every team complete.
        case complete
        /// Every team misses some periods: no complete team, connectivity checked.
        case everyTeamGappy
        /// y almost equals a lag of x: SSR is tiny next to Σy².
        case nearlyPerfect
        /// Period effects are almost all of x's variation.
        case seasonDominated
        var description: String { rawValue }
    }

    static func panel(_ shape: Shape, teams: Int = 9, periods: Int = 30) -> Panel {
        var rng = SeededGenerator(seed: 42)
        func normal() -> Double {
            let u = Swift.max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * Double(rng.next() >> 11) / Double(1 << 53))
        }
        let season = (0..<periods).map { _ in normal() * (shape == .seasonDominated ? 1e4 : 3) }
        var values = [Double](repeating: .nan, count: teams * 2 * periods)
        for i in 0..<teams {
            let level = 5 * normal()
            var x = [Double](repeating: 0, count: periods)
            for t in 0..<periods { x[t] = level + season[t] + normal() }
            for t in 0..<periods {
                let lagged = t >= 2 ? x[t - 2] : 0
                let y = shape == .nearlyPerfect ? 3 * lagged + 1e-7 * normal() + level : 0.5 * lagged + level + season[t] + normal()
                values[(i * 2) * periods + t] = x[t]
                values[(i * 2 + 1) * periods + t] = y
            }
            if shape == .everyTeamGappy {
                // One or two gaps per team, at team-specific places.
                values[(i * 2) * periods + (3 + 5 * i) % periods] = .nan
                if i % 2 == 0 { values[(i * 2 + 1) * periods + (11 + 7 * i) % periods] = .nan }
            }
        }
        return Panel(
            teams: (0..<teams).map { "T\($0)" }, measures: ["x", "y"], frequency: .month,
            firstPeriod: Period(frequency: .month, ordinal: 24_000), periodCount: periods, values: values)
    }

    /// The reference: y[i,t+k] ~ x[i,t] with dummies, as before the grid engine existed.
    static func referenceLag(_ p: Panel, lag k: Int) -> (t: Double, df: Double)? {
        var team: [Int] = []
        var period: [Int] = []
        var xs: [Double] = []
        var ys: [Double] = []
        for i in 0..<p.teamCount {
            for t in 0..<(p.periodCount - k) {
                let (x, y) = (p[i, 0, t], p[i, 1, t + k])
                if x.isNaN || y.isNaN { continue }
                team.append(i)
                period.append(t + k)
                xs.append(x)
                ys.append(y)
            }
        }
        guard
            let fit = try? FixedEffectsFit(
                team: team, period: period, regressors: Matrix(rows: xs.count, columns: 1, columnMajor: xs),
                response: ys, effects: .teamAndPeriod)
        else { return nil }
        return (fit.tValues[0], fit.residualDegreesOfFreedom)
    }

    /// The reference Granger F at p lags, x → y, on the rows complete for p.
    static func referenceGranger(_ p: Panel, x: Int, y: Int, lags: Int) -> Double? {
        var team: [Int] = []
        var period: [Int] = []
        var ys: [Double] = []
        var columns = [[Double]](repeating: [], count: 2 * lags)
        for i in 0..<p.teamCount {
            rows: for t in lags..<p.periodCount {
                if p[i, y, t].isNaN { continue }
                for l in 1...lags where p[i, y, t - l].isNaN || p[i, x, t - l].isNaN { continue rows }
                team.append(i)
                period.append(t)
                ys.append(p[i, y, t])
                for l in 1...lags {
                    columns[l - 1].append(p[i, y, t - l])
                    columns[lags + l - 1].append(p[i, x, t - l])
                }
            }
        }
        guard
            let u = try? FixedEffectsFit(
                team: team, period: period, regressors: Matrix(columns: columns), response: ys, effects: .teamAndPeriod),
            let r = try? FixedEffectsFit(
                team: team, period: period, regressors: Matrix(columns: Array(columns[0..<lags])), response: ys, effects: .teamAndPeriod)
        else { return nil }
        return ((r.sumOfSquaredResiduals - u.sumOfSquaredResiduals) / Double(lags)) / (u.sumOfSquaredResiduals / u.residualDegreesOfFreedom)
    }

    @Test(arguments: Shape.allCases)
    func everyPathEqualsTheDummyDesign(_ shape: Shape) throws {
        let p = Self.panel(shape)
        let c = PairComputation(panel: p, teams: Array(0..<p.teamCount), x: 0, y: 1, maxLag: 6)
        #expect(c.lags.count == 7)
        for row in c.lags {
            let ref = try #require(Self.referenceLag(p, lag: row.lag), "lag \(row.lag)")
            let t = try #require(row.t, "lag \(row.lag): \(row.reason ?? "")")
            #expect(abs(t - ref.t) <= 1e-8 * abs(ref.t), "\(shape) lag \(row.lag): t \(t) vs \(ref.t)")
        }
        for (g, (x, y)) in [(c.forward, (0, 1)), (c.reverse, (1, 0))] {
            let test = try #require(g, "\(shape): Granger undefined: \(c.notes)")
            let f = try #require(Self.referenceGranger(p, x: x, y: y, lags: test.lags))
            // F of a near-perfect fit is a ratio of a large and a tiny SSR: its relative error is
            // the tiny SSR's, which the dummy design (statsmodels' own method) carries too.
            let tolerance = shape == .nearlyPerfect ? 1e-5 : 1e-8
            #expect(abs(test.f - f) <= tolerance * abs(f), "\(shape) \(x)→\(y): F \(test.f) vs \(f)")
        }
    }

    @Test func teamsThatShareNoPeriodGiveAReasonNotANumber() throws {
        // Teams 0–3 report in the first half only, 4–8 in the second half only.
        var p = Self.panel(.complete)
        for i in 0..<p.teamCount {
            for t in 0..<p.periodCount where (i < 4) != (t < 15) {
                p[i, 0, t] = .nan
                p[i, 1, t] = .nan
            }
        }
        let c = PairComputation(panel: p, teams: Array(0..<p.teamCount), x: 0, y: 1, maxLag: 3)
        #expect(c.lags[0].r == nil)
        #expect(c.lags[0].reason?.contains("rank-deficient") == true)
        #expect(c.forward == nil)
    }
}
