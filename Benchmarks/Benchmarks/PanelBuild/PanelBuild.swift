// Panel build: the dataset every analysis starts from — the CSV and the scorecard read and
// checked against each other (`Dataset.load`), then cut to a window and a set of measures
// (`--last 24 --measure …`), which copies the panel into a new dense buffer.
import Benchmark
import BenchmarkData
import Ingest

let benchmarks: @Sendable () -> Void = {
    let shape = BenchmarkData.standard
    Benchmark("load-dataset-\(shape.teams)-teams", configuration: BenchmarkData.configuration()) { benchmark, dir in
        for _ in benchmark.scaledIterations {
            do {
                let d = try Dataset.load(DatasetLocation(measurements: dir + "/measurements.csv", scorecard: dir + "/scorecard.yml"))
                blackHole(d.panel.teamCount)
            } catch {
                benchmark.error("load failed: \(error)")
            }
        }
    } setup: {
        try BenchmarkData.folder(shape)
    }

    Benchmark("window-last-24-of-10-measures", configuration: BenchmarkData.configuration(maxIterations: 200)) { benchmark, dataset in
        let selection = PanelSelection(measures: Array(dataset.panel.measures.prefix(10)), last: 24)
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try dataset.selecting(selection).panel.values.count)
            } catch {
                benchmark.error("selection failed: \(error)")
            }
        }
    } setup: {
        try BenchmarkData.dataset(shape)
    }
}
