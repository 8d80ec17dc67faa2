#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An output that could not be written, and which kind of failure it is: the file cannot be
/// created (missing directory, no permission, a directory in the way), or another I/O error
/// (disk full, I/O error while writing). The command line maps the kind to METHODS.md's exit
/// code (`Sources/scorecard/ExitStatus.swift`).
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The output path as the user gave it (`-` for standard output).
    public let path: String
    /// What was being attempted, e.g. "cannot create".
    public let action: String
    /// The operating system's text for `code`.
    public var reason: String
    /// The `errno` value.
    public let code: Int32
    /// Which kind of failure.
    public let kind: Kind

    /// The kinds of output failure.
    public enum Kind: Sendable, Equatable {
        /// The output cannot be created here (`EX_CANTCREAT`).
        case cannotCreate
        /// Another I/O error, e.g. while writing (`EX_IOERR`).
        case inputOutput
    }

    /// The failure `action` on `path` with `errno` value `code`.
    public init(path: String, action: String, code: Int32, kind: Kind) {
        self.path = path
        self.action = action
        self.code = code
        self.reason = String(cString: strerror(code))
        self.kind = kind
    }

    /// One line for standard error, e.g. `cannot create 'out/trend.csv': No such file or directory`.
    public var description: String { "\(action) '\(path)': \(reason)" }

    /// Errors that mean "this file cannot be created here" (`.cannotCreate`) rather than an
    /// I/O failure (`.inputOutput`), for `open` and `rename`.
    static func isCreationFailure(_ code: Int32) -> Bool {
        switch code {
        case ENOENT, ENOTDIR, EACCES, EPERM, EROFS, EISDIR, ENAMETOOLONG, ELOOP, EEXIST, ENOTEMPTY:
            true
        default:
            false
        }
    }
}
