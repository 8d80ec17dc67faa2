import Dispatch

/// The one parallel loop over independent tasks whose results land in one array: each
/// iteration writes only its own element, through the array's buffer (the unsafe part lives
/// here, once), and BLAS runs on one thread meanwhile, since the loop already spreads the
/// work over the cores (`BLASThreads`).
public enum Parallel {
    /// `(0..<count).map(body)`, iterations spread over the cores; the order of the results
    /// is the order of the indices whatever order the iterations finish in.
    ///
    /// - Parameter grain: indices handed to a core at a time (runs `0..<grain`,
    ///   `grain..<2·grain`, …). Keep the default 1 for bodies that each do a fit; give cheap
    ///   bodies (microseconds) a grain of a thousand or more, so the loop's bookkeeping per
    ///   run stays small beside the work. The results do not depend on it.
    public static func map<T>(_ count: Int, grain: Int = 1, _ body: (Int) -> T) -> [T] {
        precondition(count >= 0 && grain >= 1, "Parallel.map: count must be ≥ 0 and grain ≥ 1")
        let runs = (count + grain - 1) / grain
        return BLASThreads.singleThreaded {
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                nonisolated(unsafe) let buffer = buffer
                withoutActuallyEscaping(body) { body in
                    nonisolated(unsafe) let body = body
                    DispatchQueue.concurrentPerform(iterations: runs) { run in
                        for i in (run * grain)..<Swift.min(count, (run + 1) * grain) {
                            (buffer.baseAddress! + i).initialize(to: body(i))
                        }
                    }
                }
                initialized = count
            }
        }
    }
}
