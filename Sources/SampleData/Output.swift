#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer that is flushed to a file descriptor whenever it passes `chunk` bytes, so
/// a 340 MB CSV never exists as one string; without a descriptor it keeps everything
/// (for `measurementsCSV`, small sizes only).
final class ByteSink {
    /// The bytes not yet flushed (all of them in memory); appended to directly on the hot path.
    var buffer: [UInt8] = []
    var bytes: [UInt8] { buffer }
    private let fd: Int32?
    private let path: String
    private let chunk = 1 << 20

    init(fd: Int32?, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(fd == nil ? 1 << 16 : chunk + 4096)
    }

    @inline(__always)
    func append(_ byte: UInt8) { buffer.append(byte) }

    @inline(__always)
    func append(_ more: [UInt8]) { buffer.append(contentsOf: more) }

    func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    /// Call between rows: writes out the buffer once it is large.
    @inline(__always)
    func rowEnded() throws(GeneratorError) {
        if fd != nil && buffer.count >= chunk { try flush() }
    }

    /// Writes everything buffered to the descriptor (a no-op in memory).
    func flush() throws(GeneratorError) {
        guard let fd else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw GeneratorError.system(.io, "cannot write", path: path, errno: errno)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The files of one dataset, each first written under a temporary name in the target
/// folder and renamed into place only when all of them are complete: a failure part-way
/// leaves the folder as it was (the temporary files are removed).
struct AtomicFileSet {
    let directory: String
    private(set) var pending: [(temporary: String, final: String)] = []
    /// Tracks a temporary file (for removal on a fatal signal); returns its release.
    let track: ((String) -> () -> Void)?
    private var releases: [() -> Void] = []

    init(directory: String, track: ((String) -> () -> Void)? = nil) {
        self.directory = directory
        self.track = track
    }

    /// Creates a fresh temporary file for `name`, writes it with `body` and closes it.
    mutating func write(_ name: String, _ body: (ByteSink) throws(GeneratorError) -> Void) throws(GeneratorError) {
        let final = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        var attempt = 0
        var fd: Int32 = -1
        var temporary = ""
        repeat {
            temporary = (directory.hasSuffix("/") ? directory : directory + "/")
                + ".\(name).tmp-\(getpid())-\(attempt)"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            attempt += 1
        } while fd < 0 && errno == EEXIST && attempt < 100
        if fd < 0 { throw GeneratorError.system(.cannotCreate, "cannot create file", path: temporary, errno: errno) }
        pending.append((temporary, final))
        releases.append(track?(temporary) ?? {})
        let sink = ByteSink(fd: fd, path: final)
        do {
            try body(sink)
            try sink.flush()
        } catch {
            close(fd)
            throw error
        }
        if close(fd) != 0 { throw GeneratorError.system(.io, "cannot write", path: final, errno: errno) }
    }

    /// Renames every temporary file to its final name.
    mutating func commit() throws(GeneratorError) {
        while !pending.isEmpty {
            let (temporary, final) = pending[0]
            if rename(temporary, final) != 0 {
                throw GeneratorError.system(.io, "cannot move \(temporary) to", path: final, errno: errno)
            }
            pending.removeFirst()
            releases.removeFirst()()
        }
    }

    /// Removes the temporary files not yet committed.
    mutating func discard() {
        for (temporary, _) in pending { unlink(temporary) }
        pending.removeAll()
        for release in releases { release() }
        releases.removeAll()
    }
}

/// `mkdir -p`: creates `path` and its missing parents; an existing directory is fine.
func makeDirectories(_ path: String) throws(GeneratorError) {
    guard !path.isEmpty else { throw GeneratorError(.cannotCreate, "cannot create directory: empty path") }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
        if mkdir(prefix, 0o755) != 0 {
            let code = errno
            var info = stat()
            if code == EEXIST && stat(prefix, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { continue }
            if code == EEXIST {
                throw GeneratorError(.cannotCreate, "cannot create directory \(path): \(prefix) is not a directory", path: path)
            }
            throw GeneratorError.system(.cannotCreate, "cannot create directory", path: path, errno: code)
        }
    }
}
