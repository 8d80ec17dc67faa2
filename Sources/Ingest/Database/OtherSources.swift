/// Measurements that are not a CSV file: a PostgreSQL or SQLite table or query (and,
/// beside them, Excel workbooks). Each renders into the CSV reader's parser.
extension MeasurementsReader {
    /// Whether the argument names a database rather than a file.
    public static func isOtherSource(_ path: String) -> Bool {
        PostgresLocation.isURL(path) || SQLiteLocation.isURL(path) || Workbook.isWorkbookPath(path)
    }

    static func readOtherSource(_ path: String, limits: ReadLimits, options: ReadOptions = ReadOptions()) throws -> Result? {
        if PostgresLocation.isURL(path) {
            return try PostgresReader.read(PostgresLocation(parsing: path), limits: limits, options: options)
        }
        if SQLiteLocation.isURL(path) { return try SQLiteReader.read(SQLiteLocation(parsing: path), limits: limits, options: options) }
        if Workbook.isWorkbookPath(path) { return try ExcelReader.read(path: path, limits: limits, options: options) }
        if let sheet = options.sheet {
            throw InputError(
                .usage, file: path, problem: "--sheet \"\(sheet)\" names a sheet, but the measurements are not an Excel workbook",
                expected: "--sheet only with an .xlsx workbook")
        }
        return nil
    }

    /// A source that is not a CSV file, parsed for `--data a --data b`: its segment, its notes
    /// (a workbook's "read the first of N sheets"), and how a problem found at the merge is
    /// located in the source's own terms.
    struct OtherSegment {
        var parser: SegmentParser
        var notes: [InputNote]
        var relocate: @Sendable (InputError) -> InputError
        /// A workbook's sheet, whose rows other files' problems may name.
        var sheet: SheetLines? = nil
    }

    static func otherSegment(_ path: String, limits: ReadLimits, options: ReadOptions = ReadOptions()) throws -> OtherSegment {
        if Workbook.isWorkbookPath(path) {
            let (parser, notes, map) = try ExcelReader.segment(path: path, limits: limits, options: options)
            return OtherSegment(parser: parser, notes: notes, relocate: { map.relocate($0) }, sheet: map)
        }
        let parser: SegmentParser
        let label: String
        let rowWord: String
        if SQLiteLocation.isURL(path) {
            let location = try SQLiteLocation(parsing: path)
            parser = try SQLiteReader.segment(location, limits: limits, options: options)
            label = location.label
            rowWord = location.rowWord
        } else {
            let location = try PostgresLocation(parsing: path)
            parser = try PostgresReader.segment(location, limits: limits, options: options)
            label = location.label
            rowWord = location.rowWord
        }
        let header = parser.headerNames
        return OtherSegment(
            parser: parser, notes: [], relocate: { MeasurementsReader.relocate($0, label: label, rowWord: rowWord, header: header) })
    }

    /// One source's segment merged into measurements, its problems located as the source names them.
    static func mergeOne(
        _ segment: SegmentParser, label: String, rowWord: String, limits: ReadLimits, options: ReadOptions = ReadOptions()
    ) throws -> Result {
        var parsed = [segment]
        defer { for item in parsed { item.cells.deallocate() } }
        do {
            return try merge(&parsed, file: label, limits: limits, options: options)
        } catch let e as InputErrors {
            throw InputErrors(
                e.errors.map { relocate($0, label: label, rowWord: rowWord, header: parsed[0].headerNames) }, measuresSeen: e.measuresSeen)
        }
    }

    /// `file:line:column` → `label: query row N, column NAME` (line 1 is the header row).
    static func relocate(_ error: InputError, label: String, rowWord: String, header: [String]) -> InputError {
        guard error.file == label, let line = error.line else { return error }
        var e = error
        var place = label + ": "
        if line <= 1 {
            place += "the column names"
        } else {
            place += "\(rowWord) \((line - 1).formatted)"
            if let field = error.field, field < header.count { place += ", column \(header[field])" }
        }
        e.file = place
        e.line = nil
        e.column = nil
        return e
    }
}
