/// OpenBLAS's own thread pool, for callers that already run one task per core.
///
/// Two workers that each call a multithreaded BLAS routine ask for four threads on two cores;
/// OpenBLAS's threads then spin while they wait for a core. Code that spreads independent fits
/// over the cores runs them with BLAS on one thread instead.
public enum BLASThreads {
    /// Runs `body` with OpenBLAS on one thread, then restores the previous count.
    /// The count is process-wide: call it from one place, not from concurrent tasks.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        let previous = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(previous) }
        return try body()
    }
}
