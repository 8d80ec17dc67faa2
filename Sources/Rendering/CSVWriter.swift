/// CSV for machines, as METHODS.md ("Output") specifies it: RFC 4180 quoting, header row
/// first, numbers in shortest round-trip form, an undefined number as an empty cell.
///
/// Quoting: a field is quoted exactly when it contains `,`, `"`, CR or LF, or starts or
/// ends with a space (some readers trim unquoted spaces); quotes inside are doubled.
///
/// Spreadsheet formula neutralisation: a *text* cell starting with `=`, `+`, `-`, `@`,
/// tab, CR, or the full-width `＝ ＋ － ＠` gets a leading `'`, as the OWASP CSV-injection
/// guidance recommends, because team names come from user data and spreadsheets run such
/// cells as formulas. Numeric cells are never touched, so `-2.5` stays a number, and the
/// header (fixed contract names) is only quoted, never prefixed. The price: a consumer
/// comparing names byte for byte sees `'=Team` for a team named `=Team`.
///
/// Output goes into a byte buffer, written through a pointer one row at a time with no
/// `String` per cell. For large outputs build a writer, `append(row:)`, and `flush(to:)`
/// whenever `byteCount` passes a megabyte or so; `render` does it all in memory.
public struct CSVWriter: Sendable {
    private var buffer: OutputBuffer
    /// Cells every appended row must have.
    public let columnCount: Int
    /// Spreadsheet-friendly output: a UTF-8 byte order mark (so Excel reads UTF-8) and
    /// CRLF line ends.
    public let excel: Bool

    /// Starts a CSV with the byte order mark (in `excel` mode) and the header row.
    public init(columns: [Column], excel: Bool = false) {
        precondition(!columns.isEmpty, "a CSV needs at least one column")
        self.columnCount = columns.count
        self.excel = excel
        self.buffer = OutputBuffer(capacity: 64 * 1024)
        if excel {
            buffer.append([0xEF, 0xBB, 0xBF])
        }
        let bound = columns.reduce(4) { $0 + 1 + Self.worstCaseLength(of: $1.name) }
        let single = columns.count == 1
        buffer.write(reserving: bound) { start in
            var position = start
            for (index, column) in columns.enumerated() {
                if index > 0 { position = Self.put(Self.comma, at: position) }
                position = Self.writeField(column.name, neutralise: false, at: position)
            }
            return Self.finishRow(at: position, emptySingleField: single && columns[0].name.isEmpty, excel: excel)
                - start
        }
    }

    /// Rendered bytes not yet flushed (a copy).
    public var bytes: [UInt8] { buffer.bytes }

    /// Number of rendered bytes not yet flushed.
    public var byteCount: Int { buffer.count }

    /// The whole table as CSV bytes.
    public static func render(_ table: ResultTable, excel: Bool = false) -> [UInt8] {
        var writer = CSVWriter(columns: table.columns, excel: excel)
        // Size the buffer once from the first rows instead of doubling (and copying) it.
        let sample = min(table.rows.count, 64)
        for row in table.rows[..<sample] {
            writer.append(row: row)
        }
        let remaining = table.rows.count - sample
        if remaining > 0 {
            writer.buffer.reserve(writer.byteCount / sample * remaining / 16 * 17 + 4096)
        }
        for row in table.rows[sample...] {
            writer.append(row: row)
        }
        return writer.buffer.takeBytes()
    }

    /// Appends one data row.
    ///
    /// - Precondition: `row.count == columnCount`.
    public mutating func append(row: [Cell]) {
        precondition(row.count == columnCount, "CSV row has \(row.count) cells for \(columnCount) columns")
        var bound = columnCount + 4
        for cell in row {
            switch cell {
            case .text(let text): bound += Self.worstCaseLength(of: text)
            case .integer: bound += 20
            case .number, .probability: bound += ShortestDecimal.maximumLength
            case .missing: break
            }
        }
        let excel = excel
        let single = columnCount == 1
        buffer.write(reserving: bound) { start in
            var position = start
            var lastFieldEmpty = false
            for index in row.indices {
                if index > 0 { position = Self.put(Self.comma, at: position) }
                switch row[index] {
                case .text(let text):
                    position = Self.writeField(text, neutralise: true, at: position)
                    lastFieldEmpty = text.isEmpty
                case .integer(let value):
                    position = Self.writeInteger(value, at: position)
                    lastFieldEmpty = false
                case .number(let value), .probability(let value):
                    if value.isFinite {
                        position += ShortestDecimal.write(value, to: position)
                        lastFieldEmpty = false
                    } else {
                        lastFieldEmpty = true
                    }
                case .missing:
                    lastFieldEmpty = true
                }
            }
            return Self.finishRow(at: position, emptySingleField: single && lastFieldEmpty, excel: excel) - start
        }
    }

    /// Writes the buffered bytes to `output` and empties the buffer (keeping its memory).
    public mutating func flush(to output: AtomicFileWriter) throws(OutputError) {
        guard buffer.count > 0 else { return }
        try buffer.withBytes { (bytes) throws(OutputError) in try output.write(bytes) }
        buffer.removeAll()
    }

    // MARK: - Fields

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let space = UInt8(ascii: " ")
    private static let apostrophe = UInt8(ascii: "'")

    /// Quotes, a prefix, and every quote doubled.
    @inline(__always)
    private static func worstCaseLength(of text: String) -> Int { text.utf8.count * 2 + 3 }

    @inline(__always)
    private static func put(_ byte: UInt8, at position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        position.pointee = byte
        return position + 1
    }

    @inline(__always)
    private static func writeInteger(_ value: Int, at position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var position = position
        if value < 0 { position = put(UInt8(ascii: "-"), at: position) }
        return position + ShortestDecimal.writeDigits(UInt64(value.magnitude), to: position)
    }

    /// A one-column row whose only field is empty would be a blank line, which CSV readers
    /// skip; it is written as `""` (as Python's csv module does).
    @inline(__always)
    private static func finishRow(
        at position: UnsafeMutablePointer<UInt8>, emptySingleField: Bool, excel: Bool
    ) -> UnsafeMutablePointer<UInt8> {
        var position = position
        if emptySingleField {
            position = put(quote, at: put(quote, at: position))
        }
        if excel { position = put(0x0D, at: position) }
        return put(0x0A, at: position)
    }

    private static func writeField(
        _ text: String, neutralise: Bool, at position: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        var text = text
        return text.withUTF8 { writeField($0, neutralise: neutralise, at: position) }
    }

    private static func writeField(
        _ utf8: UnsafeBufferPointer<UInt8>, neutralise: Bool, at start: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        let prefix = neutralise && startsLikeFormula(utf8)
        var needsQuotes = false
        var hasQuote = false
        for byte in utf8 {
            switch byte {
            case quote:
                hasQuote = true
                needsQuotes = true
            case comma, 0x0A, 0x0D:
                needsQuotes = true
            default:
                break
            }
        }
        if let first = utf8.first, !prefix, first == space { needsQuotes = true }
        if let last = utf8.last, last == space { needsQuotes = true }

        var position = start
        if needsQuotes { position = put(quote, at: position) }
        if prefix { position = put(apostrophe, at: position) }
        if hasQuote {
            for byte in utf8 {
                position = put(byte, at: position)
                if byte == quote { position = put(quote, at: position) }
            }
        } else if let source = utf8.baseAddress {
            position.update(from: source, count: utf8.count)
            position += utf8.count
        }
        if needsQuotes { position = put(quote, at: position) }
        return position
    }

    /// Whether a spreadsheet could read the text as a formula (see the type's note).
    static func startsLikeFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        case 0xEF:
            // U+FF0B ＋, U+FF0D －, U+FF1D ＝, U+FF20 ＠ are EF BC 8B / 8D / 9D / A0.
            guard utf8.count >= 3, utf8[1] == 0xBC else { return false }
            return utf8[2] == 0x8B || utf8[2] == 0x8D || utf8[2] == 0x9D || utf8[2] == 0xA0
        default:
            return false
        }
    }
}
