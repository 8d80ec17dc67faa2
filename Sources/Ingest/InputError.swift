/// A problem with the user's input that the user can fix: where it is and what was expected.
///
/// `description` reads `file:line:column: problem; expected …`, the form compilers use, so
/// editors and terminals can jump to the place. Line and column are 1-based; a column counts
/// Unicode scalars of the line (a BOM at the start of the file is not counted).
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, which fixes the exit code (sysexits.h; the command line maps
    /// kinds to codes in `Sources/scorecard/ExitStatus.swift`).
    public enum Kind: Sendable, Equatable {
        /// The data is malformed or inconsistent (exit 65, `EX_DATAERR`).
        case badData
        /// An input file or folder does not exist or cannot be opened (exit 66, `EX_NOINPUT`).
        case missingInput
        /// The command line is inconsistent with the data (exit 64, `EX_USAGE`).
        case usage
        /// A resource limit was exceeded; the message names the flag that raises it (exit 65).
        case limit
        /// A database could not be reached or failed mid-read (exit 74, `EX_IOERR`).
        case inputOutput
    }

    /// What kind of failure it is, which fixes the exit code.
    public let kind: Kind
    /// The file (or source, e.g. a postgres:// URL, "command line") the problem is in.
    public var file: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// The 1-based column in Unicode scalars, when known.
    public var column: Int?
    /// What is wrong, e.g. `value "1,5" is not a number`.
    public var problem: String
    /// What was expected, e.g. `a decimal number such as 1.5, or empty/NA/NaN/null for missing`.
    public let expected: String
    /// The 0-based field of the record the problem is in, when the CSV parser knows it;
    /// sources that are not CSV files (a database, a workbook) name their column with it.
    public var field: Int?

    /// A problem in `file` at an optional line and column.
    public init(
        _ kind: Kind = .badData, file: String, line: Int? = nil, column: Int? = nil,
        problem: String, expected: String
    ) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
        self.expected = expected
    }

    /// `file`, `file:line` or `file:line:column`, as much as is known.
    public var location: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s
    }

    /// One line whatever the names in it hold: control characters are escaped (`\u{0}`).
    public var description: String {
        ControlEscaping.escape(expected.isEmpty ? "\(location): \(problem)" : "\(location): \(problem); expected \(expected)")
    }
}

/// Several input problems found in one pass (`scorecard validate` reports them all at once).
public struct InputErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, each located (a measurements reader keeps at most `ReadLimits.maxErrors`).
    public let errors: [InputError]
    /// The measure names a measurements file held, when it could be read that far: the
    /// scorecard is still checked against them, so one run reports every problem.
    public let measuresSeen: [String]?
    /// Several problems, and the measures read before they stopped the reading.
    public init(_ errors: [InputError], measuresSeen: [String]? = nil) {
        self.errors = errors
        self.measuresSeen = measuresSeen
    }
    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Something worth telling the user that does not stop the work (e.g. a measure in the
/// data that the scorecard does not name).
public struct InputNote: Sendable, Equatable, CustomStringConvertible {
    /// The file the note is about.
    public let file: String
    /// The 1-based line, when the note has one.
    public let line: Int?
    /// What is worth knowing, in words.
    public let message: String
    /// A note about `file` at an optional line.
    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    /// `file:line: note: message` (or `file: note: message`), control characters escaped.
    public var description: String {
        ControlEscaping.escape(line.map { "\(file):\($0): note: \(message)" } ?? "\(file): note: \(message)")
    }
}
