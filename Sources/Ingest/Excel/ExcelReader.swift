/// Reads measurements from a sheet of an Excel workbook (`--data book.xlsx [--sheet NAME]`).
///
/// The sheet's XML is inflated and scanned in chunks, and each row is rendered as a CSV
/// record straight into the CSV reader's own parser, so a sheet follows exactly the rules
/// of a CSV file — tidy or wide by its header, the column options, missing values, dates
/// and periods — and memory stays with the panel. The header is the first row that holds a
/// value; columns start at A. Cells become fields as a CSV export shows them, except that
/// numbers are the stored numbers (not their display), and a number formatted as a date in
/// the period column is that date (1900 or 1904 date system, as the workbook says), with its
/// time of day when it has one. Booleans are TRUE and FALSE; `#N/A` is a missing value; any
/// other error value (`#DIV/0!`, `#REF!` …) is a located error. Problems are located in A1
/// notation: `book.xlsx[Sheet1]!C17: value "abc" is not a number …`.
enum ExcelReader {
    struct Located {
        var parser: SegmentParser
        var notes: [InputNote]
        var map: SheetLines
    }

    /// The sheet's segment with its problems located, its notes, and the map that locates
    /// problems found later (at the merge).
    static func segment(path: String, limits: ReadLimits, options: ReadOptions) throws -> (SegmentParser, [InputNote], SheetLines) {
        let located = try locate(path: path, limits: limits, options: options)
        var parser = located.parser
        parser.errors = parser.errors.map { located.map.relocate($0) }
        return (parser, located.notes, located.map)
    }

    static func read(path: String, limits: ReadLimits, options: ReadOptions) throws -> MeasurementsReader.Result {
        let located = try locate(path: path, limits: limits, options: options)
        var parsed = [located.parser]
        defer { for item in parsed { item.cells.deallocate() } }
        do {
            var result = try MeasurementsReader.merge(&parsed, file: located.map.label, limits: limits, options: options)
            result.notes = located.notes + result.notes
            return result
        } catch let e as InputErrors {
            throw InputErrors(e.errors.map { located.map.relocate($0) }, measuresSeen: e.measuresSeen)
        }
    }

    static func locate(path: String, limits: ReadLimits, options: ReadOptions) throws -> Located {
        let book = try Workbook(path: path, limits: limits)
        let names = book.sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var notes: [InputNote] = []
        let sheet: Workbook.Sheet
        if let wanted = options.sheet {
            let folded = book.sheets.filter { $0.name.lowercased() == wanted.lowercased() }
            guard let found = book.sheets.first(where: { $0.name == wanted }) ?? (folded.count == 1 ? folded[0] : nil) else {
                throw InputError(
                    .usage, file: path, problem: "--sheet \"\(wanted)\" is not a sheet of the workbook",
                    expected: "one of its sheets: \(names)")
            }
            sheet = found
        } else {
            sheet = book.sheets[0]
            if book.sheets.count > 1 {
                notes.append(
                    InputNote(
                        file: path,
                        message:
                            "the workbook has \(book.sheets.count) sheets (\(names)): read the first, \"\(sheet.name)\"; choose another "
                            + "with --sheet"
                    ))
            }
        }
        var reader = SheetReader(book: book, label: "\(path)[\(sheet.name)]", limits: limits, options: options)
        let (cap, overflow) = limits.maxPanelCells.multipliedReportingOverflow(by: 256)
        do {
            try book.scanPart(sheet.path, cap: overflow ? Int.max : Swift.max(cap, 1 << 20), capFlag: "raise --max-cells", limits: limits) {
                b, event in
                try reader.handle(b, event)
            }
        } catch is WorkbookStop {
        } catch let e as InputErrors {
            reader.parser?.cells.deallocate()
            throw InputErrors(e.errors.map { reader.lines.relocate($0) }, measuresSeen: e.measuresSeen)
        } catch {
            reader.parser?.cells.deallocate()
            throw error
        }
        do {
            return Located(parser: try reader.finish(), notes: notes, map: reader.lines)
        } catch {
            reader.parser?.cells.deallocate()
            throw error
        }
    }
}

/// Sheet rows ↔ lines of the CSV text they were rendered as, for locating problems.
struct SheetLines: Sendable {
    var label: String
    /// The sheet row of line 1 (the header), less one.
    var rowOffset = 0
    /// Records holding line breaks inside a cell: (first line, extra lines), in order.
    var multiLine: [(Int, Int)] = []
    /// The header record as rendered, to find the field of a header column.
    var header: [UInt8] = []

    func row(ofLine line: Int) -> Int {
        var shift = 0
        for (first, extra) in multiLine where first < line {
            if line <= first + extra { return first - shift + rowOffset }
            shift += extra
        }
        return line - shift + rowOffset
    }

    /// `label!C17`; a row's problem without a known column is `label!17:17`.
    func relocate(_ error: InputError) -> InputError {
        guard error.file == label, let line = error.line else { return error }
        var e = error
        let row = row(ofLine: line)
        var field = error.field
        if field == nil && line == 1, let column = error.column { field = headerField(column) }
        e.file = label + "!" + (field.map { SheetLines.columnName($0) + String(row) } ?? "\(row):\(row)")
        e.line = nil
        e.column = nil
        e.problem = reworded(e.problem, field: field)
        return e
    }

    /// Another file's problem that names a line of this sheet ("(first in book.xlsx[Sheet1], on
    /// line 3)", "but book.xlsx[Sheet1] line 3 has"), with the sheet's row instead.
    func rewordedMentions(_ problem: String) -> String {
        var out = ""
        var rest = Substring(problem)
        while let range = rest.firstRange(of: label) {
            out += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            for joint in [", on line ", " line "] where rest.hasPrefix(joint) {
                let digits = rest.dropFirst(joint.count).prefix { $0.isASCII && $0.isNumber }
                guard let line = Int(digits) else { continue }
                out += (joint == " line " ? " row " : ", on row ") + String(row(ofLine: line))
                rest = rest.dropFirst(joint.count + digits.count)
                break
            }
        }
        return out + rest
    }

    /// The CSV reader's words for other lines of the same sheet, in the sheet's terms: "(first
    /// on line 17)" → "(first on row 17)", an example value's "(line 17)" → "(at C17)" (in the
    /// problem's column), "but line 17 has" → "but row 17 has", "of line 17" → "of row 17".
    /// A line of another file ("(first in a.csv, on line 3)") is that file's and stays.
    func reworded(_ problem: String, field: Int?) -> String {
        guard problem.contains("line ") else { return problem }
        var out = ""
        var rest = Substring(problem)
        let prefixes = ["(first on ", "(", "but ", "of "]
        while let range = rest.firstRange(of: "line ") {
            let before = rest[..<range.lowerBound]
            let digits = rest[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard let prefix = prefixes.first(where: { before.hasSuffix($0) }), let line = Int(digits) else {
                out += rest[..<range.upperBound]
                rest = rest[range.upperBound...]
                continue
            }
            out += before
            let row = row(ofLine: line)
            if prefix == "(", let field { out += "at \(SheetLines.columnName(field))\(row)" } else { out += "row \(row)" }
            rest = rest[range.upperBound...].dropFirst(digits.count)
        }
        return out + rest
    }

    /// The field holding the header's `column`-th Unicode scalar.
    func headerField(_ column: Int) -> Int {
        var field = 0
        var quoted = false
        var scalars = 1
        for b in header where scalars < column {
            if b & 0xC0 != 0x80 { scalars += 1 }
            if b == 34 { quoted.toggle() } else if b == 44 && !quoted { field += 1 }
        }
        return field
    }

    /// `A`, …, `Z`, `AA`, … for field 0, 1, …
    static func columnName(_ field: Int) -> String {
        var n = field + 1
        var s: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            s.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(s)
    }

    /// Field and row of an A1 reference (`C17` → (2, 17)); nil when malformed.
    static func parseReference(_ b: UnsafePointer<UInt8>, _ r: [UInt8]) -> (Int, Int)? {
        var i = 0
        var column = 0
        while i < r.count, r[i] >= 65 && r[i] <= 90 {
            column = column * 26 + Int(r[i] - 64)
            i += 1
            if column > 16_384 { return nil }
        }
        var row = 0
        let digits = i
        while i < r.count, r[i] >= 48 && r[i] <= 57 {
            row = row * 10 + Int(r[i] - 48)
            i += 1
            if row > 1_048_576 { return nil }
        }
        guard i == r.count, digits > 0, i > digits, row >= 1 else { return nil }
        return (column - 1, row)
    }
}

/// The state of one sheet's scan: the current row and cell, and the parser the rows go to.
struct SheetReader {
    let book: Workbook
    let label: String
    let limits: ReadLimits
    let options: ReadOptions
    var lines: SheetLines
    var parser: SegmentParser?
    /// The period column's field, once the header is read.
    var periodField = -1
    var width = 0

    // The row being read.
    var row = 0
    var record: [UInt8] = []
    var fields = 0
    // The cell being read.
    var column = -1
    var type: [UInt8] = []
    var style = 0
    var value: [UInt8] = []
    var inValue = false
    var inInline = false
    var inText = false
    var phonetic = 0
    var hasValue = false
    var hasFormula = false

    /// CSV text not yet handed to the parser, and the line its next record starts on.
    var pending: [UInt8] = []
    var nextLine = 2
    var headerRow = 0
    /// Error values and broken cells, reported at their cell: (line, field, problem, expected).
    var cellErrors: [InputError] = []

    init(book: Workbook, label: String, limits: ReadLimits, options: ReadOptions) {
        self.book = book
        self.label = label
        self.limits = limits
        self.options = options
        lines = SheetLines(label: label)
        pending.reserveCapacity(1 << 20)
    }

    static let maxRows = 1_048_576
    static let maxColumns = 16_384

    func malformed(_ problem: String) -> InputError {
        let place = column >= 0 ? "!\(SheetLines.columnName(column))\(row)" : row > 0 ? "!\(row):\(row)" : ""
        return InputError(file: label + place, problem: problem, expected: "a worksheet as Excel, LibreOffice or openpyxl save it")
    }

    mutating func handle(_ b: UnsafePointer<UInt8>, _ event: XMLScanner.Event) throws {
        switch event {
        case .start(let name, let attrs, let empty):
            if XMLScanner.named(b, name, "c") {
                try startCell(b, attrs)
                if empty { try endCell() }
            } else if XMLScanner.named(b, name, "v") {
                inValue = !empty
            } else if XMLScanner.named(b, name, "f") {
                hasFormula = true
            } else if XMLScanner.named(b, name, "is") {
                inInline = !empty
                hasValue = hasValue || !empty
            } else if inInline && XMLScanner.named(b, name, "t") {
                inText = !empty && phonetic == 0
            } else if inInline && XMLScanner.named(b, name, "rPh") {
                phonetic += empty ? 0 : 1
            } else if XMLScanner.named(b, name, "row") {
                try startRow(b, attrs)
                if empty { try endRow() }
            }
        case .end(let name):
            if XMLScanner.named(b, name, "v") {
                inValue = false
            } else if XMLScanner.named(b, name, "t") {
                inText = false
            } else if XMLScanner.named(b, name, "rPh") {
                phonetic = Swift.max(phonetic - 1, 0)
            } else if XMLScanner.named(b, name, "is") {
                inInline = false
            } else if XMLScanner.named(b, name, "c") {
                if column >= 0 { try endCell() }
            } else if XMLScanner.named(b, name, "row") {
                if row > 0 { try endRow() }
            }
        case .text(let r, let raw):
            guard inValue || inText else { return }
            hasValue = true
            if raw {
                value.append(contentsOf: UnsafeBufferPointer(start: b + r.lowerBound, count: r.count))
            } else {
                XMLScanner.decode(b, r, into: &value)
            }
            if value.count > limits.maxFieldBytes + 64 {
                // The parser would refuse it; stop growing it here.
                value.removeLast(value.count - limits.maxFieldBytes - 1)
            }
        }
    }

    mutating func startRow(_ b: UnsafePointer<UInt8>, _ attrs: Range<Int>) throws {
        let previous = row
        if let r = XMLScanner.attribute(b, attrs, "r") {
            guard let n = Int(String(decoding: r, as: UTF8.self)), n >= 1, n <= Self.maxRows else {
                throw InputErrors([
                    malformed("row number \"\(String(decoding: r, as: UTF8.self))\" is not a row of a sheet (1 to \(Self.maxRows))")
                ])
            }
            row = n
        } else {
            row = previous + 1
        }
        if row <= previous { throw InputErrors([malformed("row \(row) comes after row \(previous)")]) }
        if row > Self.maxRows { throw InputErrors([malformed("more than \(Self.maxRows) rows")]) }
        record.removeAll(keepingCapacity: true)
        fields = 0
        column = -1
    }

    mutating func startCell(_ b: UnsafePointer<UInt8>, _ attrs: Range<Int>) throws {
        let previous = column
        if let ref = XMLScanner.attribute(b, attrs, "r") {
            guard let (c, r) = SheetLines.parseReference(b, ref) else {
                throw InputErrors([malformed("cell reference \"\(String(decoding: ref, as: UTF8.self))\" is not in A1 notation")])
            }
            if r != row { throw InputErrors([malformed("cell \(String(decoding: ref, as: UTF8.self)) is inside row \(row)")]) }
            column = c
        } else {
            column = Swift.max(previous, fields - 1) + 1
        }
        if column < fields || column <= previous {
            throw InputErrors([
                malformed(
                    "cells out of order (column \(SheetLines.columnName(column)) after "
                        + "\(SheetLines.columnName(Swift.max(previous, fields - 1))))"
                )
            ])
        }
        if column >= Self.maxColumns { throw InputErrors([malformed("more than \(Self.maxColumns) columns")]) }
        type = XMLScanner.attribute(b, attrs, "t") ?? []
        style = XMLScanner.attribute(b, attrs, "s").flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        value.removeAll(keepingCapacity: true)
        hasValue = false
        hasFormula = false
        inValue = false
        inInline = false
        inText = false
        phonetic = 0
    }

    /// The cell as CSV field text; nil for an empty cell.
    mutating func endCell() throws {
        defer { column = -1 }
        guard hasValue else {
            if hasFormula {
                cellError(
                    "the cell holds a formula with no computed value (the workbook was saved without calculating it)",
                    expected: "values: open and save the workbook in Excel or LibreOffice, which store each formula's value")
            }
            return
        }
        var text: [UInt8]
        switch type {
        case CellType.shared:
            guard let i = Int(String(decoding: trimmed(value), as: UTF8.self)), i >= 0, i < book.stringCount else {
                cellError(
                    "shared string \"\(String(decoding: value, as: UTF8.self))\" does not exist (the workbook has \(book.stringCount))",
                    expected: "a worksheet as Excel, LibreOffice or openpyxl save it")
                return
            }
            text = Array(book.string(i))
        case CellType.formulaText, CellType.inline:
            text = XMLScanner.unescapeXstring(value)
        case CellType.boolean:
            text = Array((trimmed(value) == [49] ? "TRUE" : "FALSE").utf8)
        case CellType.error:
            let code = String(decoding: trimmed(value), as: UTF8.self)
            if code == "#N/A" { return }  // not available: a missing value
            cellError(
                "the cell holds the error value \(code)",
                expected: "a value, or an empty cell or #N/A for a missing one (fix the formula)")
            return
        case CellType.date:
            // An ISO 8601 date (strict OOXML): the day, with its time unless midnight.
            text = trimmed(value)
            if text.count >= 19 && text[10] == 84 {
                let time = Array(text[11..<19])
                text = Array(text[0..<10]) + (time == Array("00:00:00".utf8) ? [] : [32] + time)
            }
        default:
            text = trimmed(value)
            if column == periodField && style < book.dateStyles.count && book.dateStyles[style], let date = dateText(text) { text = date }
        }
        if text.isEmpty { return }
        let commas = fields == 0 ? column : column - fields + 1
        record.append(contentsOf: repeatElement(44, count: commas))
        SQLiteRowStream.append(text: text, to: &record)
        fields = column + 1
    }

    /// The cell types (`t="…"`) read differently from a number, made once: a pattern built in
    /// the `switch` would allocate for every cell.
    enum CellType {
        static let shared = Array("s".utf8)
        static let formulaText = Array("str".utf8)
        static let inline = Array("inlineStr".utf8)
        static let boolean = Array("b".utf8)
        static let error = Array("e".utf8)
        static let date = Array("d".utf8)
    }

    func trimmed(_ v: [UInt8]) -> [UInt8] {
        // Most cells have no blanks around them: the array itself, not a copy.
        if let f = v.first, let l = v.last, !XMLScanner.isSpace(f) && !XMLScanner.isSpace(l) { return v }
        var s = v[...]
        while let f = s.first, XMLScanner.isSpace(f) { s.removeFirst() }
        while let l = s.last, XMLScanner.isSpace(l) { s.removeLast() }
        return Array(s)
    }

    mutating func cellError(_ problem: String, expected: String) {
        guard cellErrors.count < limits.maxErrors else { return }
        if parser == nil {
            cellErrors.append(InputError(file: "\(label)!\(SheetLines.columnName(column))\(row)", problem: problem, expected: expected))
            return
        }
        var e = InputError(file: label, line: nextLine + (row - lastRow - 1), problem: problem, expected: expected)
        e.field = column
        cellErrors.append(e)
    }

    /// The sheet row of the last record handed over (the header's, at first).
    var lastRow = 0

    /// An Excel serial date as `2024-01-31` (or `2024-01-31 13:30:00`).
    func dateText(_ text: [UInt8]) -> [UInt8]? {
        guard let serial = Double(String(decoding: text, as: UTF8.self)), serial >= 0, serial < 2_958_466 else { return nil }
        var days = serial.rounded(.down)
        var seconds = ((serial - days) * 86_400).rounded()
        if seconds >= 86_400 {
            days += 1
            seconds = 0
        }
        let ordinal: Int
        if book.date1904 {
            ordinal = Period.days(fromCivil: 1904, 1, 1) + Int(days)
        } else {
            // Excel counts 1900-02-29, which never was (Lotus's leap year): serial 60.
            if days == 60 { return nil }
            ordinal = Period.days(fromCivil: 1899, 12, days < 60 ? 31 : 30) + Int(days)
        }
        var out = Array(Period(frequency: .day, ordinal: ordinal).description.utf8)
        if seconds > 0 {
            let s = Int(seconds)
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            out += Array(" \(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))".utf8)
        }
        return out
    }

    mutating func endRow() throws {
        if parser == nil {
            if fields == 0 && cellErrors.isEmpty { return }  // blank rows before the header
            if !cellErrors.isEmpty { throw InputErrors(cellErrors) }
            try startData()
            return
        }
        guard fields > 0 else { return }  // a blank row, as a blank line is skipped
        if fields < width { record.append(contentsOf: repeatElement(44, count: width - fields)) }
        // Rows between are blank lines, so lines keep counting rows.
        let gap = row - lastRow - 1
        pending.append(contentsOf: repeatElement(10, count: gap))
        nextLine += gap
        if record.count > limits.maxRecordBytes {
            parser!.errors.append(
                InputError(
                    .limit, file: label, line: nextLine, problem: "a row of more than \(limits.maxRecordBytes) bytes as CSV",
                    expected: "shorter rows (raise the limit with --max-line-bytes)"))
            parser!.stopped = true
            throw WorkbookStop()
        }
        let extra = record.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        if extra > 0 { lines.multiLine.append((nextLine, extra)) }
        pending += record
        pending.append(10)
        nextLine += 1 + extra
        lastRow = row
        if pending.count >= 1 << 20 { try hand(final: false) }
    }

    /// The header row: its columns are mapped as a CSV header's, and the parser starts.
    mutating func startData() throws {
        record.append(10)
        lines.rowOffset = row - 1
        lines.header = record
        let (layout, columns, _) = try MeasurementsReader.parseHeader(record, file: label, final: true, limits: limits, options: options)
        headerRow = row
        lastRow = row
        width = columns.fieldCount
        periodField = columns.period
        // A number cell's value is stored with a point as its decimal mark.
        parser = SegmentParser(
            file: label, layout: layout, limits: limits, firstLine: 2, columns: columns, options: options, typedNumbers: true)
    }

    mutating func hand(final: Bool) throws {
        let used = pending.withUnsafeBufferPointer { parser!.parse($0.baseAddress!, count: $0.count, final: final) }
        pending.removeFirst(used)
        if parser!.stopped { throw WorkbookStop() }
    }

    /// The parsed segment, its duplicates worded and the sheet's own errors merged in by line.
    mutating func finish() throws -> SegmentParser {
        guard parser != nil else {
            throw InputErrors([
                InputError(
                    file: label, problem: "the sheet is empty",
                    expected: "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide), then rows of measurements")
            ])
        }
        if !parser!.stopped && !pending.isEmpty { _ = try? hand(final: true) }
        parser!.wordDuplicates(lineOffset: 0)
        if !cellErrors.isEmpty {
            // The sheet's error is the one worth reading where the parser also saw an empty cell.
            let places = Set(cellErrors.map { "\($0.line ?? 0),\($0.field ?? -1)" })
            let others = parser!.errors.filter { !places.contains("\($0.line ?? 0),\($0.field ?? -1)") }
            parser!.errors = Array(
                (cellErrors + others).sorted { ($0.line ?? 0, $0.field ?? 0) < ($1.line ?? 0, $1.field ?? 0) }.prefix(limits.maxErrors))
        }
        return parser!
    }
}
