import Analysis
// Lead-lag: pooled two-way fixed-effects lag correlations at lags 0…12 and the panel Granger
// test with BIC lag selection (1…6), forward and reverse, for every pair. The analysis has one
// public entry point that does both, so the suite measures it on the two pair sets the CLI
// offers: every cross-perspective pair (`leadlag --all-cross`) and the strategy map's links.
import Benchmark
import BenchmarkData
import Ingest

let benchmarks: @Sendable () -> Void = {
    // All-cross is 37 pairs × (13 correlations + up to 6 BIC fits + 4 Granger fits) on the
    // 10 core measures; 20 teams × 36 months keep one iteration to a few seconds.
    let small = BenchmarkData.Shape(teams: 20, periods: 36, measures: 10)
    Benchmark("all-cross-pairs-\(small.teams)-teams", configuration: BenchmarkData.configuration(maxIterations: 5, maxSeconds: 20)) {
        benchmark, dataset in
        do {
            let pairs = LeadLagAnalysis.allCross(of: dataset)
            for _ in benchmark.scaledIterations {
                blackHole(try LeadLagAnalysis.run(dataset, pairs: pairs).lags.count)
            }
        } catch {
            benchmark.error("lead-lag failed: \(error)")
        }
    } setup: {
        try BenchmarkData.dataset(small)
    }

    let shape = BenchmarkData.Shape(teams: 200, periods: 60, measures: 30)
    Benchmark("strategy-map-links-\(shape.teams)-teams", configuration: BenchmarkData.configuration(maxIterations: 5, maxSeconds: 20)) {
        benchmark, dataset in
        do {
            let pairs = LeadLagAnalysis.links(of: dataset)
            for _ in benchmark.scaledIterations {
                blackHole(try LeadLagAnalysis.run(dataset, pairs: pairs).lags.count)
            }
        } catch {
            benchmark.error("lead-lag failed: \(error)")
        }
    } setup: {
        try BenchmarkData.dataset(shape)
    }
}
