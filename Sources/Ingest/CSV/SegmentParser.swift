/// How the measurements file lays out its values, decided from the header.
enum MeasurementLayout: Equatable {
    /// `team,period,measure,value`.
    case tidy
    /// `team,period,<measure>,<measure>,…`; the measure names in column order.
    case wide([[UInt8]])

    var fieldCount: Int {
        switch self {
        case .tidy: 4
        case .wide(let names): 2 + names.count
        }
    }
}

/// Which field of a record holds what, decided from the header and the `ReadOptions`.
struct ColumnMap: Equatable {
    var team = 0
    var period = 1
    /// Tidy files: the measure and value fields.
    var measure = 2
    var value = 3
    /// Wide files: the field of each measure, in `MeasurementLayout.wide` order.
    var wide: [Int] = []
    /// Fields in every record (the header's).
    var fieldCount = 4
    /// Header names and their columns (in Unicode scalars) on line 1, for messages.
    var headers: [String] = []
    var headerColumns: [Int] = []
    /// An unnamed first column (R's `write.csv` row names) is skipped.
    var ignoredRowNames = false

    /// Team, period, measure, value (or measures) in the first columns, nothing ignored.
    var isCanonical: Bool {
        !ignoredRowNames && team == 0 && period == 1
            && (wide.isEmpty ? measure == 2 && value == 3 && fieldCount == 4 : wide == Array(2..<fieldCount))
    }
}

/// Parses the data records of one stretch of a measurements file into `SegmentCells`,
/// collecting problems instead of stopping at the first. Two of these run side by side on
/// the two halves of a large file; their results are merged by `MeasurementsReader`.
///
/// A struct with mutating methods, not a class: the hot loop then touches its state through
/// `inout self`, which Swift checks for exclusive access at compile time instead of at
/// every property access at run time.
struct SegmentParser {
    let file: String
    let layout: MeasurementLayout
    let limits: ReadLimits
    let columns: ColumnMap
    let options: ReadOptions
    /// Canonical tidy layout with strict values: the fast path applies.
    let fastTidy: Bool
    /// Whether a value with a point is read with a point as its decimal mark whatever the
    /// options: a workbook's number cells and a database's numeric columns are stored so. Text
    /// a person wrote (a CSV file) follows `--decimal-comma`.
    let typedNumbers: Bool
    /// Per field: values that are not numbers, those reported one by one, and the first one
    /// (line, column, text), for the per-column summary with the true count.
    var invalidCounts: [Int]
    var invalidReported: [Int]
    var invalidFirst: [(line: Int, column: Int, text: String)?]
    /// Why the last period cell could not be read (`.invalid`, `.needsOrder`), or the
    /// period that does not fit `--frequency`.
    private var periodProblem: Period.DateReading = .invalid
    private var unfitPeriod: Period?
    var teams = NameTable()
    var measures = NameTable()
    /// The (segment-relative) line where each team and measure was first seen; a wide
    /// file's measures, named by the header, have none (line 1).
    var teamLines: [Int] = []
    var measureLines: [Int] = []
    var cells: SegmentCells
    /// Rows (tidy) or cells (wide) read, missing values included.
    var rowCount = 0
    var errors: [InputError] = []
    /// Duplicate keys found; their entries in `errors` are placeholders until `wordDuplicates`.
    var duplicates: [Duplicate] = []

    struct Duplicate {
        var team: Int
        var measure: Int
        var period: Int32
        var firstLine: Int
        var line: Int
        var errorIndex: Int
    }

    /// Words the duplicate-key errors, with `offset` added to this segment's line numbers.
    mutating func wordDuplicates(lineOffset offset: Int) {
        for d in duplicates {
            errors[d.errorIndex] = SegmentParser.duplicateError(
                file: file, team: teams.name(d.team), measure: measures.name(d.measure),
                period: Period(frequency: frequency ?? .month, ordinal: Int(d.period)),
                firstLine: d.firstLine + offset, line: d.line + offset)
        }
        duplicates.removeAll()
    }

    static func duplicateError(
        file: String, team: String, measure: String, period: Period, firstLine: Int, line: Int, firstFile: String? = nil
    ) -> InputError {
        InputError(
            file: file, line: line, column: 1,
            problem:
                "duplicate row for team \"\(team)\", period \(period), measure \"\(measure)\" (first "
                + "\(firstFile.map { "in \($0), " } ?? "")on line \(firstLine))",
            expected: "one value per team, period and measure\(firstFile == nil ? "" : " across all files")")
    }
    /// The physical line of the next record (relative numbering for a second segment).
    var line: Int
    /// Added to the lines stored in `cells` to make them absolute (a second segment counts from 1).
    var lineOffset = 0
    /// Frequency of the first good period, with its line and label.
    var frequency: Frequency?
    var frequencyLine = 0
    var frequencyLabel = ""
    var minPeriod = Int32.max
    var maxPeriod = Int32.min
    /// Set when the input cannot be read further (an unclosed quote, too many errors).
    var stopped = false
    /// A quote was left open at the very end of the segment.
    var endedInsideQuote = false

    private var scanner = RecordScanner()
    private var lastPeriodBytes: (UInt64, Int) = (0, -1)
    private var lastPeriod: Period?

    init(
        file: String, layout: MeasurementLayout, limits: ReadLimits, firstLine: Int, columns: ColumnMap? = nil,
        options: ReadOptions = ReadOptions(), typedNumbers: Bool = false
    ) {
        self.file = file
        self.typedNumbers = typedNumbers
        self.layout = layout
        self.limits = limits
        let columns =
            columns
            ?? {
                var c = ColumnMap()
                if case .wide(let names) = layout {
                    c.wide = Array(2..<(2 + names.count))
                    c.fieldCount = 2 + names.count
                }
                return c
            }()
        self.columns = columns
        self.options = options
        self.fastTidy = layout == .tidy && columns.isCanonical && options.strictValues
        invalidCounts = [Int](repeating: 0, count: columns.fieldCount)
        invalidReported = invalidCounts
        invalidFirst = [(line: Int, column: Int, text: String)?](repeating: nil, count: columns.fieldCount)
        self.line = firstLine
        var measureCount = 4
        var table = NameTable()
        if case .wide(let names) = layout {
            for name in names { name.withUnsafeBufferPointer { _ = table.intern($0.baseAddress!, $0.count) } }
            measureCount = names.count
        }
        measures = table
        measureLines = [Int](repeating: 1, count: table.count)
        cells = SegmentCells(measures: measureCount, maxCells: limits.maxPanelCells)
    }

    var isFull: Bool { errors.count >= limits.maxErrors }

    /// Parses whole records in `b[0..<count]`; returns the bytes consumed. Without `final`,
    /// an incomplete record at the end is left for the next call (with more bytes).
    mutating func parse(_ b: UnsafePointer<UInt8>, count: Int, final: Bool) -> Int {
        var pos = 0
        var fast = FastPathState()
        while pos < count && !stopped {
            // Past the cap on problems the parse goes on, reporting nothing more, so that the
            // per-column counts of values that are not numbers are true counts.
            if fastTidy, let next = fastTidyRecord(b, count: count, from: pos, state: &fast) {
                line += 1
                pos = next
                continue
            }
            switch scanner.scan(b, count: count, from: pos, final: final) {
            case .needMore:
                return pos
            case .record(let next):
                if next - pos > limits.maxRecordBytes {
                    // The block buffer may hold a longer record than the limit: refuse it all the same.
                    report(
                        b, recordStart: pos, at: pos, problem: SegmentParser.longLineProblem(limits),
                        expected: SegmentParser.longLineExpected)
                } else {
                    process(b, recordStart: pos)
                }
                line += scanner.lineBreaks
                pos = next
            case .malformed(let offset, let problem, let expected, let resumeAt):
                if resumeAt == nil && !final { return pos }
                report(b, recordStart: pos, at: offset, problem: problem, expected: expected)
                if let r = resumeAt {
                    line += countLineBreaks(b, from: pos, to: r)
                    pos = r
                } else {
                    if problem.hasPrefix("a quoted field is never closed") { endedInsideQuote = true }
                    stopped = true
                    return count
                }
            }
        }
        return stopped ? count : pos
    }

    // MARK: Records

    /// What the fast path remembers between records of one buffer: the previous team (as a
    /// byte range of the buffer) and the previous measure, since rows usually come grouped
    /// by team with the measures in a repeating order.
    struct FastPathState {
        var teamStart = 0
        var teamLength = -1
        var teamIndex = 0
        var measureIndex = -1
    }

    /// Skips bytes until one of , " LF CR, eight at a time (SWAR: a byte equal to c makes
    /// (w ^ c·0x01…01) have a zero byte, found by the classic has-zero-byte test).
    @inline(__always)
    static func skipPlain(_ b: UnsafePointer<UInt8>, _ p: Int, _ count: Int) -> Int {
        var p = p
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while p + 8 <= count {
            let w = UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self)
            @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            let hit = zero(w ^ (ones &* 44)) | zero(w ^ (ones &* 34)) | zero(w ^ (ones &* 10)) | zero(w ^ (ones &* 13))
            if hit != 0 { return p + hit.trailingZeroBitCount / 8 }
            p += 8
        }
        while p < count {
            let c = b[p]
            if c == 44 || c == 34 || c == 10 || c == 13 { return p }
            p += 1
        }
        return p
    }

    /// Parses one plain tidy record — four unquoted fields, LF or CRLF — without the general
    /// scanner; returns nil (consuming nothing) for anything else, which the general path
    /// then handles and reports. This is the loop a large CRM export spends its time in.
    @inline(__always)
    private mutating func fastTidyRecord(_ b: UnsafePointer<UInt8>, count: Int, from start: Int, state: inout FastPathState) -> Int? {
        // team
        var p = SegmentParser.skipPlain(b, start, count)
        guard p < count, b[p] == 44 else { return nil }
        let teamStart = start
        let teamLength = p - start
        if teamLength == 0 || teamLength > limits.maxFieldBytes { return nil }
        p += 1
        // period
        let periodStart = p
        var key: UInt64 = 0
        while p < count {
            let c = b[p]
            if c == 44 { break }
            if c == 34 || c == 10 || c == 13 || p - periodStart >= 8 { return nil }
            key = key << 8 | UInt64(c)
            p += 1
        }
        guard p < count else { return nil }
        let periodLength = p - periodStart
        p += 1
        // measure
        let measureStart = p
        p = SegmentParser.skipPlain(b, p, count)
        guard p < count, b[p] == 44 else { return nil }
        let measureLength = p - measureStart
        if measureLength == 0 || measureLength > limits.maxFieldBytes { return nil }
        p += 1
        // value, to the end of the line
        let valueStart = p
        while p < count {
            let c = b[p]
            if c == 10 || c == 13 { break }
            if c == 44 || c == 34 { return nil }
            p += 1
        }
        guard p < count else { return nil }
        let valueEnd = p
        if b[p] == 13 {
            guard p + 1 < count, b[p + 1] == 10 else { return nil }
            p += 1
        }
        p += 1
        if p - start > limits.maxRecordBytes { return nil }

        // Period: the previous one's bytes, else the full parse (which also checks the frequency).
        let period: Int32
        if lastPeriodBytes == (key, periodLength), let last = lastPeriod, last.frequency == frequency {
            period = Int32(truncatingIfNeeded: last.ordinal)
        } else {
            guard let parsed = Period.parse(UnsafeBufferPointer(start: b + periodStart, count: periodLength)),
                parsed.frequency == frequency
            else { return nil }
            lastPeriodBytes = (key, periodLength)
            lastPeriod = parsed
            period = Int32(truncatingIfNeeded: parsed.ordinal)
        }
        // Value.
        let v: Double
        let vp = b + valueStart
        let vn = valueEnd - valueStart
        switch vn {
        case 0: v = .nan
        case 2 where vp[0] == 78 && vp[1] == 65: v = .nan
        case 3 where vp[0] == 78 && vp[1] == 97 && vp[2] == 78: v = .nan
        case 4 where vp[0] == 110 && vp[1] == 117 && vp[2] == 108 && vp[3] == 108: v = .nan
        default:
            guard case .number(let x) = DecimalParser.parse(vp, vn) else { return nil }
            v = x
        }
        // Team: the previous one's bytes, else an interned (and, when new, validated) name.
        var team = state.teamIndex
        if teamLength != state.teamLength || memcmp(b + teamStart, b + state.teamStart, teamLength) != 0 {
            // A new name takes the general path, which validates and reports it.
            guard let index = teams.lookup(b + teamStart, teamLength) else { return nil }
            team = index
        }
        // Measure: the one after the previous, else interned.
        var measure = state.measureIndex + 1
        if measure >= measures.count || !measures.equal(measure, b + measureStart, measureLength) {
            measure = 0
            if measures.count == 0 || !measures.equal(0, b + measureStart, measureLength) {
                guard let index = measures.lookup(b + measureStart, measureLength) else { return nil }
                measure = index
            }
        }
        if period < minPeriod { minPeriod = period }
        if period > maxPeriod { maxPeriod = period }
        store(
            b, recordStart: start, at: start, team: team, measure: measure, period: period, value: v, line: UInt32(truncatingIfNeeded: line)
        )
        state.teamStart = teamStart
        state.teamLength = teamLength
        state.teamIndex = team
        state.measureIndex = measure
        return p
    }

    @inline(__always)
    private mutating func process(_ b: UnsafePointer<UInt8>, recordStart: Int) {
        let fields = scanner.fields
        // A blank line is skipped, as pandas does.
        if fields.count == 1 && fields[0].start == fields[0].end && !fields[0].quoted { return }
        let want = columns.fieldCount
        if fields.count != want {
            let at = fields.count > want ? fields[want].start : fields[fields.count - 1].end
            report(
                b, recordStart: recordStart, at: at,
                problem: "\(fields.count) field\(fields.count == 1 ? "" : "s")",
                expected: "\(want) fields as in the header (\(headerDescription)); quote names that hold commas")
            return
        }
        let recordLine = UInt32(truncatingIfNeeded: line)
        let teamField = fields[columns.team]
        guard let team = intern(b, field: teamField, recordStart: recordStart, isTeam: true, what: "team") else { return }
        guard let period = period(b, field: fields[columns.period], recordStart: recordStart) else { return }
        switch layout {
        case .tidy:
            guard let measure = intern(b, field: fields[columns.measure], recordStart: recordStart, isTeam: false, what: "measure")
            else { return }
            guard let v = value(b, field: fields[columns.value], recordStart: recordStart, index: columns.value) else { return }
            store(
                b, recordStart: recordStart, at: teamField.start, team: Int(team), measure: Int(measure), period: period, value: v,
                line: recordLine)
        case .wide(let names):
            for j in 0..<names.count {
                let k = columns.wide[j]
                guard let v = value(b, field: fields[k], recordStart: recordStart, index: k) else { continue }
                store(
                    b, recordStart: recordStart, at: teamField.start, team: Int(team), measure: j, period: period, value: v,
                    line: recordLine)
            }
        }
    }

    /// Puts a value in its cell, reporting a duplicate key or a panel past the cell limit.
    @inline(__always)
    private mutating func store(
        _ b: UnsafePointer<UInt8>, recordStart: Int, at offset: Int, team: Int, measure: Int, period: Int32, value: Double, line: UInt32
    ) {
        rowCount += 1
        if !cells.fits(team: team, measure: measure, period: period) {
            // Before growing, the panel this file needs so far (it can only grow): refused
            // here, a stray period or a flood of names costs no memory.
            let measureCount: Int
            switch layout {
            case .tidy: measureCount = measures.count
            case .wide(let names): measureCount = names.count
            }
            let lo = Swift.min(Int(minPeriod), Int(period))
            let hi = Swift.max(Int(maxPeriod), Int(period))
            let (a, o1) = teams.count.multipliedReportingOverflow(by: measureCount)
            let (extent, o2) = a.multipliedReportingOverflow(by: hi - lo + 1)
            var problem: String?
            if o1 || o2 || extent > limits.maxPanelCells
                || !cells.ensure(
                    team: team, measure: measure, period: period, measures: measureCount, periods: lo...hi)
            {
                let frequency = self.frequency ?? .month
                let span =
                    "\(teams.count) teams × \(measureCount) measures × \(hi - lo + 1) \(frequency.rawValue)s, "
                    + "\(Period(frequency: frequency, ordinal: lo)) to \(Period(frequency: frequency, ordinal: hi)), so far"
                problem =
                    cells.allocationFailed
                    ? "no memory left for the panel (\(span))"
                    : "the panel grows past the limit of \(limits.maxPanelCells) cells here (\(span))"
            }
            if let problem {
                report(
                    b, recordStart: recordStart, at: offset, problem: problem,
                    expected: cells.allocationFailed
                        ? "a smaller panel (cut the periods or teams, or check for a stray period far from the others)"
                        : "a smaller panel (raise the limit with --max-cells, or check for a stray period far from the others)")
                stopped = true
                return
            }
        }
        if let earlier = cells.set(team: team, measure: measure, period: period, value: value, line: line) {
            // Worded at the merge, when a second segment's relative line numbers are known.
            guard !isFull else { return }
            duplicates.append(
                Duplicate(team: team, measure: measure, period: period, firstLine: Int(earlier), line: Int(line), errorIndex: errors.count))
            errors.append(InputError(file: file, line: Int(line), column: 1, problem: "", expected: ""))
        }
    }

    private var headerDescription: String {
        switch layout {
        case .tidy: "team,period,measure,value"
        case .wide(let names): "team,period and \(names.count) measure\(names.count == 1 ? "" : "s")"
        }
    }

    /// The bytes of a field, with doubled quotes undone.
    @inline(__always)
    private static func withFieldBytes<R>(
        _ b: UnsafePointer<UInt8>, _ f: RecordScanner.Field, _ body: (UnsafePointer<UInt8>, Int) -> R
    ) -> R {
        if !f.hasEscapes { return body(b + f.start, f.end - f.start) }
        let bytes = unescaped(b, f)
        return bytes.withUnsafeBufferPointer { body($0.baseAddress ?? b, $0.count) }
    }

    @inline(__always)
    private mutating func intern(
        _ b: UnsafePointer<UInt8>, field f: RecordScanner.Field, recordStart: Int,
        isTeam: Bool, what: String
    ) -> Int32? {
        let n = f.end - f.start
        if n > limits.maxFieldBytes {
            report(
                b, recordStart: recordStart, at: f.start, problem: "a \(what) name of \(n) bytes",
                expected: "at most \(limits.maxFieldBytes) bytes (raise with --max-field-bytes)")
            return nil
        }
        let index: Int
        let problem: String?
        if f.hasEscapes {
            let bytes = SegmentParser.unescaped(b, f)
            (index, problem) = bytes.withUnsafeBufferPointer { internRaw($0.baseAddress!, $0.count, isTeam: isTeam, what: what) }
        } else {
            (index, problem) = internRaw(b + f.start, n, isTeam: isTeam, what: what)
        }
        if let problem {
            report(
                b, recordStart: recordStart, at: f.start - (f.quoted ? 1 : 0), problem: "\(problem) in the \(what) column",
                expected: "a non-empty \(what) name in UTF-8 text")
            return nil
        }
        return Int32(index)
    }

    @inline(__always)
    private mutating func internRaw(_ p: UnsafePointer<UInt8>?, _ len: Int, isTeam: Bool, what: String) -> (Int, String?) {
        guard let p, len > 0 else { return (0, "an empty \(what) name") }
        let (index, isNew) = isTeam ? teams.intern(p, len) : measures.intern(p, len)
        if isNew {
            if isTeam { teamLines.append(line) } else { measureLines.append(line) }
        }
        if isNew, let problem = SegmentParser.nameProblem(p, len) { return (index, problem) }
        return (index, nil)
    }

    static func unescaped(_ b: UnsafePointer<UInt8>, _ f: RecordScanner.Field) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(f.end - f.start)
        var i = f.start
        while i < f.end {
            out.append(b[i])
            i += b[i] == 34 ? 2 : 1
        }
        return out
    }

    /// Why bytes are not acceptable as a name: invalid UTF-8, NUL, or a byte-order mark
    /// (a BOM in the middle of a file means two files were pasted together).
    static func nameProblem(_ p: UnsafePointer<UInt8>, _ n: Int) -> String? {
        let buffer = UnsafeBufferPointer(start: p, count: n)
        if buffer.contains(0) { return "a NUL byte" }
        guard let s = String(validating: buffer, as: UTF8.self) else { return "bytes that are not valid UTF-8" }
        if s.unicodeScalars.contains("\u{FEFF}") { return "a byte-order mark (U+FEFF) inside the file" }
        return nil
    }

    @inline(__always)
    private mutating func period(_ b: UnsafePointer<UInt8>, field f: RecordScanner.Field, recordStart: Int) -> Int32? {
        let n = f.end - f.start
        var parsed: Period?
        if n <= 8 && !f.hasEscapes {
            var key: UInt64 = 0
            for k in 0..<n { key = key << 8 | UInt64(b[f.start + k]) }
            if lastPeriodBytes == (key, n), let last = lastPeriod {
                parsed = last
            } else {
                parsed = readPeriod(UnsafeBufferPointer(start: b + f.start, count: n))
                lastPeriodBytes = (key, n)
                lastPeriod = parsed
            }
        } else if n <= 40 {
            parsed = SegmentParser.withFieldBytes(b, f) { readPeriod(UnsafeBufferPointer(start: $0, count: $1)) }
        } else {
            periodProblem = .invalid
        }
        guard let period = parsed else {
            let text = SegmentParser.withFieldBytes(b, f) { SegmentParser.quote($0, Swift.min($1, 40)) }
            if let unfit = unfitPeriod, let target = options.frequency {
                report(
                    b, recordStart: recordStart, at: f.start,
                    problem:
                        "period \(text) is a \(unfit.frequency.rawValue), which does not fall into one \(target.rawValue) (--frequency "
                        + "\(target.rawValue))",
                    expected: "--frequency \(unfit.frequency.rawValue) or a coarser frequency the data's periods nest in")
            } else if periodProblem == .needsOrder {
                report(
                    b, recordStart: recordStart, at: f.start, problem: "date \(text) could be day/month or month/day",
                    expected: "--date-order dmy (31/01/2024) or --date-order mdy (01/31/2024), or data: {date_order: dmy} in scorecard.yml")
            } else {
                report(
                    b, recordStart: recordStart, at: f.start, problem: "period \(text) is not a period",
                    expected:
                        "a month 2024-01, quarter 2024-Q1, ISO week 2024-W05, year 2024 or day 2024-01-31, or a date such as 2024/01/31, "
                        + "31/01/2024 (with --date-order dmy) or Jan 2024"
                )
            }
            return nil
        }
        if let frequency {
            if period.frequency != frequency {
                report(
                    b, recordStart: recordStart, at: f.start,
                    problem:
                        "period \(period) is a \(period.frequency.rawValue), but line \(frequencyLine) has \(frequencyLabel), a "
                        + "\(frequency.rawValue)",
                    expected: "one frequency per dataset: every period a \(frequency.rawValue) such as \(frequency.example)")
                return nil
            }
        } else {
            frequency = period.frequency
            frequencyLine = line
            frequencyLabel = period.description
        }
        let o = Int32(truncatingIfNeeded: period.ordinal)
        if o < minPeriod { minPeriod = o }
        if o > maxPeriod { maxPeriod = o }
        return o
    }

    /// A period label or date, mapped into `--frequency` when one is given; nil (with the
    /// reason in `periodProblem`/`unfitPeriod`) when it is neither.
    private mutating func readPeriod(_ buffer: UnsafeBufferPointer<UInt8>) -> Period? {
        unfitPeriod = nil
        let reading =
            options.strictValues
            ? (Period.parse(buffer).map { .period($0) } ?? Period.parseDate(buffer, order: nil))
            : Period.parseDate(buffer, order: options.dateOrder)
        guard case .period(let p) = reading else {
            periodProblem = reading
            return nil
        }
        guard let target = options.frequency else { return p }
        guard let q = p.within(target) else {
            unfitPeriod = p
            return nil
        }
        return q
    }

    /// The cell's value: NaN for the missing tokens (empty, NA, NaN, null — exact), else a
    /// finite decimal number; nil after reporting anything else.
    @inline(__always)
    private mutating func value(_ b: UnsafePointer<UInt8>, field f: RecordScanner.Field, recordStart: Int, index: Int) -> Double? {
        let p = b + f.start
        let n = f.end - f.start
        switch n {
        case 0: return .nan
        case 2 where p[0] == 78 && p[1] == 65: return .nan  // NA
        case 3 where p[0] == 78 && p[1] == 97 && p[2] == 78: return .nan  // NaN
        case 4 where p[0] == 110 && p[1] == 117 && p[2] == 108 && p[3] == 108: return .nan  // null
        default: break
        }
        // With a decimal comma a point is a thousands separator (lenient) or refused, never the
        // decimal mark: `263.000` is 263000, which the strict parser would read as 263.
        let pointInText = options.comma && !typedNumbers && memchr(p, 46, n) != nil
        switch pointInText ? .invalid : DecimalParser.parse(p, n) {
        case .number(let v):
            return v
        case .overflow:
            report(
                b, recordStart: recordStart, at: f.start,
                problem: "value \(SegmentParser.quote(p, Swift.min(n, 40))) is not a finite number",
                expected: "a decimal number within ±1.8e308, or empty/NA/NaN/null for a missing value")
            return nil
        case .invalid:
            if !options.strictValues, let v = LenientNumber.parse(p, n, lenient: options.lenient, decimalComma: options.comma) {
                return v
            }
            let text = SegmentParser.quote(p, Swift.min(n, 40))
            invalidCounts[index] += 1
            if invalidFirst[index] == nil {
                let (l, c) = location(b, recordStart: recordStart, at: f.start)
                invalidFirst[index] = (l, c, text)
            }
            // A few cells of a column one by one; the rest in the column's summary.
            guard invalidReported[index] < SegmentParser.invalidShownPerColumn else { return nil }
            invalidReported[index] += 1
            let hint: String
            if !options.lenient, LenientNumber.parse(p, n, lenient: true, decimalComma: options.comma) != nil {
                hint = "; for numbers as exports write them (currency, thousands separators, %), use --lenient-numbers"
            } else if options.comma && memchr(p, 46, n) != nil {
                hint =
                    options.lenient
                    ? "; with --decimal-comma a point separates thousands, in groups of three (1.234,5)"
                    : "; a point is not the decimal mark with --decimal-comma (with --lenient-numbers it separates thousands: 1.234,5)"
            } else if !options.comma && (memchr(p, 44, n) != nil || (n > 0 && SegmentParser.looksLikeDecimalComma(p, n))) {
                hint =
                    options.lenient
                    ? "; --decimal-comma reads 1,5 as one and a half" : "; use a point as the decimal separator and no thousands separators"
            } else {
                hint = ""
            }
            let example =
                options.comma
                ? "a decimal number written with a decimal comma, such as -12, 3,5 or 1e-3" : "a decimal number such as -12, 3.5 or 1e-3"
            report(
                b, recordStart: recordStart, at: f.start,
                problem: "value \(text) is not a number\(options.lenient ? " even leniently" : "")",
                expected: "\(example), or empty/NA/NaN/null for a missing value\(hint)")
            return nil
        }
    }

    /// Cells of one column reported one by one before the column's summary takes over.
    static let invalidShownPerColumn = 1

    static func looksLikeDecimalComma(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        (0..<n).contains { p[$0] == 44 || p[$0] == 39 || p[$0] == 32 }
    }

    static func quote(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 32 || scalar == "\u{FEFF}" || scalar == "\u{FFFD}" {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: Errors

    private func countLineBreaks(_ b: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0
        for i in from..<to where b[i] == 10 { n += 1 }
        return n
    }

    /// The message for a line past `--max-line-bytes` (the same from the header, the block
    /// reader and the parser).
    static func longLineProblem(_ limits: ReadLimits) -> String { "a line longer than \(limits.maxRecordBytes) bytes" }
    static let longLineExpected = "shorter lines (raise the limit with --max-line-bytes)"

    /// Records a problem at byte `offset`, computing its physical line and its column in
    /// Unicode scalars (both 1-based).
    mutating func report(_ b: UnsafePointer<UInt8>, recordStart: Int, at offset: Int, problem: String, expected: String) {
        guard !isFull else { return }
        let (l, column) = location(b, recordStart: recordStart, at: offset)
        // The field: commas outside quotes before the offset (a database source names its column).
        var field = 0
        var quoted = false
        for i in recordStart..<offset {
            if b[i] == 34 { quoted.toggle() } else if b[i] == 44 && !quoted { field += 1 }
        }
        var error = InputError(.badData, file: file, line: l, column: column, problem: problem, expected: expected)
        error.field = field
        errors.append(error)
    }

    /// The physical line (absolute for a first segment) and column of byte `offset`.
    func location(_ b: UnsafePointer<UInt8>, recordStart: Int, at offset: Int) -> (Int, Int) {
        var lineStart = recordStart
        var extraLines = 0
        for i in recordStart..<offset where b[i] == 10 {
            extraLines += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<offset where b[i] & 0xC0 != 0x80 { column += 1 }
        return (line + extraLines, column)
    }
}

#if canImport(Glibc)
import Glibc
#endif
