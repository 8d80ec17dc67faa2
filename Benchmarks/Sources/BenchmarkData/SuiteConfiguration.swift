import Benchmark
import Ingest

extension BenchmarkData {
    /// What every suite measures, and how far a run may drift from the committed
    /// `Thresholds/*.p90.json` before `swift package benchmark thresholds check` fails.
    ///
    /// Wall-clock time is noisy on a shared 2-core machine (other builds run beside the
    /// benchmarks), so it may be up to 75% worse than the recorded p90 — a real
    /// regression of the kind this catches (an accidental O(n²), a lost parallel loop, a
    /// copy of the panel per series) costs 2× or more. Allocation counts are repeatable and
    /// held to 10%; peak resident memory to 25% (the panel dominates it). CPU time is not
    /// recorded: Linux reports it in 10 ms steps, coarser than the shortest benchmarks.
    public static func configuration(maxIterations: Int = 20, maxSeconds: Int = 6) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
            warmupIterations: 1,
            maxDuration: .seconds(maxSeconds),
            maxIterations: maxIterations,
            thresholds: [
                .wallClock: .init(relative: [.p90: 75]),
                .peakMemoryResident: .init(relative: [.p90: 25]),
                .mallocCountTotal: .init(relative: [.p90: 10], absolute: [.p90: 200]),
            ]
        )
    }

    /// Loads (generating on first use) the dataset of `shape`; a failure is reported through
    /// the benchmark rather than a crash.
    public static func load(_ shape: Shape) -> Dataset? {
        do {
            return try dataset(shape)
        } catch {
            print("cannot make the benchmark data (\(shape)): \(error)")
            return nil
        }
    }
}
