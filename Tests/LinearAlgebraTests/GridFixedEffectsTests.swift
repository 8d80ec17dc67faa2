import Distributions
import Foundation
import LinearAlgebra
import Testing

/// `GridFixedEffects` + `NestedRegressions` (the lead-lag engine) against `FixedEffectsFit`
/// with explicit period dummies, which the golden tests check against statsmodels at 1e-10.
@Suite struct GridFixedEffectsTests {
    /// Reproducible grids: SplitMix64 (`SeededGenerator`) with Box–Muller normals.
    struct Generator {
        var base: SeededGenerator
        init(state: UInt64) { base = SeededGenerator(seed: state) }
        mutating func next() -> UInt64 { base.next() }
        mutating func uniform() -> Double { base.uniform() }
        mutating func normal() -> Double {
            let u = Swift.max(uniform(), 1e-300)
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * uniform())
        }
    }

    struct Case: CustomStringConvertible {
        var teams: Int
        var periods: Int
        var seed: UInt64
        /// Share of cells left out; teams may also start late.
        var gaps: Double
        var regressors: Int
        var description: String { "\(teams)×\(periods) gaps \(gaps) k=\(regressors) seed \(seed)" }
    }

    static let cases: [Case] = [
        Case(teams: 7, periods: 12, seed: 1, gaps: 0, regressors: 1),
        Case(teams: 7, periods: 12, seed: 2, gaps: 0.15, regressors: 1),
        Case(teams: 30, periods: 24, seed: 3, gaps: 0.05, regressors: 3),
        Case(teams: 12, periods: 40, seed: 4, gaps: 0.6, regressors: 2),
        Case(teams: 50, periods: 8, seed: 5, gaps: 0.3, regressors: 5),
        Case(teams: 3, periods: 60, seed: 6, gaps: 0.1, regressors: 4),
        Case(teams: 1, periods: 30, seed: 7, gaps: 0.2, regressors: 2),
    ]

    @Test(arguments: cases)
    func agreesWithTheDummyDesign(_ c: Case) throws {
        var rng = Generator(state: c.seed)
        let columns = c.regressors + 1
        // values[team][column][period], seasonality shared by all teams so period effects matter.
        let season = (0..<c.periods).map { _ in 5 * rng.normal() }
        var values = [Double](repeating: 0, count: c.teams * columns * c.periods)
        var mask = [Bool](repeating: false, count: c.teams * c.periods)
        for i in 0..<c.teams {
            let start = rng.uniform() < 0.3 ? Int(rng.uniform() * Double(c.periods / 3)) : 0
            let level = 10 * rng.normal()
            for t in 0..<c.periods {
                mask[i * c.periods + t] = t >= start && rng.uniform() >= c.gaps
                var y = level + season[t] + rng.normal()
                for j in 0..<c.regressors {
                    let x = season[t] * Double(j + 1) * 0.3 + level * 0.2 + rng.normal()
                    values[(i * columns + j) * c.periods + t] = x
                    y += Double(j + 1) * 0.5 * x
                }
                values[(i * columns + c.regressors) * c.periods + t] = y
            }
        }
        // The same rows for the dummy design.
        var team: [Int] = []
        var period: [Int] = []
        var xs = [[Double]](repeating: [], count: c.regressors)
        var ys: [Double] = []
        for i in 0..<c.teams {
            for t in 0..<c.periods where mask[i * c.periods + t] {
                team.append(i)
                period.append(t)
                for j in 0..<c.regressors { xs[j].append(values[(i * columns + j) * c.periods + t]) }
                ys.append(values[(i * columns + c.regressors) * c.periods + t])
            }
        }
        let reference = try FixedEffectsFit(
            team: team, period: period, regressors: Matrix(columns: xs), response: ys, effects: .teamAndPeriod)
        let effects = GridFixedEffects(mask: mask, rows: c.teams, periods: c.periods)
        #expect(effects.problem == nil)
        #expect(effects.observationCount == ys.count)
        #expect(Double(effects.observationCount - effects.absorbedParameters - c.regressors) == reference.residualDegreesOfFreedom)
        let (z, raw) = effects.residualise(
            values, rowOffsets: (0..<c.teams).map { $0 * columns * c.periods }, starts: (0..<columns).map { $0 * c.periods })
        let fit = NestedRegressions(z, rawNorms: raw)
        #expect(fit.firstDependentRegressor == nil)
        let ssr = fit.sumOfSquaredResiduals(regressors: c.regressors)
        #expect(
            abs(ssr - reference.sumOfSquaredResiduals) <= 1e-11 * reference.sumOfSquaredResiduals,
            "SSR \(ssr) vs \(reference.sumOfSquaredResiduals)")
        let t = fit.tValue(ofLastOf: c.regressors, residualDegreesOfFreedom: reference.residualDegreesOfFreedom)
        let tRef = reference.tValues[c.regressors - 1]
        #expect(abs(t - tRef) <= 1e-10 * abs(tRef), "t \(t) vs \(tRef)")
        // Nested: dropping the last regressor, refitted with the dummy design.
        if c.regressors > 1 {
            let smaller = try FixedEffectsFit(
                team: team, period: period, regressors: Matrix(columns: Array(xs.dropLast())), response: ys, effects: .teamAndPeriod)
            let r = fit.sumOfSquaredResiduals(regressors: c.regressors - 1)
            #expect(abs(r - smaller.sumOfSquaredResiduals) <= 1e-11 * smaller.sumOfSquaredResiduals)
            let drop = fit.reduction(from: c.regressors - 1, to: c.regressors)
            #expect(abs(drop - (smaller.sumOfSquaredResiduals - reference.sumOfSquaredResiduals)) <= 1e-9 * drop)
        }
    }

    @Test func teamsThatShareNoPeriodAreRefused() {
        // Teams 0–1 report in periods 0–4, teams 2–3 in periods 5–9: two groups.
        var mask = [Bool](repeating: false, count: 4 * 10)
        for i in 0..<4 { for t in 0..<10 where (i < 2) == (t < 5) { mask[i * 10 + t] = true } }
        let effects = GridFixedEffects(mask: mask, rows: 4, periods: 10)
        #expect(effects.problem == .disconnectedEffects(groups: 2))
        #expect(effects.periodCount == 10 && effects.teamCount == 4)
    }

    @Test func aRegressorConstantWithinTeamsIsDependent() {
        // Column 0 is a team level (absorbed by the team effects); column 1 the response.
        let (teams, periods) = (5, 9)
        var values = [Double](repeating: 0, count: teams * 2 * periods)
        for i in 0..<teams {
            for t in 0..<periods {
                values[(i * 2) * periods + t] = Double(i * i) + 1e3
                values[(i * 2 + 1) * periods + t] = Double(t * i % 7) + 0.1 * Double(t)
            }
        }
        let effects = GridFixedEffects(mask: [Bool](repeating: true, count: teams * periods), rows: teams, periods: periods)
        let (z, raw) = effects.residualise(
            values, rowOffsets: (0..<teams).map { $0 * 2 * periods }, starts: [0, periods])
        let fit = NestedRegressions(z, rawNorms: raw)
        #expect(fit.firstDependentRegressor == 0)
        #expect(fit.factor == nil)
    }

    @Test func aPerfectFitHasZeroResidualNotAFailure() {
        let (teams, periods) = (4, 6)
        var values = [Double](repeating: 0, count: teams * 2 * periods)
        for i in 0..<teams {
            for t in 0..<periods {
                let x = Double((t * 7 + i * 3) % 11)
                values[(i * 2) * periods + t] = x
                values[(i * 2 + 1) * periods + t] = 2 * x + Double(i) + Double(t)  // y = 2x + team + period
            }
        }
        let effects = GridFixedEffects(mask: [Bool](repeating: true, count: teams * periods), rows: teams, periods: periods)
        let (z, raw) = effects.residualise(
            values, rowOffsets: (0..<teams).map { $0 * 2 * periods }, starts: [0, periods])
        let fit = NestedRegressions(z, rawNorms: raw)
        #expect(fit.firstDependentRegressor == nil)
        #expect(fit.sumOfSquaredResiduals(regressors: 1) <= 1e-20 * fit.sumOfSquaredResiduals(regressors: 0))
    }
}
