import Foundation
import Yams

/// Reads `scorecard.yml` (METHODS.md, "Scorecard file (YAML)") into a `Scorecard`.
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

    static let topKeys = ["name", "perspectives", "links", "roi", "data"]
    static let dataKeys = ["team_column", "period_column", "measure_column", "value_column", "frequency", "date_order", "numbers", "decimal"]
    static let perspectiveKeys = ["objectives"]
    static let objectiveKeys = ["name", "weight", "measures", "initiatives"]
    static let measureKeys = [
        "id", "name", "unit", "direction", "aggregation", "target", "team_target", "thresholds", "weight",
    ]
    static let thresholdKeys = ["green", "amber"]
    static let initiativeKeys = ["name", "owner", "due", "status"]
    static let linkKeys = ["from", "to", "sign"]
    static let roiKeys = ["return", "cost"]
    /// In the order METHODS.md lists them.
    static let perspectiveNames = ["financial", "customer", "process", "learning"]

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
        let source = SourceText(yaml, file: file)
        let document = try SafeComposer.compose(source, maxDepth: limits.maxScorecardDepth)
        guard let root = document.root, !isNull(root) else {
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

    /// Reads and parses the file at `path` (UTF-8, a BOM allowed).
    ///
    /// - Throws: `InputErrors`; a missing or unreadable file gives one error of kind
    ///   `.missingInput`, invalid UTF-8 one `.badData` error at the first bad byte.
    static func describe(_ bytes: Int) -> String { bytes == 1 << 20 ? "1048576 bytes (1 MiB)" : "\(bytes) bytes" }
    static func tooBigExpected(_ limits: ReadLimits) -> String {
        "a scorecard file of at most \(limits.maxScorecardBytes == 1 << 20 ? "1 MiB" : "\(limits.maxScorecardBytes) bytes") (raise the limit with --max-scorecard-bytes)"
    }

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
            throw InputErrors([InputError(.missingInput, file: path, problem: "this is a folder, not a file", expected: "the path of a scorecard YAML file")])
        case .failure(.notRegular):
            throw InputErrors([InputError(.missingInput, file: path, problem: "not a regular file",
                                          expected: "a scorecard YAML file (save a stream to a file first)")])
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
        switch InputFiles.read(fd, upTo: limits.maxScorecardBytes.addingReportingOverflow(1).overflow ? Int.max : limits.maxScorecardBytes + 1) {
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
        switch decodeUTF8(data) {
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

    struct BadByte: Error {
        var line: Int
        var column: Int
        var byte: UInt8
    }

    /// Decodes UTF-8, or names the line and column (in scalars, a leading BOM not counted) of the
    /// first byte that is not valid UTF-8.
    static func decodeUTF8(_ data: Data) -> Result<String, BadByte> {
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        let bytes = [UInt8](data)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        var previousCR = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded).value
                offset += encoded.count
                if scalar == 0x0A && previousCR {
                    // The second half of CR LF: the line was already counted.
                } else if SourceText.isBreak(scalar) {
                    line += 1
                    column = 1
                } else if !(scalar == 0xFEFF && line == 1 && column == 1 && offset == encoded.count) {
                    column += 1
                }
                previousCR = scalar == 0x0D
            case .error:
                return .failure(BadByte(line: line, column: column, byte: bytes[offset]))
            case .emptyInput:
                // Unreachable: `String(validating:)` failed, so some byte is bad.
                return .failure(BadByte(line: line, column: column, byte: 0))
            }
        }
    }
}

private func isNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node else { return false }
    return isNull(scalar)
}

/// A plain scalar that YAML reads as null: empty, `~`, `null`, `Null`, `NULL` (unless tagged `!!str`).
private func isNull(_ scalar: Node.Scalar) -> Bool {
    guard scalar.style == .plain || scalar.style == .any else { return false }
    guard ["", "~", "null", "Null", "NULL"].contains(scalar.string) else { return false }
    return scalar.tag.rawValue != Tag.Name.str.rawValue
}

// MARK: - Source text

extension ScorecardLoader {
    /// The document as Unicode scalars, with libyaml's line starts so that a `Mark` (libyaml's
    /// 1-based line and column, in scalars) maps to a scalar index.
    ///
    /// A leading BOM is dropped: Yams hands libyaml the encoding explicitly, and libyaml then counts
    /// the BOM as a column of line 1, so a block mapping that starts on line 1 would be indented
    /// one column deeper than the keys on the next lines (a bogus syntax error). Dropping it also
    /// keeps columns free of the BOM, as `InputError` wants.
    struct SourceText {
        let file: String
        var scalars: [Unicode.Scalar]
        /// Index in `scalars` of the first scalar of each line.
        let lineStarts: [Int]

        init(_ text: String, file: String) {
            self.file = file
            scalars = Array(text.unicodeScalars)
            if scalars.first?.value == 0xFEFF { scalars.removeFirst() }
            var starts = [0]
            var i = 0
            while i < scalars.count {
                let value = scalars[i].value
                if value == 0x0D, i + 1 < scalars.count, scalars[i + 1].value == 0x0A {
                    i += 1
                    starts.append(i + 1)
                } else if Self.isBreak(value) {
                    starts.append(i + 1)
                }
                i += 1
            }
            lineStarts = starts
        }

        /// libyaml's line breaks: CR, LF (CR LF counts once), NEL, LS, PS.
        static func isBreak(_ value: UInt32) -> Bool {
            value == 0x0A || value == 0x0D || value == 0x85 || value == 0x2028 || value == 0x2029
        }

        func index(of mark: Mark) -> Int? {
            guard mark.line >= 1, mark.line <= lineStarts.count, mark.column >= 1 else { return nil }
            let index = lineStarts[mark.line - 1] + mark.column - 1
            return index <= scalars.count ? index : nil
        }

        /// The line and column to show for a libyaml mark.
        func location(_ mark: Mark?) -> (line: Int, column: Int) {
            guard let mark else { return (1, 1) }
            return (mark.line, mark.column)
        }

        /// The text of a 1-based line, without its break.
        func lineText(_ line: Int) -> String {
            guard line >= 1, line <= lineStarts.count else { return "" }
            var end = line < lineStarts.count ? lineStarts[line] : scalars.count
            let start = lineStarts[line - 1]
            while end > start, Self.isBreak(scalars[end - 1].value) { end -= 1 }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start..<end])
            return String(view)
        }
    }
}

// MARK: - Composing without aliases

extension ScorecardLoader {
    /// Composes the document with Yams, but never lets Yams see an alias, and turns Yams' errors
    /// into `InputError`s.
    ///
    /// An alias token is `*` followed by an anchor character at the start of a YAML token. Every
    /// `*` followed by an anchor character (`[0-9A-Za-z_-]`) is first replaced by `Z`: where it
    /// was an alias, a plain scalar now starts at exactly that place; elsewhere (inside a quoted
    /// or plain scalar, a comment, a tag) nothing about the structure changes. So the rewritten
    /// text composes in time and memory linear in its size, and the original held an alias if and
    /// only if some node of the rewritten one starts at a replaced `*`. Only when none does is the
    /// original text composed, for its true values. Anchors are found on the composed nodes.
    ///
    /// Yams refuses duplicate mapping keys by throwing, which would hide every other problem: the
    /// first character of the reported key is replaced by a private-use character (columns are
    /// kept) and the document composed again; the reader restores the key and reports the
    /// duplicate itself, with the line of the first.
    enum SafeComposer {
        struct Document {
            var root: Node?
            /// Scalar index → the character a private-use character replaced there.
            var renames: [Int: Unicode.Scalar]
        }

        static let maxRenames = 100

        static func compose(_ source: SourceText, maxDepth: Int = ScorecardLoader.maxDepth) throws -> Document {
            var neutral = source.scalars
            var candidates = Set<Int>()
            if neutral.count > 1 {
                for i in 0..<(neutral.count - 1) where neutral[i] == "*" && isAnchorCharacter(neutral[i + 1]) {
                    candidates.insert(i)
                    neutral[i] = "Z"
                }
            }
            var privateUse = unusedPrivateUse(in: source.scalars)
            var renames: [Int: Unicode.Scalar] = [:]
            var (parser, root) = try composeRenamingDuplicates(
                &neutral, source: source, renames: &renames, privateUse: &privateUse, maxDepth: maxDepth)
            try withExtendedLifetime(parser) {
                if let root { try checkStructure(root, source: source, candidates: candidates, maxDepth: maxDepth) }
            }
            if !candidates.isEmpty {
                // No alias: the original text is safe to compose, and gives the true values.
                var original = source.scalars
                for index in renames.keys { original[index] = neutral[index] }
                (parser, root) = try composeRenamingDuplicates(
                    &original, source: source, renames: &renames, privateUse: &privateUse, maxDepth: maxDepth)
            }
            return Document(root: root, renames: renames)
        }

        static func isAnchorCharacter(_ s: Unicode.Scalar) -> Bool {
            switch s {
            case "0"..."9", "a"..."z", "A"..."Z", "_", "-": return true
            default: return false
            }
        }

        static func unusedPrivateUse(in scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
            let present = Set(scalars.lazy.filter { (0xE000...0xF8FF).contains($0.value) })
            var free: [Unicode.Scalar] = []
            var value: UInt32 = 0xE000
            while free.count < maxRenames && value <= 0xF8FF {
                let scalar = Unicode.Scalar(value)!
                if !present.contains(scalar) { free.append(scalar) }
                value += 1
            }
            return free.reversed()  // popLast() hands out U+E000 first
        }

        static func string(_ scalars: [Unicode.Scalar]) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }

        static func composeRenamingDuplicates(
            _ text: inout [Unicode.Scalar], source: SourceText, renames: inout [Int: Unicode.Scalar],
            privateUse: inout [Unicode.Scalar], maxDepth: Int
        ) throws -> (Parser?, Node?) {
            while true {
                let yaml = string(text)
                do {
                    let parser = try Parser(yaml: yaml, resolver: .default, constructor: .default, encoding: .utf8)
                    let root = try parser.singleRoot()
                    return (parser, root)
                } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                    let (line, column) = source.location(context.mark)
                    guard let index = source.index(of: context.mark), let at = renamable(text, index) else {
                        // Yams names a key that is a list or mapping "<uncovertable>".
                        let key = duplicates.sorted().first ?? "<uncovertable>"
                        throw InputErrors([
                            InputError(
                                file: source.file, line: line, column: column,
                                problem: key == "<uncovertable>" ? "duplicate key" : "duplicate key \"\(key)\"",
                                expected: "each key at most once in a mapping")
                        ])
                    }
                    guard let replacement = privateUse.popLast() else {
                        throw InputErrors([
                            InputError(
                                .limit, file: source.file, line: line, column: column,
                                problem: "more than \(maxRenames) duplicate keys",
                                expected: "each key at most once in a mapping")
                        ])
                    }
                    renames[at] = text[at]
                    text[at] = replacement
                } catch let error as YamlError {
                    throw InputErrors([inputError(error, yaml: yaml, source: source, maxDepth: maxDepth)])
                }
            }
        }

        /// Where a key starting at `index` can have a character swapped without changing the YAML
        /// structure: its first character (plain) or the one after the opening quote.
        static func renamable(_ text: [Unicode.Scalar], _ index: Int) -> Int? {
            guard index < text.count else { return nil }
            let first = text[index]
            if first == "\"" || first == "'" {
                guard index + 1 < text.count else { return nil }
                let next = text[index + 1]
                if next == first || next == "\\" || next == " " || next == "\t" || SourceText.isBreak(next.value) {
                    return nil
                }
                return index + 1
            }
            if " \t-?:,[]{}#&*!|>%@`".unicodeScalars.contains(first) || SourceText.isBreak(first.value)
                || first.value == 0xFEFF
            {
                return nil
            }
            return index
        }

        /// Refuses anchors, aliases and nesting deeper than `maxDepth`, at the first place found.
        static func checkStructure(_ root: Node, source: SourceText, candidates: Set<Int>, maxDepth: Int) throws {
            var firstReference: (mark: Mark, index: Int)?
            var tooDeep: Mark?
            func visit(_ node: Node, depth: Int) {
                guard let mark = node.mark else { return }
                let index = source.index(of: mark) ?? Int.max
                let isAlias = candidates.contains(index)
                if isAlias || node.anchor != nil {
                    if firstReference == nil || index < firstReference!.index { firstReference = (mark, index) }
                }
                switch node {
                case .scalar, .alias:
                    return
                case .mapping(let mapping):
                    if depth > maxDepth {
                        if tooDeep == nil { tooDeep = mark }
                        return
                    }
                    for (key, value) in mapping {
                        visit(key, depth: depth + 1)
                        visit(value, depth: depth + 1)
                    }
                case .sequence(let sequence):
                    if depth > maxDepth {
                        if tooDeep == nil { tooDeep = mark }
                        return
                    }
                    for item in sequence { visit(item, depth: depth + 1) }
                }
            }
            visit(root, depth: 1)
            if let reference = firstReference {
                let (line, column) = source.location(reference.mark)
                throw InputErrors([
                    InputError(
                        file: source.file, line: line, column: column,
                        problem: "YAML anchors and aliases are not supported", expected: "plain YAML")
                ])
            }
            if let mark = tooDeep {
                throw InputErrors([depthError(mark, source: source, maxDepth: maxDepth)])
            }
        }

        static func depthError(_ mark: Mark, source: SourceText, maxDepth: Int) -> InputError {
            let (line, column) = source.location(mark)
            return InputError(
                .limit, file: source.file, line: line, column: column,
                problem: "mappings and lists nested more than \(maxDepth) levels deep",
                expected: "a scorecard nested at most \(maxDepth) levels deep (raise the limit with --max-scorecard-depth)")
        }

        static func inputError(_ error: YamlError, yaml: String, source: SourceText, maxDepth: Int) -> InputError {
            func syntax(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> InputError {
                if problem.hasPrefix("Maximum nesting level reached") { return depthError(mark, source: source, maxDepth: maxDepth) }
                let (line, column) = source.location(mark)
                if context?.text == "expected a single document in the stream" {
                    return InputError(
                        file: source.file, line: line, column: column,
                        problem: "a second YAML document starts here",
                        expected: "a single document; remove this `---` and what follows, or split the file")
                }
                var text = "invalid YAML: \(problem)"
                if let context {
                    let (cl, cc) = source.location(context.mark)
                    text += " (\(context.text) at line \(cl), column \(cc))"
                }
                var expected = "valid YAML; check the indentation and quoting here"
                if let index = source.index(of: mark), index < source.scalars.count, source.scalars[index] == "-" {
                    let before = source.lineText(mark.line).unicodeScalars.prefix(max(0, mark.column - 1))
                    let head = String(String.UnicodeScalarView(before)).trimmingCharacters(in: .whitespaces)
                    if head.hasSuffix("sign:") {
                        expected =
                            "quotes around a lone minus: sign: '-' (or sign: negative); a bare - starts a YAML list"
                    }
                }
                return InputError(file: source.file, line: line, column: column, problem: text, expected: expected)
            }
            switch error {
            case .scanner(let context, let problem, let mark, _),
                .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                return syntax(context, problem, mark)
            case .reader(let problem, let offset, let value, _):
                var line: Int?
                var column: Int?
                if let offset, offset >= 0, offset <= yaml.count {
                    let position = yaml.index(yaml.startIndex, offsetBy: offset)
                    let scalarIndex = yaml.unicodeScalars.distance(from: yaml.unicodeScalars.startIndex, to: position)
                    var lineIndex = 0
                    while lineIndex + 1 < source.lineStarts.count && source.lineStarts[lineIndex + 1] <= scalarIndex {
                        lineIndex += 1
                    }
                    (line, column) = (lineIndex + 1, scalarIndex - source.lineStarts[lineIndex] + 1)
                }
                let what = value >= 0 ? " (U+\(String(format: "%04X", value)))" : ""
                return InputError(
                    file: source.file, line: line, column: column, problem: "invalid YAML: \(problem)\(what)",
                    expected: "printable UTF-8 text; remove or replace this character")
            case .memory:
                return InputError(
                    .limit, file: source.file, problem: "the YAML parser ran out of memory",
                    expected: "a smaller scorecard")
            default:
                return InputError(file: source.file, problem: "invalid YAML: \(error)", expected: "valid YAML")
            }
        }
    }
}

// MARK: - Reading the composed document

extension ScorecardLoader {
    /// Walks the composed nodes, building the model and collecting every problem.
    struct ScorecardReader {
        let source: SourceText
        let renames: [Int: Unicode.Scalar]
        var errors: [InputError] = []
        /// Measure id → line of its first definition.
        private var measureLines: [String: Int] = [:]
        /// Measures written (valid or not), to tell "no measures" from "measures with errors".
        private var measuresWritten = 0

        init(source: SourceText, renames: [Int: Unicode.Scalar]) {
            self.source = source
            self.renames = renames
        }

        struct Entry {
            var key: String
            var keyNode: Node
            var value: Node
        }

        struct Fields {
            var entries: [Entry] = []
            subscript(_ key: String) -> Entry? { entries.first { $0.key == key } }
        }

        // MARK: Errors

        mutating func fail(_ node: Node, _ problem: String, _ expected: String) {
            let (line, column) = source.location(node.mark)
            errors.append(
                InputError(file: source.file, line: line, column: column, problem: problem, expected: expected))
        }

        func line(_ node: Node) -> Int { source.location(node.mark).line }

        /// "a mapping", "a list", "empty", or the text as written in quotes.
        func describe(_ node: Node) -> String {
            switch node {
            case .mapping: return "a mapping"
            case .sequence: return "a list"
            case .alias: return "an alias"
            case .scalar(let scalar): return isNull(scalar) ? "empty" : "the text \(quote(scalar.string))"
            }
        }

        func quote(_ text: String) -> String { "\"\(text)\"" }

        static func list(_ names: [String]) -> String { names.joined(separator: ", ") }

        // MARK: Mappings

        /// The text of a key, with a character the composer swapped out restored.
        func keyText(_ node: Node) -> String? {
            guard case .scalar(let scalar) = node else { return nil }
            var text = scalar.string
            if let mark = scalar.mark, let index = source.index(of: mark) {
                let at = scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? index + 1 : index
                if let original = renames[at], let first = text.unicodeScalars.first,
                    (0xE000...0xF8FF).contains(first.value)
                {
                    var view = String.UnicodeScalarView()
                    view.append(original)
                    view.append(contentsOf: text.unicodeScalars.dropFirst())
                    text = String(view)
                }
            }
            return text
        }

        /// The first scalar value of `key` in a mapping, for naming it in messages.
        func peek(_ mapping: Node.Mapping, _ key: String) -> String? {
            for (k, v) in mapping where keyText(k) == key {
                guard case .scalar(let scalar) = v, !isNull(scalar), !scalar.string.isEmpty else { return nil }
                return scalar.string
            }
            return nil
        }

        /// The entries of a mapping with allowed keys, first of each; unknown and duplicate keys
        /// are reported.
        mutating func fields(
            _ mapping: Node.Mapping, allowed: [String], context: String,
            unknown: ((String) -> (problem: String, expected: String))? = nil
        ) -> Fields {
            var result = Fields()
            var firstLine: [String: Int] = [:]
            for (keyNode, value) in mapping {
                guard let key = keyText(keyNode) else {
                    fail(keyNode, "\(describe(keyNode)) used as a key \(context)", "one of \(Self.list(allowed))")
                    continue
                }
                if let first = firstLine[key] {
                    fail(
                        keyNode, "duplicate key \(quote(key)) \(context) (first at line \(first))",
                        "each key at most once in a mapping")
                    continue
                }
                firstLine[key] = line(keyNode)
                guard allowed.contains(key) else {
                    let message: (problem: String, expected: String) =
                        unknown?(key) ?? ("unknown key \(quote(key)) \(context)", "one of \(Self.list(allowed))")
                    fail(keyNode, message.problem, message.expected)
                    continue
                }
                result.entries.append(Entry(key: key, keyNode: keyNode, value: value))
            }
            return result
        }

        // MARK: Values

        enum Text {
            case absent
            case value(String)
            case invalid
        }

        /// A text value: any scalar, as written; null or "" is absent; a mapping or list is reported.
        mutating func text(_ entry: Entry?, _ what: String, expected: String) -> Text {
            guard let entry else { return .absent }
            guard case .scalar(let scalar) = entry.value else {
                fail(entry.value, "\(what) is \(describe(entry.value))", expected)
                return .invalid
            }
            if isNull(scalar) || scalar.string.isEmpty { return .absent }
            return .value(scalar.string)
        }

        mutating func optionalText(_ entry: Entry?, _ what: String, expected: String) -> String? {
            if case .value(let text) = text(entry, what, expected: expected) { return text }
            return nil
        }

        /// A required text value: missing or empty values are reported at `owner` or the value.
        mutating func requiredText(
            _ fields: Fields, _ key: String, owner: Node, context: String, expected: String
        ) -> String? {
            let entry = fields[key]
            switch text(entry, "\(key) \(context)", expected: expected) {
            case .value(let text):
                return text
            case .invalid:
                return nil
            case .absent:
                if let entry {
                    fail(entry.value, "no value for \(quote(key)) \(context)", expected)
                } else {
                    fail(owner, "missing key \(quote(key)) \(context)", expected)
                }
                return nil
            }
        }

        /// A finite decimal number; absent (null) gives nil without a message. Messages read
        /// `<name> <value> <context> is …`, e.g. `target "abc" in measure "revenue" is not a number`.
        mutating func number(_ entry: Entry?, _ name: String, _ context: String, expected: String) -> Double? {
            guard let entry else { return nil }
            guard case .scalar(let scalar) = entry.value else {
                fail(entry.value, "\(name) \(context) is \(describe(entry.value))", expected)
                return nil
            }
            if isNull(scalar) { return nil }
            let text = scalar.string
            let quoted = scalar.style != .plain && scalar.style != .any
            if !quoted, let value = Self.decimal(text) {
                if value.isFinite { return value + 0 }  // -0 is 0
                fail(entry.value, "\(name) \(text) \(context) is not finite", expected)
                return nil
            }
            if !quoted, Self.isInfinityOrNaN(text) {
                fail(entry.value, "\(name) \(text) \(context) is not finite", expected)
                return nil
            }
            if quoted, Self.decimal(text) != nil {
                fail(
                    entry.value, "\(name) \(quote(text)) \(context) is quoted, so YAML reads it as text",
                    "the number without quotes: \(entry.key): \(text)")
                return nil
            }
            fail(entry.value, "\(name) \(quote(text)) \(context) is not a number", expected)
            return nil
        }

        static func isInfinityOrNaN(_ text: String) -> Bool {
            [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"]
                .contains(text)
        }

        /// `[-+]?(digits[.digits?] | .digits)([eE][-+]?digits)?`, as a Double (may be infinite on overflow).
        static func decimal(_ text: String) -> Double? {
            let bytes = Array(text.utf8)
            var i = 0
            func digits() -> Int {
                let start = i
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
                return i - start
            }
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            var mantissa = digits()
            if i < bytes.count, bytes[i] == 0x2E {
                i += 1
                mantissa += digits()
            }
            guard mantissa > 0 else { return nil }
            if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
                i += 1
                if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                guard digits() > 0 else { return nil }
            }
            guard i == bytes.count else { return nil }
            return Double(text)
        }

        static let weightExpected = "a number >= 0 (0 leaves it out of the roll-up)"

        /// A weight: finite, >= 0, default 1.
        mutating func weight(_ entry: Entry?, context: String) -> Double {
            guard let entry, let value = number(entry, "weight", context, expected: Self.weightExpected) else {
                return 1
            }
            if value < 0 {
                fail(entry.value, "weight \(entry.value.scalar?.string ?? "\(value)") is negative", Self.weightExpected)
                return 1
            }
            return value
        }

        // MARK: The scorecard

        mutating func scorecard(_ root: Node) -> Scorecard? {
            guard case .mapping(let top) = root else {
                fail(
                    root, "the top level is \(describe(root))",
                    "a mapping with `perspectives` and optionally name, links, roi")
                return nil
            }
            let context = "at the top level"
            let fields = fields(top, allowed: ScorecardLoader.topKeys, context: context)
            let name = optionalText(fields["name"], "name \(context)", expected: "text, the scorecard's title")
            var perspectives: [PerspectiveBlock] = []
            if let entry = fields["perspectives"] {
                perspectives = self.perspectives(entry)
            } else {
                fail(
                    root, "missing key \"perspectives\" \(context)",
                    "perspectives: a mapping with at least one of \(Self.list(ScorecardLoader.perspectiveNames))")
            }
            let links = fields["links"].map { self.links($0) } ?? []
            let roi = fields["roi"].flatMap { self.roi($0) }
            var card = Scorecard(name: name, file: source.file, perspectives: perspectives, links: links, roi: roi)
            if let entry = fields["data"] { card.data = readOptions(entry) }
            return card
        }

        /// `data:`, how to read the measurements (the same as the command line's column,
        /// date and number options, which win over it).
        mutating func readOptions(_ entry: Entry) -> ReadOptions {
            var options = ReadOptions()
            if isNull(entry.value) { return options }
            guard case .mapping(let mapping) = entry.value else {
                fail(entry.value, "data is \(describe(entry.value))", "a mapping such as {team_column: Sales Rep, period_column: Close Month, numbers: lenient}")
                return options
            }
            let context = "in data"
            let fields = fields(mapping, allowed: ScorecardLoader.dataKeys, context: context)
            options.teamColumn = optionalText(fields["team_column"], "team_column \(context)", expected: "the header name of the team column")
            options.periodColumn = optionalText(fields["period_column"], "period_column \(context)", expected: "the header name of the period column")
            options.measureColumn = optionalText(fields["measure_column"], "measure_column \(context)", expected: "the header name of the measure column (tidy files)")
            options.valueColumn = optionalText(fields["value_column"], "value_column \(context)", expected: "the header name of the value column (tidy files)")
            func choice<T>(_ key: String, _ values: [String: T]) -> T? {
                let expected = "one of \(Self.list(values.keys.sorted()))"
                guard let text = optionalText(fields[key], "\(key) \(context)", expected: expected) else { return nil }
                if let v = values[text] { return v }
                fail(fields[key]!.value, "unknown \(key) \(quote(text)) \(context)", expected)
                return nil
            }
            options.frequency = choice("frequency", Dictionary(uniqueKeysWithValues: Frequency.allCases.map { ($0.rawValue, $0) }))
            options.dateOrder = choice("date_order", Dictionary(uniqueKeysWithValues: DateOrder.allCases.map { ($0.rawValue, $0) }))
            options.lenientNumbers = choice("numbers", ["strict": false, "lenient": true])
            options.decimalComma = choice("decimal", ["point": false, "comma": true])
            return options
        }

        mutating func perspectives(_ entry: Entry) -> [PerspectiveBlock] {
            let names = ScorecardLoader.perspectiveNames
            let expected = "a mapping from perspective (\(Self.list(names))) to its objectives"
            if isNull(entry.value) {
                fail(
                    entry.value, "perspectives is empty",
                    "at least one of \(Self.list(names)), with objectives and measures")
                return []
            }
            guard case .mapping(let mapping) = entry.value else {
                fail(entry.value, "perspectives is \(describe(entry.value))", expected)
                return []
            }
            if mapping.isEmpty {
                fail(
                    entry.value, "perspectives is empty",
                    "at least one of \(Self.list(names)), with objectives and measures")
                return []
            }
            let written = measuresWritten
            let errorsBefore = errors.count
            let fields = fields(mapping, allowed: names, context: "in perspectives") { key in
                ("unknown perspective \"\(key)\"", "one of \(Self.list(names))")
            }
            var blocks: [PerspectiveBlock] = []
            for field in fields.entries {
                let perspective = Perspective(rawValue: field.key)!
                let objectives = self.objectives(field, perspective: perspective)
                blocks.append(
                    PerspectiveBlock(perspective: perspective, objectives: objectives, line: line(field.keyNode)))
            }
            // Only when nothing else went wrong there: a misspelt perspective or a wrongly
            // shaped list already explains why no measure was found.
            if measuresWritten == written && errors.count == errorsBefore {
                fail(
                    entry.keyNode, "the scorecard has no measures",
                    "at least one measure, under perspectives > objectives > measures")
            }
            return blocks
        }

        /// A perspective's objectives; an empty perspective (no value, `{}`, no objectives) is allowed.
        mutating func objectives(_ entry: Entry, perspective: Perspective) -> [Objective] {
            let context = "in perspective \(quote(entry.key))"
            if isNull(entry.value) { return [] }
            guard case .mapping(let mapping) = entry.value else {
                fail(
                    entry.value, "perspective \(quote(entry.key)) is \(describe(entry.value))",
                    "a mapping with objectives")
                return []
            }
            let fields = fields(mapping, allowed: ScorecardLoader.perspectiveKeys, context: context)
            guard let list = fields["objectives"], !isNull(list.value) else { return [] }
            guard case .sequence(let items) = list.value else {
                fail(
                    list.value, "objectives \(context) is \(describe(list.value))",
                    "a list of objectives, each starting with \"- name:\"")
                return []
            }
            var objectives: [Objective] = []
            for (i, item) in items.enumerated() {
                if let objective = self.objective(item, index: i + 1, perspective: perspective) {
                    objectives.append(objective)
                }
            }
            return objectives
        }

        mutating func objective(_ node: Node, index: Int, perspective: Perspective) -> Objective? {
            let position = "objective \(index) of perspective \(quote(perspective.rawValue))"
            guard case .mapping(let mapping) = node else {
                fail(
                    node, "\(position) is \(describe(node))",
                    "a mapping with name, measures and optionally weight, initiatives")
                return nil
            }
            let label = peek(mapping, "name").map { "objective \(quote($0))" } ?? position
            let context = "in \(label)"
            let fields = fields(mapping, allowed: ScorecardLoader.objectiveKeys, context: context)
            let name = requiredText(
                fields, "name", owner: node, context: context, expected: "name: the objective's name")
            let weight = self.weight(fields["weight"], context: context)
            var measures: [MeasureDefinition] = []
            if let list = fields["measures"], !isNull(list.value) {
                if case .sequence(let items) = list.value {
                    for (i, item) in items.enumerated() {
                        measuresWritten += 1
                        if let measure = self.measure(
                            item, index: i + 1, objectiveLabel: label, objective: name ?? "", perspective: perspective)
                        {
                            measures.append(measure)
                        }
                    }
                } else {
                    fail(
                        list.value, "measures \(context) is \(describe(list.value))",
                        "a list of measures, each starting with \"- id:\"")
                }
            }
            var initiatives: [Initiative] = []
            if let list = fields["initiatives"], !isNull(list.value) {
                if case .sequence(let items) = list.value {
                    for (i, item) in items.enumerated() {
                        if let initiative = self.initiative(item, index: i + 1, objectiveLabel: label) {
                            initiatives.append(initiative)
                        }
                    }
                } else {
                    fail(
                        list.value, "initiatives \(context) is \(describe(list.value))",
                        "a list of initiatives, each starting with \"- name:\"")
                }
            }
            guard let name else { return nil }
            return Objective(name: name, weight: weight, measures: measures, initiatives: initiatives, line: line(node))
        }

        mutating func measure(
            _ node: Node, index: Int, objectiveLabel: String, objective: String, perspective: Perspective
        ) -> MeasureDefinition? {
            let position = "measure \(index) of \(objectiveLabel)"
            guard case .mapping(let mapping) = node else {
                fail(node, "\(position) is \(describe(node))", "a mapping with id, direction and aggregation")
                return nil
            }
            let label = peek(mapping, "id").map { "measure \(quote($0))" } ?? position
            let context = "in \(label)"
            let fields = fields(mapping, allowed: ScorecardLoader.measureKeys, context: context)

            let id = requiredText(
                fields, "id", owner: node, context: context,
                expected: "the measure's name in the data, as text (e.g. id: revenue)")
            if let id, let entry = fields["id"] {
                if let first = measureLines[id] {
                    fail(
                        entry.value, "duplicate measure id \(quote(id)) (first at line \(first))",
                        "each measure id once in the scorecard")
                } else {
                    measureLines[id] = line(node)
                }
            }
            let name = optionalText(fields["name"], "name \(context)", expected: "text, the measure's display name")
            let unit = optionalText(fields["unit"], "unit \(context)", expected: "text, such as USD or %")

            var direction: Direction?
            if let text = requiredText(
                fields, "direction", owner: node, context: context,
                expected: "direction: higher or lower (which is better)")
            {
                direction = Direction(rawValue: text)
                if direction == nil {
                    fail(fields["direction"]!.value, "unknown direction \(quote(text)) \(context)", "higher or lower")
                }
            }
            var aggregation: Aggregation?
            if let text = requiredText(
                fields, "aggregation", owner: node, context: context,
                expected: "aggregation: sum, mean or last (how periods combine)")
            {
                aggregation = Aggregation(rawValue: text)
                if aggregation == nil {
                    fail(
                        fields["aggregation"]!.value, "unknown aggregation \(quote(text)) \(context)",
                        "sum, mean or last")
                }
            }
            let target = number(fields["target"], "target", context, expected: "a finite decimal number such as 60000")
            let teamTarget = number(
                fields["team_target"], "team_target", context, expected: "a finite decimal number such as 800")
            let thresholds = fields["thresholds"].map { self.thresholds($0, measureLabel: label) } ?? Thresholds()
            let weight = self.weight(fields["weight"], context: context)

            guard let id, let direction, let aggregation else { return nil }
            return MeasureDefinition(
                id: id, name: name, unit: unit, direction: direction, aggregation: aggregation, target: target,
                teamTarget: teamTarget, thresholds: thresholds, weight: weight, perspective: perspective,
                objective: objective, line: line(node))
        }

        mutating func thresholds(_ entry: Entry, measureLabel: String) -> Thresholds {
            let example = "a mapping such as {green: 1.0, amber: 0.9}"
            if isNull(entry.value) { return Thresholds() }
            guard case .mapping(let mapping) = entry.value else {
                fail(entry.value, "thresholds in \(measureLabel) is \(describe(entry.value))", example)
                return Thresholds()
            }
            let fields = fields(
                mapping, allowed: ScorecardLoader.thresholdKeys, context: "in the thresholds of \(measureLabel)")
            let defaults = Thresholds()
            func ratio(_ key: String) -> Double? {
                let expected = "an achievement ratio above 0, such as \(key == "green" ? "1.0" : "0.9")"
                guard let entry = fields[key],
                    let value = number(entry, "\(key) threshold", "in \(measureLabel)", expected: expected)
                else { return nil }
                if value <= 0 {
                    fail(
                        entry.value,
                        "\(key) threshold \(entry.value.scalar?.string ?? "") in \(measureLabel) is not above 0",
                        expected)
                    return nil
                }
                return value
            }
            // `ratio` reports through self; Swift needs the calls sequenced.
            let green = ratio("green")
            let amber = ratio("amber")
            let g = green ?? defaults.green
            let a = amber ?? defaults.amber
            let greenBad = fields["green"] != nil && green == nil
            let amberBad = fields["amber"] != nil && amber == nil
            if !greenBad && !amberBad && a > g {
                let greenText = fields["green"]?.value.scalar?.string ?? "1.0 (the default)"
                let amberText = fields["amber"]?.value.scalar?.string ?? "0.9 (the default)"
                let at = fields["amber"]?.value ?? fields["green"]!.value
                let fix = fields["amber"] == nil ? "; give amber explicitly, e.g. amber: \(Self.format(g * 0.9))" : ""
                fail(
                    at, "amber threshold \(amberText) is above green threshold \(greenText) in \(measureLabel)",
                    "amber at most green, e.g. {green: 1.0, amber: 0.9}\(fix)")
            }
            return Thresholds(green: g, amber: a)
        }

        static func format(_ value: Double) -> String {
            let rounded = (value * 1e6).rounded() / 1e6
            return rounded == rounded.rounded() ? String(Int(rounded)) : "\(rounded)"
        }

        mutating func initiative(_ node: Node, index: Int, objectiveLabel: String) -> Initiative? {
            let position = "initiative \(index) of \(objectiveLabel)"
            guard case .mapping(let mapping) = node else {
                fail(
                    node, "\(position) is \(describe(node))",
                    "a mapping such as {name: Enter mid-market, owner: VP Sales, due: 2025-06}")
                return nil
            }
            let label = peek(mapping, "name").map { "initiative \(quote($0))" } ?? position
            let context = "in \(label)"
            let fields = fields(mapping, allowed: ScorecardLoader.initiativeKeys, context: context)
            let name = requiredText(
                fields, "name", owner: node, context: context, expected: "name: the initiative's name")
            let owner = optionalText(fields["owner"], "owner \(context)", expected: "text, who is responsible")
            let due = optionalText(fields["due"], "due \(context)", expected: "a period label such as 2025-06")
            let status = optionalText(
                fields["status"], "status \(context)", expected: "text, such as in progress or done")
            guard let name else { return nil }
            return Initiative(name: name, owner: owner, due: due, status: status, line: line(node))
        }

        // MARK: Links and ROI

        mutating func links(_ entry: Entry) -> [StrategyLink] {
            if isNull(entry.value) { return [] }
            guard case .sequence(let items) = entry.value else {
                fail(
                    entry.value, "links is \(describe(entry.value))",
                    "a list of links such as {from: customer_satisfaction, to: revenue}")
                return []
            }
            var links: [StrategyLink] = []
            var firstLine: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                let label = "link \(i + 1)"
                guard case .mapping(let mapping) = item else {
                    fail(
                        item, "\(label) is \(describe(item))",
                        "a mapping such as {from: customer_satisfaction, to: revenue, sign: positive}")
                    continue
                }
                let context = "in \(label)"
                let fields = fields(mapping, allowed: ScorecardLoader.linkKeys, context: context)
                let from = requiredText(
                    fields, "from", owner: item, context: context, expected: "from: the id of the cause measure")
                let to = requiredText(
                    fields, "to", owner: item, context: context, expected: "to: the id of the effect measure")
                var sign: LinkSign?
                var signValid = true
                let signExpected = "positive, negative, '+' or '-' (quote + and -)"
                switch text(fields["sign"], "sign \(context)", expected: signExpected) {
                case .absent: break
                case .invalid: signValid = false
                case .value(let text):
                    switch text {
                    case "positive", "+": sign = .positive
                    case "negative", "-": sign = .negative
                    default:
                        fail(fields["sign"]!.value, "unknown sign \(quote(text)) \(context)", signExpected)
                        signValid = false
                    }
                }
                guard let from, let to else { continue }
                if from == to {
                    fail(
                        fields["to"]!.value, "\(label) goes from \(quote(from)) to itself",
                        "two different measures, cause (from) and effect (to)")
                    continue
                }
                let key = from + "\u{0}" + to
                if let first = firstLine[key] {
                    fail(
                        item, "duplicate link from \(quote(from)) to \(quote(to)) (first at line \(first))",
                        "each link once")
                    continue
                }
                firstLine[key] = line(item)
                if signValid { links.append(StrategyLink(from: from, to: to, sign: sign, line: line(item))) }
            }
            return links
        }

        mutating func roi(_ entry: Entry) -> ROIDefinition? {
            if isNull(entry.value) { return nil }
            guard case .mapping(let mapping) = entry.value else {
                fail(
                    entry.value, "roi is \(describe(entry.value))",
                    "a mapping such as {return: revenue, cost: sales_cost}")
                return nil
            }
            let context = "in roi"
            let fields = fields(mapping, allowed: ScorecardLoader.roiKeys, context: context)
            let ret = requiredText(
                fields, "return", owner: entry.value, context: context,
                expected: "return: the measure summed as the sales return, e.g. revenue")
            let cost = requiredText(
                fields, "cost", owner: entry.value, context: context,
                expected: "cost: the measure summed as the sales cost, e.g. sales_cost")
            guard let ret, let cost else { return nil }
            if ret == cost {
                fail(
                    fields["cost"]!.value, "roi return and cost are the same measure \(quote(ret))",
                    "two different measures, e.g. {return: revenue, cost: sales_cost}")
                return nil
            }
            return ROIDefinition(returnMeasure: ret, costMeasure: cost, line: line(entry.keyNode))
        }
    }
}
