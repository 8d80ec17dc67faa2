import CXLSXWriter

#if canImport(Glibc)
import Glibc
#endif

/// Excel workbooks out (`--format xlsx`, `--output F.xlsx`) with libxlsxwriter: one sheet per
/// result table, named by its analysis, holding the same values as the CSV (numbers as
/// numbers, never their display) with number formats for people: the people's table's
/// styles (`PeopleStyle`) become percent, thousands and signed formats, other numbers show
/// four significant digits. The header row is bold and frozen with an autofilter, columns
/// are as wide as their text, a status sheet's red/amber/green cells are filled in those
/// colours, and every table's notes are listed on a "Notes" sheet. Undefined values are
/// empty cells. Text is always written as a string cell (`worksheet_write_string`), so a
/// name such as `=HYPERLINK(…)` is text, never a formula.
///
/// libxlsxwriter writes to a file name: the workbook is built in a private temporary file
/// (removed on exit or interrupt) and returned as bytes, which the caller writes atomically.
public enum XLSXWriter {
    public static func render(_ tables: [ResultTable]) throws(OutputError) -> [UInt8] {
        var template = Array((String(cString: getenv("TMPDIR") ?? strdup("/tmp")) + "/scorecard-xlsx-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let path = String(cString: template.map { UInt8(bitPattern: $0) } + [])
        guard fd >= 0 else { throw OutputError(path: path, action: "cannot create", code: errno, kind: .cannotCreate) }
        close(fd)
        _ = TemporaryFileRegistry.handlersInstalled
        let slot = TemporaryFileRegistry.register(path)
        defer {
            unlink(path)
            if let slot { TemporaryFileRegistry.unregister(slot) }
        }
        try build(tables, at: path)
        guard let file = fopen(path, "rb") else {
            throw OutputError(path: path, action: "cannot read", code: errno, kind: .inputOutput)
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 1 << 16, file) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }

    static func failure(_ path: String, _ error: lxw_error) -> OutputError {
        var e = OutputError(path: path, action: "cannot write the workbook", code: EIO, kind: .inputOutput)
        e.reason = String(cString: lxw_strerror(error))
        return e
    }

    static func build(_ tables: [ResultTable], at path: String) throws(OutputError) {
        guard let workbook = workbook_new(path) else {
            throw OutputError(
                path: path, action: "cannot create the workbook", code: errno == 0 ? EIO : errno, kind: .cannotCreate)
        }
        var formats = Formats(workbook: workbook)
        var names: Set<String> = []
        for table in tables {
            let name = sheetName(table.analysis, taken: &names)
            guard let sheet = workbook_add_worksheet(workbook, name) else {
                workbook_close(workbook)
                throw failure(path, LXW_ERROR_MEMORY_MALLOC_FAILED)
            }
            if let error = write(table, to: sheet, formats: &formats) {
                workbook_close(workbook)
                throw failure(path, error)
            }
        }
        let notes = tables.flatMap { t in t.notes.map { (t.analysis, $0) } }
        if !notes.isEmpty, let sheet = workbook_add_worksheet(workbook, sheetName("Notes", taken: &names)) {
            let notesTable = ResultTable(
                analysis: "Notes", columns: [Column("analysis"), Column("note")],
                rows: notes.map { [.text($0.0), .text($0.1)] })
            if let error = write(notesTable, to: sheet, formats: &formats) {
                workbook_close(workbook)
                throw failure(path, error)
            }
        }
        let closed = workbook_close(workbook)
        if closed != LXW_NO_ERROR { throw failure(path, closed) }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique (case-insensitively).
    static func sheetName(_ analysis: String, taken: inout Set<String>) -> String {
        var base = String(analysis.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        if base.isEmpty { base = "Sheet" }
        var name = base
        var k = 2
        while taken.contains(name.lowercased()) {
            let suffix = " (\(k))"
            name = String(base.prefix(31 - suffix.count)) + suffix
            k += 1
        }
        taken.insert(name.lowercased())
        return name
    }

    /// Formats made once per workbook, by number format and fill.
    struct Formats {
        let workbook: UnsafeMutablePointer<lxw_workbook>
        var cache: [String: UnsafeMutablePointer<lxw_format>] = [:]
        lazy var header: UnsafeMutablePointer<lxw_format> = {
            let f = workbook_add_format(workbook)!
            format_set_bold(f)
            return f
        }()

        mutating func format(_ numberFormat: String?, fill: UInt32?) -> UnsafeMutablePointer<lxw_format>? {
            if numberFormat == nil && fill == nil { return nil }
            let key = "\(numberFormat ?? "")|\(fill ?? 0)"
            if let f = cache[key] { return f }
            let f = workbook_add_format(workbook)!
            if let numberFormat { format_set_num_format(f, numberFormat) }
            if let fill { format_set_bg_color(f, fill) }
            cache[key] = f
            return f
        }
    }

    static func write(_ table: ResultTable, to sheet: UnsafeMutablePointer<lxw_worksheet>, formats: inout Formats) -> lxw_error? {
        table.checkShape()
        var widths = table.columns.map { Double($0.name.count) }
        for (c, column) in table.columns.enumerated() {
            let e = worksheet_write_string(sheet, 0, lxw_col_t(c), column.name, formats.header)
            if e != LXW_NO_ERROR { return e }
        }
        for (r, row) in table.rows.enumerated() {
            for (c, cell) in row.enumerated() where !cell.isUndefined {
                let style = table.styles.flatMap { r < $0.count && c < $0[r].count ? $0[r][c] : nil }
                let fill =
                    table.analysis == "status" ? table.colors.flatMap { r < $0.count && c < $0[r].count ? ragFill($0[r][c]) : nil } : nil
                let rowIndex = lxw_row_t(r + 1)
                let e: lxw_error
                switch cell {
                case .text(let s):
                    e = worksheet_write_string(sheet, rowIndex, lxw_col_t(c), s, formats.format(nil, fill: fill))
                    widths[c] = Swift.max(widths[c], Double(s.count))
                case .integer(let v):
                    e = worksheet_write_number(sheet, rowIndex, lxw_col_t(c), Double(v), formats.format(integerFormat(style), fill: fill))
                    widths[c] = Swift.max(widths[c], Double(String(v).count) * 1.3)
                case .number(let v), .probability(let v):
                    e = worksheet_write_number(sheet, rowIndex, lxw_col_t(c), v, formats.format(numberFormat(v, style: style), fill: fill))
                    widths[c] = Swift.max(widths[c], 11)
                case .missing:
                    continue
                }
                if e != LXW_NO_ERROR { return e }
            }
        }
        for (c, w) in widths.enumerated() {
            worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), Swift.min(w, 60) + 2, nil)
        }
        worksheet_freeze_panes(sheet, 1, 0)
        if !table.columns.isEmpty {
            worksheet_autofilter(sheet, 0, 0, lxw_row_t(table.rows.count), lxw_col_t(table.columns.count - 1))
        }
        return nil
    }

    /// Red, amber and green as Excel's own "bad", "neutral" and "good" cell fills.
    static func ragFill(_ color: ANSIColor?) -> UInt32? {
        switch color {
        case .red: 0xFFC7CE
        case .yellow: 0xFFEB9C
        case .green: 0xC6EFCE
        default: nil
        }
    }

    static func integerFormat(_ style: PeopleStyle?) -> String {
        if case .percent = style { return "0%" }
        return "#,##0"
    }

    /// The people's notation as an Excel number format: percent for shares and achievement,
    /// thousands for money and counts, signed for changes; otherwise four significant digits.
    static func numberFormat(_ value: Double, style: PeopleStyle?) -> String {
        switch style {
        case .percent: return "0.0%"
        case .amount: return "#,##0.00"
        case .change: return "+#,##0.00;-#,##0.00;0.00"
        case .times: return "0.00\"×\""
        case .statistic, .text, nil: return significant(value)
        }
    }

    /// A fixed format showing `value` with four significant digits; scientific beyond
    /// 10^-4 … 10^15, where fixed notation would need too many places.
    static func significant(_ value: Double) -> String {
        let magnitude = Swift.abs(value)
        if magnitude == 0 { return "0" }
        if magnitude < 1e-4 || magnitude >= 1e15 { return "0.000E+00" }
        let decimals = Swift.max(0, 3 - Int(log10(magnitude).rounded(.down)))
        return decimals == 0 ? "0" : "0." + String(repeating: "0", count: decimals)
    }
}
