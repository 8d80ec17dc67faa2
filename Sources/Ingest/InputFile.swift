import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's identity: device and inode, the same through hard and symbolic links, and its
/// modification time, so an inode freed by a deleted input and reused by a new file (a
/// long-running process, a test suite) is not taken for that input.
public struct FileIdentity: Hashable, Sendable {
    /// `st_dev`: the device holding the file.
    public let device: UInt64
    /// `st_ino`: the file's inode on that device.
    public let inode: UInt64
    /// Modification time, whole seconds since 1970 (`st_mtim.tv_sec`).
    public let modified: Int64
    /// The nanoseconds of the modification time (`st_mtim.tv_nsec`).
    public let modifiedNanoseconds: Int64
    /// An identity from its parts (tests build them; modification time 0 when not known).
    public init(device: UInt64, inode: UInt64, modified: Int64 = 0, modifiedNanoseconds: Int64 = 0) {
        self.device = device
        self.inode = inode
        self.modified = modified
        self.modifiedNanoseconds = modifiedNanoseconds
    }
    /// The identity `stat` or `fstat` reported.
    public init(_ st: stat) {
        self.init(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), modified: Int64(st.st_mtim.tv_sec),
            modifiedNanoseconds: Int64(st.st_mtim.tv_nsec))
    }

    /// The identity of what `path` names, links followed; nil when it does not exist.
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }
}

/// How every input file (measurements, scorecard) is opened, and the record of what was read.
///
/// Opening is non-blocking: `open` of a FIFO with no writer blocks forever in the kernel, before
/// any "not a regular file" check could run (issue #16). So the file is opened with
/// `O_NONBLOCK`, checked with `fstat`, and only a regular file is accepted (and then switched
/// back to blocking reads).
///
/// Every file opened here is recorded by device and inode, so an output can refuse to
/// replace any of the command's inputs (`AtomicFileWriter`, exit 73), whatever path or link
/// names it.
public enum InputFiles {
    private static let opened = Mutex<Set<FileIdentity>>([])

    /// The identities of the inputs opened so far in this process.
    public static var identities: Set<FileIdentity> { opened.withLock { $0 } }

    /// Records a file as an input without opening it (an input named on the command line
    /// that the command reads by another route).
    public static func record(_ identity: FileIdentity) { _ = opened.withLock { $0.insert(identity) } }

    /// Whether `path` (links followed) is one of the inputs opened so far.
    public static func isInput(_ path: String) -> Bool {
        guard let id = FileIdentity(path: path) else { return false }
        return opened.withLock { $0.contains(id) }
    }

    /// Why `open` refused a path; the caller words it as an `InputError` naming the file.
    public enum OpenFailure: Error {
        /// `open` failed with this errno.
        case cannotOpen(Int32)
        /// A folder.
        case folder
        /// A FIFO, socket or device.
        case notRegular
    }

    /// Opens `path` for reading without blocking, accepting only a regular file; returns the
    /// descriptor (blocking again, close-on-exec) and the size. The file is recorded as an input.
    public static func openRegular(_ path: String) -> Result<(fd: Int32, size: Int), OpenFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        if fd < 0 { return .failure(.cannotOpen(errno)) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            return .failure(.cannotOpen(e))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            break
        case S_IFDIR:
            close(fd)
            return .failure(.folder)
        default:
            close(fd)
            return .failure(.notRegular)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        record(FileIdentity(st))
        return .success((fd, Int(st.st_size)))
    }

    /// Reads up to `limit` bytes from a descriptor (pread from 0, retrying interruptions).
    static func read(_ fd: Int32, upTo limit: Int) -> Result<[UInt8], OpenFailure> {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while out.count < limit {
            let want = Swift.min(chunk.count, limit - out.count)
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(out.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.cannotOpen(errno))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return .success(out)
    }
}
