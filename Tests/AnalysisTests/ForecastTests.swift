import Foundation
import Testing
@testable import Analysis
import Ingest

/// The forecast against statsmodels OLS with team dummies and `get_prediction(...).summary_frame()`
/// (Tests/Reference/make_forecast_reference.py), on b2b-73 and on a copy with gaps.
@Suite("Forecast against statsmodels")
struct ForecastTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [("forecast-b2b-73", "datasets/b2b-73"), ("forecast-gaps", "Tests/Fixtures/forecast-gaps")])
    func againstStatsmodels(_ reference: String, _ folder: String) throws {
        let ref = try #require(try loadReference(reference) as? [String: Any])
        let data = try Dataset.load(DatasetLocation.resolve(folder: Self.root.appendingPathComponent(folder).path, data: nil, scorecard: nil))
        let backtest = (ref["backtest_origins"] as? [Any])?.count ?? 6
        let f = try ForecastAnalysis.run(data, options: .init(horizon: Int(try #require(ref.double("horizon"))), lags: Int(try #require(ref.double("lags"))), backtest: 0))
        let b = try ForecastAnalysis.run(data, options: .init(horizon: f.horizon, lags: f.lags, backtest: backtest))
        #expect(f.drivers == (ref["drivers"] as? [String]))

        let rows = try #require(ref["forecast"] as? [[String: Any]])
        #expect(f.rows.count == rows.count)
        for r in rows {
            let team = try #require(r["team"] as? String)
            let h = Int(try #require(r.double("horizon")))
            guard let ours = f.rows.first(where: { $0.team == team && $0.horizon == h }) else {
                Issue.record("\(reference): no forecast for \(team) h=\(h)")
                continue
            }
            #expect(ours.period.description == r["period"] as? String)
            #expect(close(ours.forecast, try #require(r.double("forecast"))), "\(team) h=\(h) forecast \(ours.forecast) vs \(r.double("forecast")!)")
            #expect(close(ours.lower, try #require(r.double("lower"))), "\(team) h=\(h) lower")
            #expect(close(ours.upper, try #require(r.double("upper"))), "\(team) h=\(h) upper")
        }
        for t in try #require(ref["total"] as? [[String: Any]]) {
            let h = Int(try #require(t.double("horizon")))
            let ours = try #require(f.totals.first { $0.horizon == h })
            #expect(ours.period.description == t["period"] as? String)
            #expect(ours.teams == Int(try #require(t.double("teams"))))
            #expect(close(ours.forecast, try #require(t.double("forecast"))))
            #expect(close(ours.lower, try #require(t.double("lower"))), "total h=\(h) lower \(ours.lower) vs \(t.double("lower")!)")
            #expect(close(ours.upper, try #require(t.double("upper"))))
        }
        for c in try #require(ref["coefficients"] as? [[String: Any]]) {
            let h = Int(try #require(c.double("horizon")))
            var term = try #require(c["term"] as? String)
            if term.hasPrefix("y_") { term = f.target + term.dropFirst(1) }
            let ours = try #require(f.coefficients.first { $0.horizon == h && $0.term == term }, "\(term)")
            #expect(close(ours.estimate, try #require(c.double("coef"))), "h=\(h) \(term)")
            #expect(close(ours.standardError, try #require(c.double("bse"))), "h=\(h) \(term) se")
        }
        for d in try #require(ref["drivers_f"] as? [[String: Any]]) {
            let h = Int(try #require(d.double("horizon")))
            let ours = try #require(f.driverTests.first { $0.horizon == h && $0.driver == d["driver"] as? String })
            #expect(close(try #require(ours.f), try #require(d.double("f"))))
            #expect(closeP(try #require(ours.pValue), try #require(d.double("p_value"))))
        }
        for r in try #require(ref["backtest"] as? [[String: Any]]) {
            let h = Int(try #require(r.double("horizon")))
            let ours = try #require(b.backtest.first { $0.model == r["model"] as? String && $0.horizon == h })
            #expect(ours.n == Int(try #require(r.double("n"))), "\(ours.model) h=\(h) n")
            #expect(close(try #require(ours.mape), try #require(r.double("mape"))), "\(ours.model) h=\(h) mape")
            #expect(close(try #require(ours.mase), try #require(r.double("mase"))), "\(ours.model) h=\(h) mase")
        }
        for c in try #require(ref["coverage"] as? [[String: Any]]) {
            let h = Int(try #require(c.double("horizon")))
            let ours = try #require(b.backtest.first { $0.model == "arx" && $0.horizon == h })
            #expect(close(try #require(ours.coverage), try #require(c.double("coverage"))))
        }
    }

    /// On the sample organisation the drivers help at every horizon up to the planted lag.
    @Test func beatsTheNaiveForecastOnTheSample() throws {
        let data = try Dataset.load(DatasetLocation.resolve(folder: Self.root.appendingPathComponent("datasets/b2b-73").path, data: nil, scorecard: nil))
        let b = try ForecastAnalysis.run(data, options: .init(backtest: 6))
        for h in 1...2 {
            let model = try #require(b.backtest.first { $0.model == "arx" && $0.horizon == h }?.mase)
            let naive = try #require(b.backtest.first { $0.model == "naive" && $0.horizon == h }?.mase)
            #expect(1 - model / naive > 0, "skill at horizon \(h)")
        }
    }

    @Test func refusesConstantDriverAndShortHistory() throws {
        var csv = "team,period,measure,value\n"
        for t in ["A", "B", "C"] { for m in 1...12 { csv += "\(t),2024-\(m < 10 ? "0" : "")\(m),revenue,\(Double(m * 10 + Int(t.utf8.first!) % 7))\n\(t),2024-\(m < 10 ? "0" : "")\(m),flat,5\n" } }
        let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
        let data = Dataset(panel: panel, scorecard: nil, location: DatasetLocation(measurements: "m.csv", scorecard: nil), notes: [])
        do {
            _ = try ForecastAnalysis.run(data, options: .init(target: "revenue", drivers: ["flat"]))
            Issue.record("a constant driver was accepted")
        } catch let e as InputError {
            #expect(e.description.contains("rank-deficient (flat_lag0 is constant within every team"), "\(e)")
        }
        do {
            _ = try ForecastAnalysis.run(data, options: .init(target: "revenue", drivers: [], horizon: 3, lags: 11))
            Issue.record("too short a history was accepted")
        } catch let e as InputError {
            #expect(e.description.contains("forecast of \"revenue\" at horizon"), "\(e)")
        }
    }
}
