import Analysis
// Forecast (METHODS.md v2, issue #13): the pooled ARX for horizons 1…3 with the scale test, season
// dummies, team trends judged and intervals calibrated on the 6 earlier origins (refits under both
// trend settings: ~39 fits), and the rolling-origin backtest over the last 6 origins (`--backtest 6`:
// every origin's window too, the fits shared through the engine's cache).
import Benchmark
import BenchmarkData
import Ingest

let benchmarks: @Sendable () -> Void = {
    let shape = BenchmarkData.standard
    for backtest in [0, 6] {
        Benchmark(
            backtest == 0 ? "forecast-3-horizons-\(shape.teams)-teams" : "backtest-6-origins-\(shape.teams)-teams",
            configuration: BenchmarkData.configuration()
        ) { benchmark, dataset in
            do {
                for _ in benchmark.scaledIterations {
                    blackHole(try ForecastAnalysis.run(dataset, options: .init(horizon: 3, backtest: backtest)).rows.count)
                }
            } catch {
                benchmark.error("forecast failed: \(error)")
            }
        } setup: {
            try BenchmarkData.dataset(shape)
        }
    }
}
