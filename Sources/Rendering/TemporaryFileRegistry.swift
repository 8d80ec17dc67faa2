import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Temporary files that must disappear if SIGINT, SIGTERM or SIGHUP (or `exit`) ends the
/// program while an `AtomicFileWriter` is writing.
///
/// A signal handler may only call async-signal-safe functions: no allocation, no locks,
/// no Swift strings. So paths are kept as NUL-terminated C strings in one fixed buffer,
/// allocated before any handler is installed, with lock-free atomic bit masks saying
/// which slots are taken and which hold a complete path. The handler only reads the
/// buffer and calls `unlink` and `raise`.
///
/// Ownership of a slot: `register` claims it (bit in `claimed`), writes the path, then
/// publishes it (bit in `ready`). The handler takes every published slot at once by
/// exchanging `ready` with zero. `unregister` clears its `ready` bit; if the bit was
/// already gone, a handler (or `removeAll`) owns the slot's text, so the slot is never
/// reused. The handler may run on any thread at any moment, which is why a mask
/// exchange, not a lock, decides ownership.
enum TemporaryFileRegistry {
    static let slotCount = 64
    static let slotSize = 4096

    /// Path storage for the signal handler: `slotCount` slots of `slotSize` bytes.
    ///
    /// `nonisolated(unsafe)` because it is shared mutable memory outside Swift's
    /// concurrency checking. It is safe because a slot's bytes are written only by the
    /// thread that claimed the slot, before it publishes the slot with a releasing
    /// atomic operation, and read only after an acquiring one. Allocated once, never freed.
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: slotCount * slotSize)
        buffer.initialize(repeating: 0, count: slotCount * slotSize)
        return buffer
    }()

    /// Slots in use by some writer.
    static let claimed = Atomic<UInt64>(0)
    /// Slots holding a complete path that the signal handler may unlink.
    static let ready = Atomic<UInt64>(0)

    /// Records `path` for removal on a fatal signal; returns the slot, or nil when the path
    /// is too long or all slots are taken (the write then proceeds without that protection).
    static func register(_ path: String) -> Int? {
        let utf8 = Array(path.utf8)
        guard utf8.count < slotSize, !utf8.contains(0) else { return nil }
        _ = handlersInstalled  // before the first path is published

        var current = claimed.load(ordering: .relaxed)
        var slot = -1
        while slot < 0 {
            let free = ~current
            if free == 0 { return nil }
            let candidate = free.trailingZeroBitCount
            let (exchanged, original) = claimed.compareExchange(
                expected: current, desired: current | (1 << UInt64(candidate)),
                ordering: .acquiringAndReleasing)
            if exchanged { slot = candidate } else { current = original }
        }

        let destination = paths + slot * slotSize
        utf8.withUnsafeBufferPointer { source in
            for (index, byte) in source.enumerated() {
                destination[index] = CChar(bitPattern: byte)
            }
        }
        destination[utf8.count] = 0
        ready.bitwiseOr(1 << UInt64(slot), ordering: .releasing)
        return slot
    }

    /// Withdraws a slot after its file was renamed or removed.
    static func unregister(_ slot: Int) {
        let bit: UInt64 = 1 << UInt64(slot)
        let (previous, _) = ready.bitwiseAnd(~bit, ordering: .acquiringAndReleasing)
        if previous & bit != 0 {
            claimed.bitwiseAnd(~bit, ordering: .releasing)
        }
    }

    /// Unlinks every registered temporary file. Async-signal-safe: only atomics, pointer
    /// reads and `unlink`.
    static func removeAll() {
        let taken = ready.exchange(0, ordering: .acquiring)
        var remaining = taken
        while remaining != 0 {
            let slot = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            _ = unlink(paths + slot * slotSize)
        }
    }

    /// The registered path of a slot (for tests).
    static func path(inSlot slot: Int) -> String {
        String(cString: paths + slot * slotSize)
    }

    static let fatalSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the cleanup once: at `exit` (a program that exits with an error code while
    /// a writer is open never runs the writer's `deinit`), and for each fatal signal whose
    /// disposition is still the default. A signal the program ignores stays ignored (e.g.
    /// SIGINT for a background job), and a handler someone else installed is left alone;
    /// such a handler should call `AtomicFileWriter.removeTemporaryFiles()` itself.
    static let handlersInstalled: Bool = {
        _ = paths
        _ = claimed.load(ordering: .relaxed)
        _ = ready.load(ordering: .relaxed)
        _ = atexit { TemporaryFileRegistry.removeAll() }
        for signalNumber in fatalSignals {
            var previous = sigaction()
            guard sigaction(signalNumber, nil, &previous) == 0 else { continue }
            guard isDefault(previous) else { continue }
            var action = sigaction()
            setHandler(&action)
            sigemptyset(&action.sa_mask)
            for other in fatalSignals { sigaddset(&action.sa_mask, other) }
            // Back to the default on entry, so re-raising ends the program.
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            _ = sigaction(signalNumber, &action, nil)
        }
        return true
    }()

    private static func isDefault(_ action: sigaction) -> Bool {
        #if canImport(Darwin)
        return unsafeBitCast(action.__sigaction_u.__sa_handler, to: Int.self) == 0
        #else
        return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == 0
        #endif
    }

    private static func setHandler(_ action: inout sigaction) {
        let handler: @convention(c) (Int32) -> Void = { signalNumber in
            TemporaryFileRegistry.removeAll()
            // The disposition is the default again (SA_RESETHAND); the signal is blocked
            // until this handler returns, then ends the program with the usual status.
            _ = raise(signalNumber)
        }
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handler
        #else
        action.__sigaction_handler.sa_handler = handler
        #endif
    }
}
