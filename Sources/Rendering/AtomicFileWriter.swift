import Ingest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an output file so that readers see either the old file or the complete new
/// one, never a partial file, and no stray temporary file is left behind.
///
/// The bytes go to `.<name>.tmp-<pid>-<random>` in the target's directory (same file
/// system, so the final `rename` is atomic), which is flushed with `fsync` and renamed
/// over the target; the directory is then synced on a best-effort basis. Any failure
/// removes the temporary file and throws `OutputError` with exit code 73 (cannot create:
/// missing directory, permission, a directory in the way) or 74 (other I/O, e.g. disk
/// full). If SIGINT, SIGTERM or SIGHUP ends the program mid-write, or it calls `exit`
/// with a writer still open, handlers installed on first use remove the temporary file
/// (see `TemporaryFileRegistry`). Only SIGKILL, a crash or a power cut can leave one,
/// and it is a dot-file that never replaces the target.
///
/// An existing target keeps its permission bits; a new one gets 0666 minus the umask.
/// A symbolic link at the target path is replaced by the new file, not followed.
///
/// A target that is one of the process's inputs (`InputFiles`: same device and inode,
/// links followed) is refused with exit 73 before anything is written.
///
/// The path `-` means standard output: bytes are written directly (nothing to make
/// atomic), and a closed pipe (EPIPE, e.g. `scorecard … | head`) ends the program quietly
/// with status 0, since the reader has all it wanted. An existing device, FIFO or socket
/// at the path (`/dev/null`, `/dev/stdout`, a named pipe) is likewise written in place.
///
/// Use: `try AtomicFileWriter.write(bytes, to: path)`, or for streaming
/// `let out = try AtomicFileWriter(path:)`, `try out.write(…)` repeatedly, then
/// `try out.commit()`. A writer dropped without `commit()` removes its temporary file.
public final class AtomicFileWriter {
    /// The target as given.
    public let path: String
    private var descriptor: Int32
    /// Nil when writing in place: standard output, or a device or FIFO at `path`.
    private let temporaryPath: String?
    /// Whether `descriptor` was opened here (everything except standard output).
    private let ownsDescriptor: Bool
    private var slot: Int?
    private var finished = false

    /// Refuses (exit 73) when `path` is a regular file this command read as an input (the
    /// same file through any link): the output would replace or overwrite its own data.
    /// Commands call it as soon as the inputs are read, before the analysis runs; the writer
    /// checks again when it opens the file.
    public static func refuseInput(_ path: String) throws(OutputError) {
        guard path != "-" else { return }
        var existing = stat()
        guard stat(path, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFREG,
            InputFiles.identities.contains(FileIdentity(existing))
        else { return }
        var error = OutputError(path: path, action: "cannot create", code: EEXIST, kind: .cannotCreate)
        error.reason = "it is an input of this command (the same file, through any link); write the output elsewhere"
        throw error
    }

    /// Creates the temporary file next to `path`, or opens standard output (`-`) or an
    /// existing device, FIFO or socket at `path` for writing in place: renaming over
    /// `/dev/null` would replace the device node (as root) instead of discarding output.
    public init(path: String) throws(OutputError) {
        self.path = path
        if path == "-" {
            _ = Self.sigpipeIgnored
            descriptor = STDOUT_FILENO
            temporaryPath = nil
            ownsDescriptor = false
            return
        }

        let (directory, name) = Self.split(path)
        if name.isEmpty || name == "." || name == ".." {
            throw OutputError(path: path, action: "cannot create", code: EISDIR, kind: .cannotCreate)
        }
        try Self.refuseInput(path)
        var existing = stat()
        let targetExists = stat(path, &existing) == 0
        if targetExists {
            switch existing.st_mode & S_IFMT {
            case S_IFREG:
                break
            case S_IFDIR:
                throw OutputError(path: path, action: "cannot create", code: EISDIR, kind: .cannotCreate)
            default:
                _ = Self.sigpipeIgnored
                let opened = open(path, O_WRONLY | O_CLOEXEC)
                guard opened >= 0 else {
                    let error = errno
                    throw OutputError(
                        path: path, action: "cannot open", code: error,
                        kind: OutputError.isCreationFailure(error) ? .cannotCreate : .inputOutput)
                }
                descriptor = opened
                temporaryPath = nil
                ownsDescriptor = true
                return
            }
        }

        // Keep the temporary name within NAME_MAX (255 bytes) for long target names.
        var prefix = Array(name.utf8.prefix(200))
        while !prefix.isEmpty, String(validating: prefix, as: UTF8.self) == nil { prefix.removeLast() }
        let shortName = String(decoding: prefix, as: UTF8.self)

        var lastError: Int32 = EEXIST
        for _ in 0..<8 {
            let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let candidate = directory + "." + shortName + ".tmp-\(getpid())-" + random
            // Registered before it exists, so no instant exists in which a signal could
            // leave the file behind.
            let slot = TemporaryFileRegistry.register(candidate)
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if opened >= 0 {
                if targetExists {
                    _ = fchmod(opened, existing.st_mode & 0o777)
                }
                descriptor = opened
                temporaryPath = candidate
                ownsDescriptor = true
                self.slot = slot
                return
            }
            lastError = errno
            if let slot { TemporaryFileRegistry.unregister(slot) }
            if lastError != EEXIST { break }
        }
        throw OutputError(
            path: path, action: "cannot create", code: lastError,
            kind: OutputError.isCreationFailure(lastError) ? .cannotCreate : .inputOutput)
    }

    deinit {
        if !finished { discard() }
    }

    /// Appends bytes to the output.
    public func write(_ bytes: [UInt8]) throws(OutputError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(OutputError) in try write(raw) } }.get()
    }

    /// Appends bytes to the output.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        precondition(!finished, "write after commit or discard")
        if descriptor == STDOUT_FILENO && !ownsDescriptor {
            fflush(nil)  // whatever `print` buffered goes first
        }
        guard let error = Self.writeAll(descriptor, bytes) else { return }
        // A closed pipe (standard output, or a FIFO given as the path): the reader has all
        // it wanted.
        if temporaryPath == nil && error == EPIPE { exit(0) }
        discard()
        throw OutputError(path: path, action: "cannot write", code: error, kind: .inputOutput)
    }

    /// Makes the output durable and visible under `path`. When writing in place this only
    /// closes the output.
    public func commit() throws(OutputError) {
        precondition(!finished, "commit after commit or discard")
        guard let temporaryPath else {
            finished = true
            if ownsDescriptor && close(descriptor) != 0 {
                let error = errno
                descriptor = -1
                throw OutputError(path: path, action: "cannot write", code: error, kind: .inputOutput)
            }
            descriptor = -1
            return
        }
        if fsync(descriptor) != 0 {
            let error = errno
            discard()
            throw OutputError(path: path, action: "cannot write", code: error, kind: .inputOutput)
        }
        let closed = close(descriptor)
        let closeError = errno
        descriptor = -1
        if closed != 0 {
            discard()
            throw OutputError(path: path, action: "cannot write", code: closeError, kind: .inputOutput)
        }
        if rename(temporaryPath, path) != 0 {
            let error = errno
            discard()
            throw OutputError(
                path: path, action: "cannot create", code: error,
                kind: OutputError.isCreationFailure(error) ? .cannotCreate : .inputOutput)
        }
        finished = true
        if let slot { TemporaryFileRegistry.unregister(slot) }
        slot = nil
        Self.syncDirectory(of: path)
    }

    /// Abandons the output: removes the temporary file; the target is untouched.
    /// Harmless after `commit()` or a failure. (Bytes already written in place, to
    /// standard output or a device, cannot be taken back.)
    public func discard() {
        if !finished {
            if ownsDescriptor && descriptor >= 0 { _ = close(descriptor) }
            if let temporaryPath { _ = unlink(temporaryPath) }
        }
        descriptor = -1
        finished = true
        if let slot { TemporaryFileRegistry.unregister(slot) }
        slot = nil
    }

    // MARK: - One-shot helpers

    /// Writes `bytes` to `path` atomically (or to standard output for `-`).
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit()
    }

    /// Writes `bytes` to standard output, after anything `print` has buffered.
    ///
    /// A closed pipe ends the program with status 0 (see the type's note). Other errors
    /// (e.g. standard output redirected to a full disk) throw, with exit code 74, rather
    /// than being swallowed: losing output must not look like success.
    public static func writeToStandardOutput(_ bytes: [UInt8]) throws(OutputError) {
        _ = sigpipeIgnored
        fflush(nil)  // all C streams; naming `stdout` is not concurrency-safe in Swift 6
        let error = bytes.withUnsafeBytes { writeAll(STDOUT_FILENO, $0) }
        guard let error else { return }
        if error == EPIPE { exit(0) }
        throw OutputError(path: "-", action: "cannot write", code: error, kind: .inputOutput)
    }

    /// Removes every temporary file of writers still in progress. Async-signal-safe, for
    /// programs that install their own SIGINT/SIGTERM handlers (which this type then leaves
    /// alone). The affected writers fail when they commit.
    public static func removeTemporaryFiles() {
        TemporaryFileRegistry.removeAll()
    }

    // MARK: - Internals

    /// Writes of SIGPIPE-ignoring programs fail with EPIPE instead of killing the program,
    /// which lets a closed pipe end it with status 0 instead of 141.
    private static let sigpipeIgnored: Bool = {
        _ = signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// Writes everything, retrying short writes and interruptions; returns `errno` on failure.
    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(descriptor, next, min(remaining, 1 << 30))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            next += written
            remaining -= written
        }
        return nil
    }

    /// Directory part (with trailing slash, or empty for the working directory) and name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        let nameStart = path.utf8.index(after: slash)
        return (String(path[..<nameStart]), String(path[nameStart...]))
    }

    /// Persists the rename itself; failure only weakens durability, so it is ignored.
    private static func syncDirectory(of path: String) {
        let directory = split(path).directory
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

/// The C `write`, out of reach of `AtomicFileWriter.write` shadowing it inside the class.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
