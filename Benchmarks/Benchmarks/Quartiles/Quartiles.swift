import Analysis
// Rank and quartiles: sales ROI per team, ranks and quartile bins (`scorecard rank`), then the
// top-vs-bottom comparison of every measure with Welch, Mann-Whitney and BH q-values
// (`scorecard quartiles`), and its bootstrap interval of the ROI ratio.
import Benchmark
import BenchmarkData
import Ingest

let benchmarks: @Sendable () -> Void = {
    let shape = BenchmarkData.standard
    Benchmark("rank-\(shape.teams)-teams", configuration: BenchmarkData.configuration(maxIterations: 200)) { benchmark, dataset in
        do {
            for _ in benchmark.scaledIterations {
                blackHole(try RankAnalysis.run(dataset).rows.count)
            }
        } catch {
            benchmark.error("rank failed: \(error)")
        }
    } setup: {
        try BenchmarkData.dataset(shape)
    }

    for bootstrap in [0, 1000] {
        Benchmark(
            bootstrap == 0 ? "quartiles-\(shape.teams)-teams" : "quartiles-bootstrap-\(bootstrap)",
            configuration: BenchmarkData.configuration(maxIterations: 200)
        ) { benchmark, dataset in
            do {
                for _ in benchmark.scaledIterations {
                    blackHole(try QuartileAnalysis.run(dataset, bootstrap: bootstrap).rows.count)
                }
            } catch {
                benchmark.error("quartiles failed: \(error)")
            }
        } setup: {
            try BenchmarkData.dataset(shape)
        }
    }
}
