// CSV parse: measurements.csv (tidy, 1.8 million rows, ~76 MB) → the dense panel, as
// `scorecard validate` reads it. The file stays in the page cache after the warm-up, so this
// measures parsing, not the disk.
import Benchmark
import BenchmarkData
import Ingest

let benchmarks: @Sendable () -> Void = {
    let shape = BenchmarkData.standard
    for threads in [2, 1] {
        Benchmark(
            "read-\(shape.teams)-teams-\(threads)-thread\(threads == 1 ? "" : "s")",
            configuration: BenchmarkData.configuration()
        ) { benchmark, path in
            for _ in benchmark.scaledIterations {
                do {
                    blackHole(try MeasurementsReader.read(path: path, threads: threads).rowCount)
                } catch {
                    benchmark.error("read failed: \(error)")
                }
            }
        } setup: {
            try BenchmarkData.folder(shape) + "/measurements.csv"
        }
    }
}
