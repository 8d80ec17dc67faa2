/// A growable byte buffer that writers fill through raw pointers.
///
/// Appending to `[UInt8]` piece by piece costs a capacity and uniqueness check (and for
/// small pieces a `memmove` call) each time, which showed up as a third of the CSV
/// writer's time. Here a writer asks once per row for room for the row's worst case,
/// writes through a pointer, and reports how much it used. The array is kept fully
/// initialised (grown with zeros), so `takeBytes()` can hand it over without a copy.
struct OutputBuffer: Sendable {
    /// Initialised storage; only the first `count` bytes are output.
    private var storage: [UInt8] = []
    /// Bytes of output so far.
    private(set) var count = 0

    init(capacity: Int = 0) {
        if capacity > 0 { storage = [UInt8](repeating: 0, count: capacity) }
    }

    /// The output so far (a copy).
    var bytes: [UInt8] { Array(storage[..<count]) }

    /// Lets `body` write at most `capacity` bytes at the end; `body` returns how many it wrote.
    @inline(__always)
    mutating func write(
        reserving capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int
    ) {
        if storage.count - count < capacity { grow(toHold: capacity) }
        let start = count
        let written = storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
        precondition(written <= capacity, "output buffer overrun")
        count = start + written
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        write(reserving: bytes.count) { destination in
            if let source = bytes.baseAddress {
                destination.update(from: source, count: bytes.count)
            }
            return bytes.count
        }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Passes the output so far to `body`, e.g. to write it to a file.
    func withBytes<Value, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let count = count
        // `withUnsafeBytes` rethrows untyped errors; carry the typed one out by hand.
        let outcome: Result<Value, Failure> = storage.withUnsafeBytes { raw in
            do throws(Failure) {
                return .success(try body(UnsafeRawBufferPointer(rebasing: raw[..<count])))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Makes room for `additional` more bytes in one step.
    mutating func reserve(_ additional: Int) {
        if storage.count - count < additional { grow(toHold: additional) }
    }

    /// Forgets the output but keeps the memory.
    mutating func removeAll() { count = 0 }

    /// The output, without copying; the buffer is empty afterwards.
    mutating func takeBytes() -> [UInt8] {
        storage.removeSubrange(count...)
        let result = storage
        storage = []
        count = 0
        return result
    }

    private mutating func grow(toHold capacity: Int) {
        let needed = count + capacity
        let target = max(needed, storage.count * 2, 4096)
        storage.append(contentsOf: repeatElement(0, count: target - storage.count))
    }
}
