import Foundation
import Yams

/// Reads a composed scorecard document (METHODS.md, "Scorecard file (YAML)"): walks the nodes,
/// building the model and collecting every problem. The `+Measures` and `+Links` files hold the
/// objectives, measures, thresholds and initiatives, and the links and ROI.
struct ScorecardReader {
    static let topKeys = ["name", "perspectives", "links", "roi", "data"]
    static let dataKeys = [
        "team_column", "period_column", "measure_column", "value_column", "frequency", "date_order", "numbers", "decimal",
    ]
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

    let source: YAMLSource
    let renames: [Int: Unicode.Scalar]
    var errors: [InputError] = []
    /// Measure id → line of its first definition.
    var measureLines: [String: Int] = [:]
    /// Measures written (valid or not), to tell "no measures" from "measures with errors".
    var measuresWritten = 0

    init(source: YAMLSource, renames: [Int: Unicode.Scalar]) {
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
        case .scalar(let scalar): return isYAMLNull(scalar) ? "empty" : "the text \(quote(scalar.string))"
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
            guard case .scalar(let scalar) = v, !isYAMLNull(scalar), !scalar.string.isEmpty else { return nil }
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
        if isYAMLNull(scalar) || scalar.string.isEmpty { return .absent }
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
        if isYAMLNull(scalar) { return nil }
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
        let fields = fields(top, allowed: Self.topKeys, context: context)
        let name = optionalText(fields["name"], "name \(context)", expected: "text, the scorecard's title")
        var perspectives: [PerspectiveBlock] = []
        if let entry = fields["perspectives"] {
            perspectives = self.perspectives(entry)
        } else {
            fail(
                root, "missing key \"perspectives\" \(context)",
                "perspectives: a mapping with at least one of \(Self.list(Self.perspectiveNames))")
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
        if isYAMLNull(entry.value) { return options }
        guard case .mapping(let mapping) = entry.value else {
            fail(
                entry.value, "data is \(describe(entry.value))",
                "a mapping such as {team_column: Sales Rep, period_column: Close Month, numbers: lenient}")
            return options
        }
        let context = "in data"
        let fields = fields(mapping, allowed: Self.dataKeys, context: context)
        options.teamColumn = optionalText(fields["team_column"], "team_column \(context)", expected: "the header name of the team column")
        options.periodColumn = optionalText(
            fields["period_column"], "period_column \(context)", expected: "the header name of the period column")
        options.measureColumn = optionalText(
            fields["measure_column"], "measure_column \(context)", expected: "the header name of the measure column (tidy files)")
        options.valueColumn = optionalText(
            fields["value_column"], "value_column \(context)", expected: "the header name of the value column (tidy files)")
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
        let names = Self.perspectiveNames
        let expected = "a mapping from perspective (\(Self.list(names))) to its objectives"
        if isYAMLNull(entry.value) {
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
}
