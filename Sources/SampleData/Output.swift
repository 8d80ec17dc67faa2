import Rendering

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer that is flushed to an `AtomicFileWriter` whenever it passes `chunk` bytes,
/// so a 340 MB CSV never exists as one string; without a writer it keeps everything (for
/// `measurementsCSV`, small sizes only).
final class ByteSink {
    /// The bytes not yet flushed (all of them in memory); appended to directly on the hot path.
    var buffer: [UInt8] = []
    var bytes: [UInt8] { buffer }
    private let writer: AtomicFileWriter?
    private let chunk = 1 << 20

    init(writer: AtomicFileWriter?) {
        self.writer = writer
        buffer.reserveCapacity(writer == nil ? 1 << 16 : chunk + 4096)
    }

    @inline(__always)
    func append(_ byte: UInt8) { buffer.append(byte) }

    @inline(__always)
    func append(_ more: [UInt8]) { buffer.append(contentsOf: more) }

    func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    /// Call between rows: writes out the buffer once it is large.
    @inline(__always)
    func rowEnded() throws(GeneratorError) {
        if writer != nil && buffer.count >= chunk { try flush() }
    }

    /// Writes everything buffered to the file (a no-op in memory).
    func flush() throws(GeneratorError) {
        guard let writer else { return }
        do {
            try writer.write(buffer)
        } catch {
            throw GeneratorError(error)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The files of one dataset, each written through Rendering's `AtomicFileWriter` (a
/// temporary file beside its target, removed if SIGINT, SIGTERM or SIGHUP ends the program)
/// and renamed into place only when all of them are complete: a failure part-way leaves the
/// folder as it was (the temporary files are removed).
struct AtomicFileSet {
    let directory: String
    private var pending: [AtomicFileWriter] = []

    init(directory: String) {
        self.directory = directory
    }

    /// Creates a fresh temporary file for `name` and writes it with `body`.
    mutating func write(_ name: String, _ body: (ByteSink) throws(GeneratorError) -> Void) throws(GeneratorError) {
        let final = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        let writer: AtomicFileWriter
        do {
            writer = try AtomicFileWriter(path: final)
        } catch {
            throw GeneratorError(error)
        }
        pending.append(writer)
        let sink = ByteSink(writer: writer)
        try body(sink)
        try sink.flush()
    }

    /// Renames every temporary file to its final name.
    mutating func commit() throws(GeneratorError) {
        while !pending.isEmpty {
            do {
                try pending[0].commit()
            } catch {
                throw GeneratorError(error)
            }
            pending.removeFirst()
        }
    }

    /// Removes the temporary files not yet committed.
    mutating func discard() {
        for writer in pending { writer.discard() }
        pending.removeAll()
    }
}

extension GeneratorError {
    /// An output failure as the generator reports it: cannot create, or other I/O.
    init(_ error: OutputError) {
        self.init(error.kind == .cannotCreate ? .cannotCreate : .io, error.description, path: error.path)
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
