import Foundation
import Yams

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

    static func compose(_ source: YAMLSource, maxDepth: Int = ScorecardLoader.maxDepth) throws -> Document {
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
        _ text: inout [Unicode.Scalar], source: YAMLSource, renames: inout [Int: Unicode.Scalar],
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
            if next == first || next == "\\" || next == " " || next == "\t" || YAMLSource.isBreak(next.value) {
                return nil
            }
            return index + 1
        }
        if " \t-?:,[]{}#&*!|>%@`".unicodeScalars.contains(first) || YAMLSource.isBreak(first.value)
            || first.value == 0xFEFF
        {
            return nil
        }
        return index
    }

    /// Refuses anchors, aliases and nesting deeper than `maxDepth`, at the first place found.
    static func checkStructure(_ root: Node, source: YAMLSource, candidates: Set<Int>, maxDepth: Int) throws {
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

    static func depthError(_ mark: Mark, source: YAMLSource, maxDepth: Int) -> InputError {
        let (line, column) = source.location(mark)
        return InputError(
            .limit, file: source.file, line: line, column: column,
            problem: "mappings and lists nested more than \(maxDepth) levels deep",
            expected: "a scorecard nested at most \(maxDepth) levels deep (raise the limit with --max-scorecard-depth)")
    }

    static func inputError(_ error: YamlError, yaml: String, source: YAMLSource, maxDepth: Int) -> InputError {
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
