import Ingest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The table people read on a terminal: rounded numbers, aligned columns, notes after.
///
/// Layout, top to bottom: the headline (if any); the column titles; a rule of dashes;
/// the rows, or `(no rows)`; then each note as `note: …`. With `groupColumn` set, each run
/// of rows with the same value in that column starts with a blank line and the value as
/// a heading, and the column itself is left out. Columns are separated by two spaces;
/// lines carry no trailing spaces; every line ends in a newline.
///
/// Notation (machine outputs keep full precision; this is for reading):
/// - `.number`: four significant digits in fixed notation when 1e-3 <= |x| < 1e7, but
///   never rounding away integer digits (`0.001234`, `0.5000`, `12346`, `1234567`);
///   otherwise scientific with four digits (`1.235e+07`, `2.500e-05`). Exactly zero is `0`.
///   Rounding is half-up on the shortest decimal form, so 0.12345 shows as `0.1235`.
/// - `.probability`: three decimals from 0.001 up (`0.042`, `1.000`), below that two
///   significant digits in scientific notation (`3.2e-05`); an exact zero (an underflow,
///   not a certainty) is `<1e-300`.
/// - `.integer`: as is, no thousands separators (which are locale-dependent).
/// - undefined (missing, NaN, ±inf): `–`.
///
/// Text from data (team names) is shown with control characters, line and paragraph
/// separators and bidirectional overrides escaped (`\n`, `\u{1B}`), so a name cannot
/// break the layout or send escape sequences to the terminal.
///
/// Widths count grapheme clusters, two columns for East Asian wide and full-width
/// characters and emoji (a range check, not the full Unicode width tables). With `width`,
/// text columns (left-aligned) are shortened with `…`, widest first, down to 8 columns,
/// and the headline and notes are word-wrapped; numbers are never cut.
public enum PeopleTable {
    /// What an undefined value looks like.
    public static let undefined = "–"

    public static func render(_ table: ResultTable, color: Bool, width: Int? = nil, exact: Bool = false) -> String {
        table.checkShape()
        let visible = table.columns.indices.filter { $0 != table.groupColumn }
        var cells: [[String]] = table.rows.indices.map { r in
            visible.map { format(table.rows[r][$0], style: style(table, row: r, column: $0), exact: exact) }
        }
        var titles = visible.map { sanitize(table.columns[$0].displayTitle) }
        let alignments: [Column.Alignment] = visible.map { column in
            if let chosen = table.columns[column].alignment { return chosen }
            let numeric = table.rows.allSatisfy { row in
                let cell = row[column]
                return cell.isNumeric || cell.isUndefined
            }
            return numeric ? .right : .left
        }

        var cellWidths: [[Int]] = cells.map { row in row.map(displayWidth) }
        var widths = titles.map(displayWidth)
        for row in cellWidths {
            for (index, cellWidth) in row.enumerated() {
                widths[index] = max(widths[index], cellWidth)
            }
        }
        if let width {
            shrink(&widths, alignments: alignments, toFit: width)
            for row in cells.indices {
                for index in cells[row].indices where cellWidths[row][index] > widths[index] {
                    cells[row][index] = truncate(cells[row][index], to: widths[index])
                    cellWidths[row][index] = displayWidth(cells[row][index])
                }
            }
        }
        titles = zip(titles, widths).map { truncate($0, to: $1) }

        var output = ""
        if let headline = table.headline {
            let text = sanitize(headline)
            output += (width.map { wrap(text, width: $0, indent: 0) } ?? text) + "\n"
        }
        let titleLine = titles.indices.map { index in
            let slack = String(repeating: " ", count: max(0, widths[index] - displayWidth(titles[index])))
            let painted = color ? ANSIColor.bold.start + titles[index] + ANSIColor.reset : titles[index]
            return alignments[index] == .right ? slack + painted : painted + slack
        }
        output += trimmed(titleLine.joined(separator: "  ")) + "\n"
        output += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        if table.rows.isEmpty {
            output += "(no rows)\n"
        }

        var currentGroup: String? = nil
        for (rowIndex, row) in cells.enumerated() {
            if let groupColumn = table.groupColumn {
                let group = format(table.rows[rowIndex][groupColumn])
                if group != currentGroup {
                    output += "\n" + (color ? ANSIColor.bold.start + group + ANSIColor.reset : group) + "\n"
                    currentGroup = group
                }
            }
            var line = ""
            for (index, text) in row.enumerated() {
                if index > 0 { line += "  " }
                let slack = String(repeating: " ", count: max(0, widths[index] - cellWidths[rowIndex][index]))
                let painted: String
                if color, let paint = cellColor(table, row: rowIndex, column: visible[index]) {
                    painted = paint.start + text + ANSIColor.reset
                } else {
                    painted = text
                }
                line += alignments[index] == .right ? slack + painted : painted + slack
            }
            output += trimmed(line) + "\n"
        }

        for note in table.notes {
            let text = "note: " + sanitize(note)
            output += (width.map { wrap(text, width: $0, indent: 6) } ?? text) + "\n"
        }
        return output
    }

    /// Columns of the terminal on standard output, or nil when it is not a terminal;
    /// a value for `render(_:color:width:)`.
    public static func terminalWidth() -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The usual rule for colour: standard output is a terminal, `NO_COLOR` is unset or
    /// empty (https://no-color.org), and `TERM` is not `dumb`.
    public static func prefersColor() -> Bool {
        guard isatty(STDOUT_FILENO) == 1 else { return false }
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }

    // MARK: - Cells

    /// A cell in its people's style when it has one (numbers only; text cells may be
    /// replaced by a `.text` style).
    static func format(_ cell: Cell, style: PeopleStyle?, exact: Bool) -> String {
        guard let style else { return format(cell) }
        switch (cell, style) {
        case (_, .text(let text)): return sanitize(text)
        case (.number(let v), _): return format(v, style: style, exact: exact)
        case (.integer(let v), _): return format(Double(v), style: style, exact: exact)
        default: return format(cell)
        }
    }

    private static func style(_ table: ResultTable, row: Int, column: Int) -> PeopleStyle? {
        guard let styles = table.styles, row < styles.count, column < styles[row].count else { return nil }
        return styles[row][column]
    }

    /// A cell as a person reads it (see the type's note).
    static func format(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): sanitize(text)
        case .integer(let value): String(value)
        case .number(let value): formatNumber(value)
        case .probability(let value): formatProbability(value)
        case .missing: undefined
        }
    }

    public static func formatNumber(_ value: Double) -> String {
        guard value.isFinite else { return undefined }
        if value == 0 { return "0" }
        let (digits, exponent) = decimalDigits(value)
        let sign = value < 0 ? "-" : ""
        let (rounded, roundedExponent) = round(digits, exponent: exponent, keeping: 4)
        if roundedExponent >= -3 && exponent < 7 {
            return sign + fixed(digits, exponent: exponent, decimals: max(0, 3 - roundedExponent))
        }
        return sign + scientific(rounded, exponent: roundedExponent)
    }

    public static func formatProbability(_ value: Double) -> String {
        guard value.isFinite else { return undefined }
        if value == 0 { return "<1e-300" }
        let (digits, exponent) = decimalDigits(value)
        let sign = value < 0 ? "-" : ""
        if value.magnitude < 1e-3 {
            let (rounded, roundedExponent) = round(digits, exponent: exponent, keeping: 2)
            return sign + scientific(rounded, exponent: roundedExponent)
        }
        return sign + fixed(digits, exponent: exponent, decimals: 3)
    }

    /// The shortest decimal digits of |value| (each 0...9) and the exponent of the first.
    private static func decimalDigits(_ value: Double) -> (digits: [UInt8], exponent: Int) {
        let (significand, exponent) = ShortestDecimal.decompose(value)
        let digits = String(significand).utf8.map { $0 - UInt8(ascii: "0") }
        return (digits, exponent + digits.count - 1)
    }

    /// Rounds half-up to `count` significant digits (padding with zeros); the exponent of
    /// the first digit grows by one when rounding carries (9.9996 → 10.00).
    static func round(_ digits: [UInt8], exponent: Int, keeping count: Int) -> (digits: [UInt8], exponent: Int) {
        if digits.count <= count {
            return (digits + Array(repeating: 0, count: count - digits.count), exponent)
        }
        var kept = Array(digits[..<count])
        if digits[count] >= 5 {
            var index = count - 1
            while index >= 0 && kept[index] == 9 {
                kept[index] = 0
                index -= 1
            }
            if index < 0 {
                return ([1] + Array(repeating: 0, count: count - 1), exponent + 1)
            }
            kept[index] += 1
        }
        return (kept, exponent)
    }

    /// Fixed notation rounded to `decimals` places.
    ///
    /// - Precondition: the leading digit survives the rounding (`exponent + 1 + decimals`
    ///   >= 1); callers only use fixed notation for values that large.
    private static func fixed(_ digits: [UInt8], exponent: Int, decimals: Int) -> String {
        let keep = exponent + 1 + decimals
        var (rounded, roundedExponent) = round(digits, exponent: exponent, keeping: max(keep, 1))
        if roundedExponent > exponent { rounded.append(0) }
        let characters = rounded.map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) }
        var text = ""
        if roundedExponent >= 0 {
            text += String(characters[...roundedExponent])
            if decimals > 0 {
                text += "." + String(characters[(roundedExponent + 1)...])
            }
        } else {
            text += "0." + String(repeating: "0", count: -roundedExponent - 1) + String(characters)
        }
        return text
    }

    /// `d.ddde±XX`, C's `%e` layout.
    private static func scientific(_ digits: [UInt8], exponent: Int) -> String {
        var text = String(Character(Unicode.Scalar(digits[0] + UInt8(ascii: "0"))))
        if digits.count > 1 {
            text += "." + String(digits[1...].map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) })
        }
        let magnitude = abs(exponent)
        text += (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        return text
    }

    private static func cellColor(_ table: ResultTable, row: Int, column: Int) -> ANSIColor? {
        guard let colors = table.colors, row < colors.count, column < colors[row].count else { return nil }
        return colors[row][column]
    }

    // MARK: - Text

    /// Escapes what would break the layout or reach the terminal as a control sequence.
    static func sanitize(_ text: String) -> String { ControlEscaping.escape(text) }

    /// Terminal columns taken by `text` (see the type's note).
    static func displayWidth(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        return text.reduce(0) { $0 + characterWidth($1) }
    }

    private static func characterWidth(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if isWide(first.value) { return 2 }
        // An emoji presentation selector makes most symbols two columns wide.
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return 1
    }

    /// East Asian Wide and Fullwidth blocks, and the emoji blocks terminals draw wide.
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F,  // Hangul Jamo initials
            0x2E80...0x303E,  // CJK radicals, Kangxi, CJK symbols and punctuation
            0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xA000...0xA4CF,  // Yi
            0xAC00...0xD7A3,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFE30...0xFE4F,  // CJK compatibility forms
            0xFF00...0xFF60,  // full-width forms
            0xFFE0...0xFFE6,  // full-width signs
            0x1F300...0x1F64F,  // pictographs, emoticons
            0x1F900...0x1F9FF,  // supplemental symbols and pictographs
            0x20000...0x2FFFD,  // CJK extensions B–F
            0x30000...0x3FFFD:  // CJK extension G and later
            true
        default:
            false
        }
    }

    /// Cuts `text` to at most `width` columns, ending in `…` when cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 0 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let characterWidth = characterWidth(character)
            if used + characterWidth > width - 1 { break }
            result.append(character)
            used += characterWidth
        }
        while result.last == " " { result.removeLast() }
        return result + "…"
    }

    private static func trimmed(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Narrows text columns, widest first, until the table fits or none can give more.
    private static func shrink(_ widths: inout [Int], alignments: [Column.Alignment], toFit limit: Int) {
        let minimum = 8
        var total = widths.reduce(0, +) + 2 * max(0, widths.count - 1)
        while total > limit {
            let candidates = widths.indices.filter { alignments[$0] == .left && widths[$0] > minimum }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { return }
            widths[widest] -= 1
            total -= 1
        }
    }

    /// Greedy word wrap at `width` columns; continuation lines are indented by `indent`.
    static func wrap(_ text: String, width: Int, indent: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        var lineHasWords = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let wordWidth = displayWidth(String(word))
            if lineHasWords && lineWidth + 1 + wordWidth > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineWidth = indent
                lineHasWords = false
            }
            if lineHasWords {
                line += " "
                lineWidth += 1
            }
            line += word
            lineWidth += wordWidth
            lineHasWords = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
