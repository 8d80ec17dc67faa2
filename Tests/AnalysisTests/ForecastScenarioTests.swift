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
        for (spec, problem): (String, AnalysisError.ScenarioProblem) in [
            ("a", .noEquals), ("=2", .noMeasure), ("a=", .noChange), ("a=5%", .percentWithoutSign("5%")),
            ("a=+2x", .notANumber("+2x")), ("a=inf", .notANumber("inf")), ("a=+nan%", .notANumber("+nan")),
        ] {
            let e = try #require(throws: AnalysisError.self) { try ForecastScenario.parse([spec]) }
            #expect(e.why == .scenarioUnreadable(spec: spec, problem), "\(spec)")
        }
        let twice = try #require(throws: AnalysisError.self) { try ForecastScenario.parse(["a=+1", "a=-1"]) }
        #expect(twice.why == .scenarioUnreadable(spec: "a=-1", .changedTwice("a")))
        let teamTwice = try #require(throws: AnalysisError.self) { try ForecastScenario.parse(["a=+1"], teams: ["T", "U", "T"]) }
        #expect(teamTwice.team == "T" && teamTwice.why == .scenarioTeamRepeated)
        let data = try Self.load("Tests/Fixtures/forecast-additive")
        let drivers = ["customer_satisfaction"]
        for (spec, team, expected): (String, String?, AnalysisError) in [
            ("revenue=+1", nil, AnalysisError(measure: "revenue", .scenarioNotADriver(change: "+1", target: "revenue", drivers: drivers))),
            (
                "sales_cost=+1", nil,
                AnalysisError(measure: "sales_cost", .scenarioNotADriver(change: "+1", target: "revenue", drivers: drivers))
            ),
            (
                "customer_satisfactoin=+1", nil,
                AnalysisError(
                    measure: "customer_satisfactoin",
                    .scenarioNotAMeasure(
                        change: "+1", target: "revenue", drivers: drivers, hint: " (did you mean \"customer_satisfaction\"?)"))
            ),
        ] {
            var options = ForecastAnalysis.Options()
            options.scenario = try ForecastScenario.parse([spec], teams: team.map { [$0] })
            let e = try #require(throws: AnalysisError.self) { try ForecastAnalysis.run(data, options: options) }
            #expect(e == expected, "\(spec)")
        }
        var unknownTeam = ForecastAnalysis.Options()
        unknownTeam.scenario = try ForecastScenario.parse(["customer_satisfaction=+1"], teams: ["Team 99"])
        let team = try #require(throws: AnalysisError.self) { try ForecastAnalysis.run(data, options: unknownTeam) }
        guard case .scenarioTeamNotInData = team.why, team.team == "Team 99" else {
            Issue.record("\(team)")
            return
        }
        // A logged driver pushed to or below 0.
        var options = ForecastAnalysis.Options(transform: .log)
        options.scenario = try ForecastScenario.parse(["customer_satisfaction=-100%"])
        let e = try #require(throws: AnalysisError.self) { try ForecastAnalysis.run(data, options: options) }
        guard case .scenarioLeavesLogNonPositive(let change, _, let value, let before) = e.why else {
            Issue.record("\(e)")
            return
        }
        #expect(e.measure == "customer_satisfaction" && e.team != nil && change == "-100%" && value == 0 && before > 0)
    }
}
