import Foundation
import Ingest
import Testing

@testable import Analysis

/// `forecast --scenario` against statsmodels (Tests/Reference/make_forecast_scenario_reference.py:
/// `get_prediction` on the baseline and the changed prediction rows of the dense dummy design,
/// the difference's variance g' cov_params() g), per team, horizon and the organisation figure.
@Suite("Forecast scenarios against statsmodels")
struct ForecastScenarioTests {
    static func load(_ folder: String) throws -> Dataset { try ForecastTests.load(folder) }

    @Test(arguments: [
        ("forecast2-scenario-b2b-73", "datasets/b2b-73", "log"),
        ("forecast2-scenario-additive", "Tests/Fixtures/forecast-additive", "none"),
        ("forecast2-scenario-quarterly", "Tests/Fixtures/forecast-quarterly", "log"),
    ])
    func againstStatsmodels(_ reference: String, _ folder: String, _ scale: String) throws {
        let ref = try #require(try loadReference(reference) as? [String: Any])
        let data = try Self.load(folder)
        let opts = try #require(ref["options"] as? [String: Any])
        var options = ForecastAnalysis.Options(
            drivers: ref["drivers"] as? [String], horizon: Int(try #require(ref.double("horizon"))),
            lags: Int(try #require(ref.double("lags"))))
        options.transform = try #require(ForecastAnalysis.Transform(rawValue: opts["transform"] as? String ?? ""))
        options.teamTrends = try #require(ForecastAnalysis.TeamTrends(rawValue: opts["team_trends"] as? String ?? ""))
        options.calibration = try #require(ForecastAnalysis.Calibration(rawValue: opts["calibration"] as? String ?? ""))
        let plain = try ForecastAnalysis.run(data, options: options)
        options.scenario = try ForecastScenario.parse(try #require(ref["scenario"] as? [String]), teams: ref["teams"] as? [String])
        let f = try ForecastAnalysis.run(data, options: options)
        #expect(f.transform == scale)
        // The scenario changes nothing of the forecast itself: the same fit, rows and totals. To
        // the last bits only within one thread count: OpenBLAS's thread count is process-wide and
        // the lead-lag suites running beside this one set it to 1 while they work, which moves
        // LAPACK's last digits between the two runs; hence 1e-12, far below any tolerance.
        func same(_ a: Double, _ b: Double) -> Bool { a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }
        #expect(
            f.rows.count == plain.rows.count && f.totals.count == plain.totals.count && f.coefficients.count == plain.coefficients.count)
        for (a, b) in zip(f.rows, plain.rows) {
            #expect(
                a.team == b.team && a.period == b.period && a.horizon == b.horizon
                    && same(a.forecast, b.forecast) && same(a.lower, b.lower) && same(a.upper, b.upper), "\(a) vs \(b)")
        }
        for (a, b) in zip(f.totals, plain.totals) {
            #expect(
                a.horizon == b.horizon && a.period == b.period && a.teams == b.teams
                    && same(a.forecast, b.forecast) && same(a.lower, b.lower) && same(a.upper, b.upper), "\(a) vs \(b)")
        }
        for (a, b) in zip(f.coefficients, plain.coefficients) {
            #expect(
                a.horizon == b.horizon && a.term == b.term && same(a.estimate, b.estimate) && same(a.standardError, b.standardError),
                "\(a) vs \(b)")
        }
        #expect(f.models.map(\.trends) == plain.models.map(\.trends) && f.models.map(\.calibrated) == plain.models.map(\.calibrated))
        let s = try #require(f.scenario)
        let rows = try #require(ref["rows"] as? [[String: Any]])
        #expect(s.rows.count == rows.count, "\(reference): \(s.rows.count) rows vs \(rows.count)")
        for r in rows {
            let team = try #require(r["team"] as? String)
            let h = Int(try #require(r.double("horizon")))
            let ours = try #require(s.rows.first { $0.team == team && $0.horizon == h }, "\(reference) \(team) h=\(h)")
            #expect(ours.period.description == r["period"] as? String)
            // The baseline is the forecast's own point forecast.
            #expect(ours.baseline == f.rows.first { $0.team == team && $0.horizon == h }?.forecast)
            for (name, mine, relative) in [
                ("baseline", ours.baseline, 1e-8), ("scenario", ours.scenario, 1e-8), ("difference", ours.difference, 1e-8),
                ("lower", ours.lower, 1e-7), ("upper", ours.upper, 1e-7),
            ] {
                let theirs = try #require(r.double(name))
                #expect(close(mine, theirs, relative: relative), "\(reference) \(team) h=\(h) \(name) \(mine) vs \(theirs)")
            }
            #expect(ours.lower <= ours.difference && ours.difference <= ours.upper)
        }
        for t in try #require(ref["totals"] as? [[String: Any]]) {
            let h = Int(try #require(t.double("horizon")))
            let ours = try #require(s.totals.first { $0.horizon == h })
            #expect(ours.baseline == f.totals.first { $0.horizon == h }?.forecast)
            for (name, mine, relative) in [
                ("baseline", ours.baseline, 1e-8), ("scenario", ours.scenario, 1e-8), ("difference", ours.difference, 1e-8),
                ("lower", ours.lower, 1e-7), ("upper", ours.upper, 1e-7),
            ] {
                let theirs = try #require(t.double(name))
                #expect(close(mine, theirs, relative: relative), "\(reference) total h=\(h) \(name) \(mine) vs \(theirs)")
            }
        }
    }

    /// A scenario that changes nothing has a zero difference and a zero-width interval; on the
    /// level scale a shift of a driver by a is a·b₀ for every team, whatever its level.
    @Test func neutralAndLinear() throws {
        let data = try Self.load("Tests/Fixtures/forecast-additive")
        var options = ForecastAnalysis.Options(transform: .none, teamTrends: .off)
        options.scenario = try ForecastScenario.parse(["customer_satisfaction=+0"])
        let zero = try #require(try ForecastAnalysis.run(data, options: options).scenario)
        #expect(
            !zero.rows.isEmpty
                && zero.rows.allSatisfy { $0.difference == 0 && $0.lower == 0 && $0.upper == 0 && $0.scenario == $0.baseline })
        options.scenario = try ForecastScenario.parse(["customer_satisfaction=+3"])
        let f = try ForecastAnalysis.run(data, options: options)
        let s = try #require(f.scenario)
        for h in 1...3 {
            let b0 = try #require(f.coefficients.first { $0.horizon == h && $0.term == "customer_satisfaction_lag0" }).estimate
            for r in s.rows where r.horizon == h { #expect(close(r.difference, 3 * b0, relative: 1e-9), "\(r.team) h=\(h)") }
            let total = try #require(s.totals.first { $0.horizon == h })
            let n = Double(s.rows.filter { $0.horizon == h }.count)
            #expect(close(total.difference, 3 * b0 * n, relative: 1e-9))
        }
    }

    @Test func parsesAndRefuses() throws {
        let s = try ForecastScenario.parse(["a=+2", "b=-5%", "c=80", "x=y=-1"])
        #expect(s.shifts.map(\.change) == [.add(2), .relative(-0.05), .set(80), .add(-1)])
        #expect(s.shifts.map(\.measure) == ["a", "b", "c", "x=y"])
        #expect(s.shifts[1].apply(200) == 190)
        for (spec, message) in [
            ("a", "no \"=\""), ("=2", "no measure"), ("a=", "no change"), ("a=5%", "a percentage without a sign"),
            ("a=+2x", "\"+2x\" is not a number"), ("a=inf", "\"inf\" is not a number"), ("a=+nan%", "\"+nan\" is not a number"),
        ] {
            do {
                _ = try ForecastScenario.parse([spec])
                Issue.record("\(spec) was accepted")
            } catch let e as InputError {
                #expect(e.kind == .usage && e.description.contains(message), "\(e)")
            }
        }
        let data = try Self.load("Tests/Fixtures/forecast-additive")
        for (spec, team, message) in [
            ("revenue=+1", nil, "\"revenue\" is the target, not a driver"),
            ("sales_cost=+1", nil, "\"sales_cost\" is not a driver of \"revenue\" (its drivers are customer_satisfaction)"),
            ("customer_satisfactoin=+1", nil, "did you mean \"customer_satisfaction\"?"),
            ("customer_satisfaction=+1", "Team 99", "--scenario-team \"Team 99\" is not a team of the data"),
        ] {
            var options = ForecastAnalysis.Options()
            options.scenario = try ForecastScenario.parse([spec], teams: team.map { [$0] })
            do {
                _ = try ForecastAnalysis.run(data, options: options)
                Issue.record("\(spec) was accepted")
            } catch let e as InputError {
                #expect(e.kind == .usage && e.description.contains(message), "\(e)")
            }
        }
        // A logged driver pushed to or below 0.
        var options = ForecastAnalysis.Options(transform: .log)
        options.scenario = try ForecastScenario.parse(["customer_satisfaction=-100%"])
        do {
            _ = try ForecastAnalysis.run(data, options: options)
            Issue.record("a log of 0 was accepted")
        } catch let e as InputError {
            #expect(e.kind == .usage && e.description.contains("measure \"customer_satisfaction\" would be 0.0"), "\(e)")
        }
    }
}
