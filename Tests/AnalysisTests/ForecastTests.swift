import Foundation
import Ingest
import Testing

@testable import Analysis

/// The forecast of METHODS.md against an independent statsmodels implementation
/// (Tests/Reference/make_forecast_v2_reference.py: OLS with team dummies, team × t and
/// season dummies; `get_prediction` on the model scale; the total from `cov_params()`,
/// `resid` and `scale`), every horizon, forecast and backtest. Goldens:
/// Tests/Reference/make_forecast_v2_goldens.sh.
@Suite("Forecast against statsmodels")
struct ForecastTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load(_ folder: String) throws -> Dataset {
        try Dataset.load(DatasetLocation.resolve(folder: root.appendingPathComponent(folder).path, data: nil, scorecard: nil))
    }

    @Test(arguments: [
        ("forecast2-b2b-73", "datasets/b2b-73", "log"),
        ("forecast2-b2b-73-levels", "datasets/b2b-73", "none"),
        ("forecast2-gaps", "Tests/Fixtures/forecast-gaps", "log"),
        ("forecast2-additive", "Tests/Fixtures/forecast-additive", "none"),
        ("forecast2-weekly", "Tests/Fixtures/forecast-weekly", "none"),
        ("forecast2-quarterly", "Tests/Fixtures/forecast-quarterly", "log"),
    ])
    func againstStatsmodels(_ reference: String, _ folder: String, _ scale: String) throws {
        let ref = try #require(try loadReference(reference) as? [String: Any])
        let data = try Self.load(folder)
        let opts = try #require(ref["options"] as? [String: Any])
        var options = ForecastAnalysis.Options(
            horizon: Int(try #require(ref.double("horizon"))), lags: Int(try #require(ref.double("lags"))))
        options.transform = try #require(ForecastAnalysis.Transform(rawValue: opts["transform"] as? String ?? ""))
        options.teamTrends = try #require(ForecastAnalysis.TeamTrends(rawValue: opts["team_trends"] as? String ?? ""))
        options.calibration = try #require(ForecastAnalysis.Calibration(rawValue: opts["calibration"] as? String ?? ""))
        let f = try ForecastAnalysis.run(data, options: options)
        options.backtest = Int(try #require(ref.double("backtest_count")))
        let b = try ForecastAnalysis.run(data, options: options)
        #expect(f.drivers == (ref["drivers"] as? [String]))
        #expect(f.transform == scale && ref["transform"] as? String == scale, "\(reference): scale \(f.transform)")

        for m in try #require(ref["models"] as? [[String: Any]]) {
            let h = Int(try #require(m.double("horizon")))
            let ours = try #require(f.models.first { $0.horizon == h })
            #expect(ours.trends == (m["trends"] as? Bool), "\(reference) h=\(h) trends")
            #expect(ours.calibrated == (m["calibrated"] as? Bool), "\(reference) h=\(h) calibrated")
            #expect(ours.windowRows == Int(try #require(m.double("window_rows"))), "\(reference) h=\(h) window rows")
            #expect(close(ours.q, try #require(m.double("q"))), "\(reference) h=\(h) q \(ours.q)")
            #expect(close(ours.kappa2, try #require(m.double("kappa2"))), "\(reference) h=\(h) kappa2 \(ours.kappa2)")
            #expect(close(ours.rho, try #require(m.double("rho")), relative: 1e-7, absolute: 1e-9), "\(reference) h=\(h) rho \(ours.rho)")
            #expect(ours.df == (try #require(m.double("df"))))
            #expect(ours.totalDF == (try #require(m.double("total_df"))), "\(reference) h=\(h) the figure's df \(ours.totalDF)")
        }
        let rows = try #require(ref["forecast"] as? [[String: Any]])
        #expect(f.rows.count == rows.count, "\(reference): \(f.rows.count) rows vs \(rows.count)")
        for r in rows {
            let team = try #require(r["team"] as? String)
            let h = Int(try #require(r.double("horizon")))
            guard let ours = f.rows.first(where: { $0.team == team && $0.horizon == h }) else {
                Issue.record("\(reference): no forecast for \(team) h=\(h)")
                continue
            }
            #expect(ours.period.description == r["period"] as? String)
            #expect(
                close(ours.forecast, try #require(r.double("forecast"))),
                "\(reference) \(team) h=\(h) forecast \(ours.forecast) vs \(r.double("forecast")!)")
            #expect(close(ours.lower, try #require(r.double("lower"))), "\(reference) \(team) h=\(h) lower")
            #expect(close(ours.upper, try #require(r.double("upper"))), "\(reference) \(team) h=\(h) upper")
            if scale == "log" { #expect(ours.lower > 0, "log-scale bounds are positive") }
        }
        for t in try #require(ref["total"] as? [[String: Any]]) {
            let h = Int(try #require(t.double("horizon")))
            let ours = try #require(f.totals.first { $0.horizon == h })
            #expect(ours.period.description == t["period"] as? String)
            #expect(ours.teams == Int(try #require(t.double("teams"))))
            #expect(close(ours.forecast, try #require(t.double("forecast"))), "\(reference) total h=\(h)")
            #expect(
                close(ours.lower, try #require(t.double("lower")), relative: 1e-7),
                "\(reference) total h=\(h) lower \(ours.lower) vs \(t.double("lower")!)")
            #expect(close(ours.upper, try #require(t.double("upper")), relative: 1e-7), "\(reference) total h=\(h) upper")
        }
        for c in try #require(ref["coefficients"] as? [[String: Any]]) {
            let h = Int(try #require(c.double("horizon")))
            let term = try #require(c["term"] as? String)
            let ours = try #require(f.coefficients.first { $0.horizon == h && $0.term == term }, "\(term)")
            #expect(close(ours.estimate, try #require(c.double("coef")), relative: 1e-7), "\(reference) h=\(h) \(term) \(ours.estimate)")
            #expect(close(ours.standardError, try #require(c.double("bse")), relative: 1e-7), "\(reference) h=\(h) \(term) se")
        }
        for d in try #require(ref["drivers_f"] as? [[String: Any]]) {
            let h = Int(try #require(d.double("horizon")))
            let ours = try #require(f.driverTests.first { $0.horizon == h && $0.driver == d["driver"] as? String })
            #expect(close(try #require(ours.f), try #require(d.double("f")), relative: 1e-7))
            #expect(closeP(try #require(ours.pValue), try #require(d.double("p_value"))))
        }
        let bt = try #require(ref["backtest"] as? [[String: Any]])
        #expect(b.backtest.count == bt.count)
        for r in bt {
            let h = Int(try #require(r.double("horizon")))
            let model = try #require(r["model"] as? String)
            let ours = try #require(b.backtest.first { $0.model == model && $0.horizon == h }, "\(reference) \(model) h=\(h)")
            #expect(ours.n == Int(try #require(r.double("n"))), "\(reference) \(model) h=\(h) n")
            for (name, mine, theirs) in [
                ("mape", ours.mape, r.double("mape")), ("mase", ours.mase, r.double("mase")),
                ("coverage", ours.coverage, r.double("coverage")),
            ] {
                #expect((mine == nil) == (theirs == nil), "\(reference) \(model) h=\(h) \(name) defined")
                if let mine, let theirs { #expect(close(mine, theirs), "\(reference) \(model) h=\(h) \(name) \(mine) vs \(theirs)") }
            }
        }
    }

    @Test func refusesConstantDriverShortHistoryAndLogOfNonPositive() throws {
        var csv = "team,period,measure,value\n"
        for t in ["A", "B", "C"] {
            for m in 1...12 {
                csv +=
                    "\(t),2024-\(m < 10 ? "0" : "")\(m),revenue,\(Double(m * 10 + Int(t.utf8.first!) % 7))\n"
                    + "\(t),2024-\(m < 10 ? "0" : "")\(m),flat,5\n"
            }
        }
        csv += "D,2024-03,revenue,-4\n"
        let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
        let data = Dataset(panel: panel, scorecard: nil, location: DatasetLocation(measurements: "m.csv", scorecard: nil), notes: [])
        do {
            _ = try ForecastAnalysis.run(data, options: .init(target: "revenue", drivers: ["flat"], seasonal: .none, teamTrends: .off))
            Issue.record("a constant driver was accepted")
        } catch let e as AnalysisError {
            guard case .forecastUnfit(_, let problem, let remedy) = e.why else { throw e }
            #expect(problem.contains("rank-deficient (flat_lag0 (measure \"flat\") is constant within every team"), "\(e)")
            #expect(remedy == .dropDriverOrNoTeamTrends)
        }
        do {
            _ = try ForecastAnalysis.run(data, options: .init(target: "revenue", drivers: [], horizon: 3, lags: 11))
            Issue.record("too short a history was accepted")
        } catch let e as AnalysisError {
            guard case .forecastUnfit(_, let problem, _) = e.why else { throw e }
            #expect(problem.contains("forecast of \"revenue\" at horizon 1"), "\(e)")
        }
        do {
            _ = try ForecastAnalysis.run(data, options: .init(target: "revenue", drivers: [], transform: .log))
            Issue.record("a log of -4 was accepted")
        } catch let e as AnalysisError {
            #expect(
                e == AnalysisError(team: "D", measure: "revenue", .logOfNonPositive(file: "m.csv", period: Period("2024-03")!, value: -4)))
        }
        do {
            _ = try ForecastAnalysis.run(data, options: .init(target: "revenue", drivers: ["flat", "flat"]))
            Issue.record("a repeated driver was accepted")
        } catch let e as AnalysisError {
            #expect(e == AnalysisError(measure: "flat", .driverRepeated))
        }
    }

    /// Every value × λ (λ = 1e-300 … 1e300): forecasts and bounds × λ, the same scale and
    /// trend decisions, the same backtest; never zero-width intervals (issue 16, class 5).
    @Test(arguments: [1e-300, 1e-150, 1e150, 1e300])
    func scaleInvariance(_ lambda: Double) throws {
        let base = try Self.load("Tests/Fixtures/forecast-additive")
        for transform in [ForecastAnalysis.Transform.auto, .log] {
            var scaled = base.panel
            var representable = true
            for k in 0..<scaled.values.count where !scaled.values[k].isNaN {
                scaled.values[k] *= lambda
                if !scaled.values[k].isFinite || (scaled.values[k] != 0 && !scaled.values[k].isNormal) { representable = false }
            }
            guard representable else { continue }
            let data = Dataset(panel: scaled, scorecard: base.scorecard, location: base.location, notes: [])
            let opts = ForecastAnalysis.Options(backtest: 3, transform: transform)
            let a = try ForecastAnalysis.run(base, options: opts)
            let b = try ForecastAnalysis.run(data, options: opts)
            #expect(a.transform == b.transform && a.models.map(\.trends) == b.models.map(\.trends))
            #expect(a.rows.count == b.rows.count)
            for (x, y) in zip(a.rows, b.rows) {
                #expect(close(x.forecast * lambda, y.forecast, relative: 1e-9), "λ=\(lambda) \(x.team) h=\(x.horizon)")
                #expect(close(x.lower * lambda, y.lower, relative: 1e-9) && close(x.upper * lambda, y.upper, relative: 1e-9))
                #expect(y.upper > y.lower, "zero-width interval at λ=\(lambda)")
            }
            for (x, y) in zip(a.totals, b.totals) {
                #expect(close(x.forecast * lambda, y.forecast, relative: 1e-9) && close(x.lower * lambda, y.lower, relative: 1e-9))
            }
            for (x, y) in zip(a.backtest, b.backtest) {
                #expect(x.n == y.n && x.coverage == y.coverage)
                if let m = x.mase, let n = y.mase { #expect(close(m, n, relative: 1e-9)) }
            }
        }
    }

    /// Every team is named: a blank driver cell at the origin, a late starter.
    @Test func everyTeamAccountedFor() throws {
        let data = try Self.load("Tests/Fixtures/forecast-additive")
        let f = try ForecastAnalysis.run(data, options: .init())
        let forecast = Set(f.rows.map(\.team))
        let noted = Set(f.notes.compactMap(\.team))
        #expect(forecast.union(noted) == Set(data.panel.teams))
        #expect(
            f.notes.contains {
                $0.team == "Team 04" && $0.message.contains("customer_satisfaction is missing in 2025-12")
                    && $0.message.contains("blank driver cell")
            })
        guard case .elasticity(let b, _) = f.scaleReason, b < 0.5, f.transform == "none" else {
            Issue.record("levels because variability does not grow with team size, not \(f.scaleReason)")
            return
        }
    }
}
