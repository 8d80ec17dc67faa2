/// JSON for machines, as METHODS.md ("Output") specifies it:
/// `{"analysis": …, "columns": […], "rows": [{column: value}], "notes": […]}` in exactly
/// that key order, `null` for undefined numbers, numbers in the same shortest round-trip
/// form as CSV (valid JSON: `3`, `0.5`, `1e-05`).
///
/// One row per line, so large outputs stay greppable and diffable; other whitespace
/// follows Python's `json.dumps` defaults. Strings keep non-ASCII as UTF-8 and escape
/// `"`, `\`, all control characters, and U+2028/U+2029 (which JavaScript string literals
/// could not hold before ES2019). No text is neutralised: JSON is not opened in
/// spreadsheets, and names must survive byte for byte.
public enum JSONWriter {
    /// The whole table as UTF-8 JSON, ending in a newline.
    ///
    /// - Precondition: rows match the columns; column names should be unique, or the row
    ///   objects get duplicate keys.
    public static func render(_ table: ResultTable) -> [UInt8] {
        table.checkShape()
        var buffer = OutputBuffer(capacity: 64 * 1024)
        // Keys are escaped once, not once per row: `"name": `.
        let keys: [[UInt8]] = table.columns.map { column in
            var key = OutputBuffer()
            key.appendString(column.name)
            key.appendASCII(": ")
            return key.takeBytes()
        }
        let keyLength = keys.reduce(0) { $0 + $1.count + 2 }

        buffer.appendASCII("{\"analysis\": ")
        buffer.appendString(table.analysis)
        buffer.appendASCII(", \"columns\": [")
        for (index, column) in table.columns.enumerated() {
            if index > 0 { buffer.appendASCII(", ") }
            buffer.appendString(column.name)
        }
        buffer.appendASCII("], \"rows\": [")
        let headerLength = buffer.count
        for (rowIndex, row) in table.rows.enumerated() {
            if rowIndex == 64 {
                // Size the buffer once from the first rows instead of doubling (and copying) it.
                let perRow = (buffer.count - headerLength) / 64
                buffer.reserve(perRow * (table.rows.count - 64) / 16 * 17 + 4096)
            }
            var bound = keyLength + 4
            for cell in row {
                switch cell {
                case .text(let text): bound += worstCaseLength(of: text)
                case .integer: bound += 20
                case .number, .probability: bound += ShortestDecimal.maximumLength
                case .missing: bound += 4
                }
            }
            buffer.write(reserving: bound) { start in
                var position = start
                if rowIndex > 0 { position = put(UInt8(ascii: ","), at: position) }
                position = put(0x0A, at: position)
                position = put(UInt8(ascii: "{"), at: position)
                for index in row.indices {
                    if index > 0 {
                        position = put(UInt8(ascii: ","), at: position)
                        position = put(UInt8(ascii: " "), at: position)
                    }
                    position = keys[index].withUnsafeBufferPointer { key in
                        position.update(from: key.baseAddress!, count: key.count)
                        return position + key.count
                    }
                    position = writeValue(row[index], at: position)
                }
                return put(UInt8(ascii: "}"), at: position) - start
            }
        }
        buffer.appendASCII(table.rows.isEmpty ? "], \"notes\": [" : "\n], \"notes\": [")
        for (index, note) in table.notes.enumerated() {
            if index > 0 { buffer.appendASCII(", ") }
            buffer.appendString(note)
        }
        buffer.appendASCII("]}\n")
        return buffer.takeBytes()
    }

    /// Every byte escaped as `\u00XX`, plus the quotes.
    @inline(__always)
    static func worstCaseLength(of text: String) -> Int { text.utf8.count * 6 + 2 }

    @inline(__always)
    static func put(_ byte: UInt8, at position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        position.pointee = byte
        return position + 1
    }

    static func writeValue(_ cell: Cell, at position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        switch cell {
        case .text(let text):
            return writeString(text, at: position)
        case .integer(let value):
            var position = position
            if value < 0 { position = put(UInt8(ascii: "-"), at: position) }
            return position + ShortestDecimal.writeDigits(UInt64(value.magnitude), to: position)
        case .number(let value), .probability(let value):
            if value.isFinite {
                return position + ShortestDecimal.write(value, to: position)
            }
            return writeNull(at: position)
        case .missing:
            return writeNull(at: position)
        }
    }

    private static func writeNull(at position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        put(UInt8(ascii: "l"), at: put(UInt8(ascii: "l"), at: put(UInt8(ascii: "u"), at: put(UInt8(ascii: "n"), at: position))))
    }

    /// `text` as a quoted JSON string literal (for small documents such as the definitions
    /// sidecar, the notebook and the sample data's truth.json): the one JSON string escaper.
    public static func quoted(_ text: String) -> String {
        let bytes = [UInt8](unsafeUninitializedCapacity: worstCaseLength(of: text)) { buffer, count in
            count = writeString(text, at: buffer.baseAddress!) - buffer.baseAddress!
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` as a quoted JSON string; needs `worstCaseLength(of:)` bytes.
    static func writeString(_ text: String, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var text = text
        return text.withUTF8 { utf8 in
            var position = put(UInt8(ascii: "\""), at: start)
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    position = put(byte, at: put(UInt8(ascii: "\\"), at: position))
                case 0x08: position = put(UInt8(ascii: "b"), at: put(UInt8(ascii: "\\"), at: position))
                case 0x09: position = put(UInt8(ascii: "t"), at: put(UInt8(ascii: "\\"), at: position))
                case 0x0A: position = put(UInt8(ascii: "n"), at: put(UInt8(ascii: "\\"), at: position))
                case 0x0C: position = put(UInt8(ascii: "f"), at: put(UInt8(ascii: "\\"), at: position))
                case 0x0D: position = put(UInt8(ascii: "r"), at: put(UInt8(ascii: "\\"), at: position))
                case 0x00..<0x20:
                    position = writeUnicodeEscape(UInt16(byte), at: position)
                case 0xE2
                where index + 1 < utf8.count && utf8[index] == 0x80
                    && (utf8[index + 1] == 0xA8 || utf8[index + 1] == 0xA9):
                    // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: 3 bytes in, 6 out.
                    position = writeUnicodeEscape(utf8[index + 1] == 0xA8 ? 0x2028 : 0x2029, at: position)
                    index += 2
                default:
                    position = put(byte, at: position)
                }
            }
            return put(UInt8(ascii: "\""), at: position)
        }
    }

    private static func writeUnicodeEscape(_ value: UInt16, at position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let hex: StaticString = "0123456789abcdef"
        var position = put(UInt8(ascii: "u"), at: put(UInt8(ascii: "\\"), at: position))
        for shift in stride(from: 12, through: 0, by: -4) {
            position = put(hex.utf8Start[Int((value >> UInt16(shift)) & 0xF)], at: position)
        }
        return position
    }
}

extension OutputBuffer {
    /// Appends a JSON string (see `JSONWriter.writeString`).
    fileprivate mutating func appendString(_ text: String) {
        write(reserving: JSONWriter.worstCaseLength(of: text)) { start in
            JSONWriter.writeString(text, at: start) - start
        }
    }

    fileprivate mutating func appendASCII(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
