import Dispatch

/// The one parallel loop over independent tasks whose results land in one array: each
/// iteration writes only its own element, through the array's buffer (the unsafe part lives
/// here, once), and BLAS runs on one thread meanwhile, since the loop already spreads the
/// work over the cores (`BLASThreads`).
public enum Parallel {
    /// `(0..<count).map(body)`, iterations spread over the cores; the order of the results
    /// is the order of the indices whatever order the iterations finish in.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        var out = [T?](repeating: nil, count: count)
        BLASThreads.singleThreaded {
            out.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let buffer = buffer
                withoutActuallyEscaping(body) { body in
                    nonisolated(unsafe) let body = body
                    DispatchQueue.concurrentPerform(iterations: count) { i in buffer[i] = body(i) }
                }
            }
        }
        return out.map { $0! }
    }
}
