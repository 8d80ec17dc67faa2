import Dispatch
import Foundation
import Ingest

#if canImport(Glibc)
import Glibc
#endif

/// A progress line on standard error for work that runs more than about a second (issue #14):
/// `reading measurements.csv (812 MB) … 3s`, `lead-lag: 12 of 45 pairs`, rewritten in place
/// with `\r` and cleared when the work ends. There is none when standard error is not a
/// terminal, `TERM` is `dumb`, or `--quiet` is given: `start` then returns nil, and callers
/// pass no closure to the analyses, so progress off costs nothing.
///
/// Analyses report at coarse granularity (a pair done, a phase begun) through `update`, from
/// any thread; a timer redraws the line so a step without updates (a long read) still shows
/// its elapsed time. `SCORECARD_PROGRESS_AFTER` (seconds, default 1) sets the delay before
/// the line first appears (the tests set 0).
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let started = DispatchTime.now()
    private let delay: Double
    private var step: String
    private var detail = ""
    private var shownWidth = 0
    private var finished = false
    private var lastDrawn: UInt64 = 0
    private let timer: DispatchSourceTimer

    /// Whether a progress line may be shown at all: standard error is a terminal that can
    /// rewrite a line, and the user did not ask for quiet.
    static func isWanted(quiet: Bool) -> Bool {
        if quiet || isatty(2) == 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    /// A progress line for `step`, or nil when none may be shown.
    static func start(_ step: String, quiet: Bool) -> Progress? {
        isWanted(quiet: quiet) ? Progress(step) : nil
    }

    private init(_ step: String) {
        self.step = step
        let after = getenv("SCORECARD_PROGRESS_AFTER").flatMap { Double(String(cString: $0)) }
        delay = after.map { Swift.max(0, $0) } ?? 1.0
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + delay, repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.redraw(force: true) }
        timer.resume()
        if delay == 0 { redraw(force: true) }
    }

    deinit { timer.cancel() }

    /// A new step (`lead-lag`), with its detail cleared.
    func begin(_ step: String) {
        lock.withLock {
            self.step = step
            detail = ""
        }
        redraw(force: true)
    }

    /// `done` of `total` units of the current step (`pairs`, `teams`).
    func update(_ done: Int, of total: Int, _ unit: String) {
        lock.withLock { detail = "\(done) of \(total) \(unit)" }
        redraw(force: false)
    }

    /// A share 0…1 of the current step.
    func update(fraction: Double) {
        lock.withLock { detail = "\(Int(Swift.min(Swift.max(fraction, 0), 1) * 100))%" }
        redraw(force: false)
    }

    /// A closure for an analysis' `progress:` parameter, counting `unit`s.
    func counter(_ unit: String) -> @Sendable (Int, Int) -> Void {
        { [self] done, total in update(done, of: total, unit) }
    }

    /// Clears the line (if one was drawn); nothing is drawn afterwards.
    func finish() {
        timer.cancel()
        lock.withLock {
            guard !finished else { return }
            finished = true
            if shownWidth > 0 { Self.writeRaw("\r" + String(repeating: " ", count: shownWidth) + "\r") }
        }
    }

    /// Draws the line once the delay has passed; an update redraws at most ten times a second.
    private func redraw(force: Bool) {
        lock.withLock {
            guard !finished else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            let elapsed = Double(now - started.uptimeNanoseconds) / 1e9
            guard elapsed >= delay else { return }
            if !force && now - lastDrawn < 100_000_000 { return }
            lastDrawn = now
            var line = ControlEscaping.escape(detail.isEmpty ? step : "\(step): \(detail)")
            if elapsed >= 1 { line += " … \(Int(elapsed))s" }
            let width = line.unicodeScalars.count
            let pad = Swift.max(0, shownWidth - width)
            Self.writeRaw("\r" + line + String(repeating: " ", count: pad))
            shownWidth = Swift.max(shownWidth, width)
        }
    }

    /// Every byte to standard error, the `\r`s included (`printError` would escape them).
    private static func writeRaw(_ text: String) { writeToStandardError(text) }
}

/// Runs `body` with a progress line for `step`, cleared when it returns or throws.
func withProgress<T>(_ step: String, quiet: Bool, _ body: (Progress?) throws -> T) rethrows -> T {
    let progress = Progress.start(step, quiet: quiet)
    defer { progress?.finish() }
    return try body(progress)
}

extension Progress {
    /// `reading measurements.csv (812 MB)`: the step of a dataset's read.
    static func reading(_ location: DatasetLocation) -> String {
        let files = [location.measurements] + location.moreMeasurements
        var bytes: Int64 = 0
        for path in files {
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { bytes += Int64(info.st_size) }
        }
        let name = files.count == 1 ? files[0] : "\(files[0]) and \(files.count - 1) more"
        return bytes >= 1 << 20 ? "reading \(name) (\(bytes >> 20) MB)" : "reading \(name)"
    }
}
