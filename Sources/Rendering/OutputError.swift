#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An output that could not be written, carrying the exit code METHODS.md assigns:
/// 73 when the file cannot be created (missing directory, no permission, a directory in
/// the way), 74 for other I/O errors (disk full, I/O error while writing).
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The output path as the user gave it (`-` for standard output).
    public var path: String
    /// What was being attempted, e.g. "cannot create".
    public var action: String
    /// The operating system's text for `code`.
    public var reason: String
    /// The `errno` value.
    public var code: Int32
    /// 73 (EX_CANTCREAT) or 74 (EX_IOERR).
    public var exitCode: Int32

    public static let cannotCreate: Int32 = 73
    public static let inputOutput: Int32 = 74

    public init(path: String, action: String, code: Int32, exitCode: Int32) {
        self.path = path
        self.action = action
        self.code = code
        self.reason = String(cString: strerror(code))
        self.exitCode = exitCode
    }

    /// One line for standard error, e.g. `cannot create 'out/trend.csv': No such file or directory`.
    public var description: String { "\(action) '\(path)': \(reason)" }

    /// Errors that mean "this file cannot be created here" (exit 73) rather than an I/O
    /// failure (exit 74), for `open` and `rename`.
    static func isCreationFailure(_ code: Int32) -> Bool {
        switch code {
        case ENOENT, ENOTDIR, EACCES, EPERM, EROFS, EISDIR, ENAMETOOLONG, ELOOP, EEXIST, ENOTEMPTY:
            true
        default:
            false
        }
    }
}
