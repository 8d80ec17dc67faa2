// Forecast: the pooled ARX with team effects for horizons 1…3 with prediction intervals
// (`scorecard forecast`), and the rolling-origin backtest over the last 6 origins
// (`--backtest 6`: 6 refits per horizon plus the naive forecast and MASE scales).
import Benchmark
import BenchmarkData
import Analysis
import Ingest

let benchmarks: @Sendable () -> Void = {
    let shape = BenchmarkData.standard
    for backtest in [0, 6] {
        Benchmark(backtest == 0 ? "forecast-3-horizons-\(shape.teams)-teams" : "backtest-6-origins-\(shape.teams)-teams",
                  configuration: BenchmarkData.configuration()) { benchmark, dataset in
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
