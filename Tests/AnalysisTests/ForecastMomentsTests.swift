import Foundation
import Ingest
import LinearAlgebra
import Testing

@testable import Analysis

/// The refits from running within-team moments (`ForecastEngine.momentFit`) against the QR
/// path they replace before the last period (`makeFit`, which the statsmodels goldens check):
/// every horizon, both trend settings, cutoffs out of order (the sweep restarts), on the
/// goldens' data sets.
@Suite("Forecast moments against the QR path")
struct ForecastMomentsTests {
    @Test(arguments: [
        ("datasets/b2b-73", true), ("datasets/b2b-73", false), ("Tests/Fixtures/forecast-gaps", true),
        ("Tests/Fixtures/forecast-additive", false), ("Tests/Fixtures/forecast-weekly", false), ("Tests/Fixtures/forecast-quarterly", true),
    ])
    func agreeWithQR(_ folder: String, _ log: Bool) throws {
        let data = try ForecastTests.load(folder)
        let panel = data.panel
        let target = try #require(data.scorecard?.roi?.returnMeasure)
        let drivers = (data.scorecard?.links ?? []).filter { $0.to == target && $0.from != target }.map(\.from)
        let y = try #require(panel.measureIndex(target))
        let engine = ForecastEngine(
            panel: panel, target: y, drivers: drivers.compactMap { panel.measureIndex($0) }, names: [target] + drivers,
            lags: 2, seasonal: true)
        let last = panel.periodCount - 1
        let scale = engine.scale(logTarget: log, upTo: last)
        var compared = 0
        // Descending then ascending cutoffs: restarts and forward sweeps both.
        let cutoffs = Array(Swift.max(4, last - 9)...(last - 1))
        for h in 1...3 {
            for cutoff in cutoffs.reversed() + cutoffs {
                for trends in [true, false] {
                    let key = ForecastEngine.FitKey(scale: scale, cutoff: cutoff, horizon: h, trends: trends)
                    guard let qr = try? engine.makeFit(key, dropping: nil) else { continue }
                    let m = try #require(engine.momentFit(key), "\(folder) h=\(h) cutoff=\(cutoff) trends=\(trends): moments fell back")
                    #expect(m.dense == qr.dense && m.seasonSlots == qr.seasonSlots && m.baseSlot == qr.baseSlot)
                    #expect(m.df == qr.df)
                    let where_ = "\(folder) h=\(h) c=\(cutoff) trends=\(trends)"
                    #expect(close(m.scale, qr.scale, relative: 1e-10), "\(where_) s² \(m.scale) vs \(qr.scale)")
                    #expect(close(m.rho, qr.rho, relative: 1e-9, absolute: 1e-12), "\(where_) ρ")
                    for j in 0..<qr.fit.slopes.count {
                        #expect(
                            close(m.fit.slopes[j], qr.fit.slopes[j], relative: 1e-10, absolute: 1e-13),
                            "\(where_) β\(j) \(m.fit.slopes[j]) vs \(qr.fit.slopes[j])")
                        #expect(close(m.fit.standardErrors[j], qr.fit.standardErrors[j], relative: 1e-10), "\(where_) se\(j)")
                    }
                    // Predictions from the cutoff: the team lines, leverage and d'(X̃'X̃)⁻¹d.
                    let a = engine.predict(m, origin: cutoff, teams: Array(0..<panel.teamCount))
                    let b = engine.predict(qr, origin: cutoff, teams: Array(0..<panel.teamCount))
                    #expect(a.count == b.count && !a.isEmpty)
                    for (p, q) in zip(a, b) {
                        #expect(
                            p.team == q.team && close(p.z, q.z, relative: 1e-11) && close(p.v, q.v, relative: 1e-10),
                            "\(where_) team \(p.team)")
                    }
                    compared += 1
                }
            }
        }
        #expect(compared > 20, "\(folder): \(compared) fits compared")
    }

    /// A driver constant within every team: the moments give up, the QR path names it.
    @Test func rankDeficientFallsBack() throws {
        var csv = "team,period,measure,value\n"
        for t in ["A", "B", "C", "D"] {
            for m in 1...24 {
                let p = "\(2023 + (m - 1) / 12)-\((m - 1) % 12 + 1 < 10 ? "0" : "")\((m - 1) % 12 + 1)"
                csv += "\(t),\(p),revenue,\(Double(m * 10 + Int(t.utf8.first!) % 7 + (m * m) % 5))\n\(t),\(p),flat,\(Int(t.utf8.first!))\n"
            }
        }
        let panel = try MeasurementsReader.read(text: csv, file: "m.csv").panel
        let engine = ForecastEngine(
            panel: panel, target: panel.measureIndex("revenue")!, drivers: [panel.measureIndex("flat")!],
            names: ["revenue", "flat"], lags: 2, seasonal: false)
        let key = ForecastEngine.FitKey(scale: engine.scale(logTarget: false, upTo: 20), cutoff: 20, horizon: 1, trends: false)
        #expect(engine.momentFit(key) == nil)
        #expect(engine.fit(key) == nil)
        let e = try #require(engine.errors[key] as? LinearAlgebraError)
        guard case .rankDeficient = e else {
            Issue.record("\(e)")
            return
        }
    }
}
