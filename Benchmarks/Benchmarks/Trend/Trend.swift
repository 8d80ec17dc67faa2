import Analysis
// Batched trend: every (team, measure) series' OLS line with every METHODS.md column
// (`scorecard trend`), and the bare kernel on synthetic series with and without gaps.
import Benchmark
import BenchmarkData
import Ingest
import LinearAlgebra

/// A line plus uniform noise per series from a 64-bit LCG (the data `scorecard-bench trend`
/// and side_by_side.py use); `missing` is the share of values set to NaN.
func makeSeries(series: Int, periods: Int, missing: Double) -> [Double] {
    var state: UInt64 = 42
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    var v = [Double](repeating: 0, count: series * periods)
    for s in 0..<series {
        let slope = uniform() - 0.5
        let level = 100 * uniform()
        for t in 0..<periods {
            let x = level + slope * Double(t) + (uniform() - 0.5)
            v[s * periods + t] = uniform() < missing ? .nan : x
        }
    }
    return v
}

let benchmarks: @Sendable () -> Void = {
    let shape = BenchmarkData.standard
    Benchmark("trend-analysis-\(shape.teams * shape.measures)-series", configuration: BenchmarkData.configuration()) { benchmark, dataset in
        for _ in benchmark.scaledIterations {
            blackHole(TrendAnalysis.run(dataset).rows.count)
        }
    } setup: {
        try BenchmarkData.dataset(shape)
    }

    let series = 250_000
    let periods = 60
    for missing in [0.0, 0.05] {
        Benchmark(
            "trend-lines-\(series / 1000)k-x-\(periods)-\(Int(missing * 100))pct-missing",
            configuration: BenchmarkData.configuration()
        ) { benchmark, values in
            for _ in benchmark.scaledIterations {
                blackHole(TrendLines(values: values, periods: periods).slope.count)
            }
        } setup: {
            makeSeries(series: series, periods: periods, missing: missing)
        }
    }
}
