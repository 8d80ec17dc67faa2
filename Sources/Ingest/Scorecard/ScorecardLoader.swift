import Foundation
import Yams

/// Reads `scorecard.yml` (METHODS.md, "Scorecard file (YAML)") into a `Scorecard`: the facade
/// for I/O and limits. The YAML source and the alias-free composer are in `Ingest/YAML/`; the
/// schema is read by `ScorecardReader` (+Measures, +Links).
///
/// Every problem found is reported, not just the first: `load` throws `InputErrors` whose
/// errors are sorted by line and column, each naming the YAML line and column (1-based,
/// columns in Unicode scalars, a leading BOM not counted) of the offending key or value.
///
/// Rules beyond the ones METHODS.md spells out:
/// - Anchors (`&a`) and aliases (`*a`) are refused, which also refuses "billion laughs"
///   documents: aliases are neutralised before Yams composes the document (see
///   `SafeComposer`), so neither the composer nor its duplicate-key check ever sees one.
/// - At most `ReadLimits.maxScorecardBytes` of UTF-8 (`--max-scorecard-bytes`, default
///   `maxBytes`) and `ReadLimits.maxScorecardDepth` levels of nested mappings/lists
///   (`--max-scorecard-depth`, default `maxDepth`; libyaml itself stops at 1000).
/// - Ids and names are the text as written (`id: 2024` is "2024", `name: yes` is "yes");
///   an empty value, `~` or `null` counts as no value.
/// - Numbers are plain decimal numbers (`60000`, `-2.5`, `1e3`); quoted numbers, YAML 1.1
///   forms (`0x1F`, `1_000`, `1:30`) and `.inf`/`.nan` are refused; `010` is ten.
/// - `sign`: `positive`, `negative`, `'+'` or `'-'`. Unquoted `+` works too. Unquoted `-` at
///   the end of a line is YAML's list marker, which YAML refuses there (a syntax error whose
///   message says to quote it); inside a flow mapping directly before `}` (`{…, sign: -}`) YAML
///   reads it as the text `-`, which is accepted.
/// - Link and ROI measure names are not checked against the measures here (they may exist
///   only in the data): see `Scorecard.unresolvedReferences(knownMeasures:)`.
public enum ScorecardLoader {
    /// The largest scorecard accepted, in bytes of UTF-8 (a real one is a few kilobytes).
    public static let maxBytes = 1 << 20
    /// The deepest nesting of YAML mappings and lists accepted (a scorecard needs 8).
    public static let maxDepth = 64

    /// Parses YAML text; `file` is the path used in messages.
    ///
    /// - Throws: `InputErrors` listing every problem found.
    public static func load(yaml: String, file: String, limits: ReadLimits = ReadLimits()) throws -> Scorecard {
        let size = yaml.utf8.count
        if size > limits.maxScorecardBytes {
            throw InputErrors([
                InputError(
                    .limit, file: file,
                    problem: "the scorecard is \(size) bytes, more than the limit of \(describe(limits.maxScorecardBytes))",
                    expected: tooBigExpected(limits))
            ])
        }
        let source = YAMLSource(yaml, file: file)
        let document = try SafeComposer.compose(source, maxDepth: limits.maxScorecardDepth)
        guard let root = document.root, !isYAMLNull(root) else {
            throw InputErrors([
                InputError(
                    file: file, line: 1, column: 1, problem: "the scorecard is empty",
                    expected: "a mapping with `perspectives`")
            ])
        }
        var reader = ScorecardReader(source: source, renames: document.renames)
        let scorecard = reader.scorecard(root)
        if !reader.errors.isEmpty { throw InputErrors(sorted(reader.errors)) }
        guard let scorecard else {  // unreachable: no scorecard always comes with an error
            throw InputErrors([
                InputError(file: file, line: 1, column: 1, problem: "the scorecard could not be read", expected: "")
            ])
        }
        return scorecard
    }

    static func describe(_ bytes: Int) -> String { bytes == 1 << 20 ? "1048576 bytes (1 MiB)" : "\(bytes) bytes" }
    static func tooBigExpected(_ limits: ReadLimits) -> String {
        """
        a scorecard file of at most \(limits.maxScorecardBytes == 1 << 20 ? "1 MiB" : "\(limits.maxScorecardBytes) bytes") (raise the \
        limit with --max-scorecard-bytes)
        """
    }

    /// Reads and parses the file at `path` (UTF-8, a BOM allowed).
    ///
    /// - Throws: `InputErrors`; a missing or unreadable file gives one error of kind
    ///   `.missingInput`, invalid UTF-8 one `.badData` error at the first bad byte.
    public static func load(contentsOf path: String, limits: ReadLimits = ReadLimits()) throws -> Scorecard {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputErrors([
                InputError(
                    .missingInput, file: path, problem: "no such file",
                    expected: "a scorecard YAML file at this path")
            ])
        }
        if isFolder.boolValue {
            throw InputErrors([
                InputError(
                    .missingInput, file: path, problem: "this is a folder, not a file",
                    expected: "the path of a scorecard YAML file")
            ])
        }
        // Opened without blocking: a FIFO at the path is refused, not waited on.
        let fd: Int32
        switch InputFiles.openRegular(path) {
        case .success(let opened):
            fd = opened.fd
        case .failure(.folder):
            throw InputErrors([
                InputError(
                    .missingInput, file: path, problem: "this is a folder, not a file", expected: "the path of a scorecard YAML file")
            ])
        case .failure(.notRegular):
            throw InputErrors([
                InputError(
                    .missingInput, file: path, problem: "not a regular file",
                    expected: "a scorecard YAML file (save a stream to a file first)")
            ])
        case .failure(.cannotOpen):
            throw InputErrors([
                InputError(
                    .missingInput, file: path, problem: "the file cannot be opened for reading",
                    expected: "a scorecard YAML file that this user may read")
            ])
        }
        defer { close(fd) }
        let data: Data
        // One byte past the limit is enough to know it is too big: memory stays bounded.
        switch InputFiles.read(
            fd, upTo: limits.maxScorecardBytes.addingReportingOverflow(1).overflow ? Int.max : limits.maxScorecardBytes + 1)
        {
        case .success(let bytes):
            data = Data(bytes)
        case .failure(let failure):
            var reason = "unknown error"
            if case .cannotOpen(let code) = failure { reason = String(cString: strerror(code)) }
            throw InputErrors([
                InputError(
                    .missingInput, file: path, problem: "the file cannot be read (\(reason))",
                    expected: "a readable scorecard YAML file")
            ])
        }
        if data.count > limits.maxScorecardBytes {
            throw InputErrors([
                InputError(
                    .limit, file: path,
                    problem: "the scorecard is more than the limit of \(describe(limits.maxScorecardBytes))",
                    expected: tooBigExpected(limits))
            ])
        }
        switch YAMLSource.decodeUTF8(data) {
        case .success(let text):
            return try load(yaml: text, file: path, limits: limits)
        case .failure(let bad):
            throw InputErrors([
                InputError(
                    file: path, line: bad.line, column: bad.column,
                    problem: "the file is not valid UTF-8 (byte 0x\(String(bad.byte, radix: 16, uppercase: true)))",
                    expected: "UTF-8 text; save the scorecard as UTF-8")
            ])
        }
    }

    static func sorted(_ errors: [InputError]) -> [InputError] {
        errors.enumerated().sorted { a, b in
            let ka = (a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let kb = (b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
    }
}
