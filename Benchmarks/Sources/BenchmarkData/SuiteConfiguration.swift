import Benchmark

extension BenchmarkData {
    /// What every suite measures, and how far a run may drift from the committed
    /// `Thresholds/*.p90.json` before `swift package benchmark thresholds check` fails.
    ///
    /// Wall-clock time is noisy on a shared 2-core machine: with another benchmark running
    /// beside them, the same build took 1.3–3.6× its recorded p90. It may take up to twice the
    /// recorded p90 here, so a check is meaningful on a quiet machine only; the regressions it
    /// is for (an accidental O(n²), a lost parallel loop, a copy of the panel per series) cost
    /// more than that at these sizes. Allocation counts are held to 25% (Dispatch's own
    /// allocations move a count of ~250 by ~35 between runs; the churn this is for, an allocation
    /// per series or per row, multiplies it), peak resident memory to 25% (the panel dominates
    /// it). CPU time is not recorded: Linux reports it in 10 ms steps, coarser than the shortest
    /// benchmarks.
    public static func configuration(maxIterations: Int = 20, maxSeconds: Int = 6) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
            warmupIterations: 1,
            maxDuration: .seconds(maxSeconds),
            maxIterations: maxIterations,
            thresholds: [
                .wallClock: .init(relative: [.p90: 100]),
                .peakMemoryResident: .init(relative: [.p90: 25]),
                .mallocCountTotal: .init(relative: [.p90: 25]),
            ]
        )
    }
}
