import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Reads a measurements CSV — tidy (`team,period,measure,value`) or wide
/// (`team,period,<measure>,…`), told apart by the header — into a `Panel`.
///
/// The file is read in blocks with `pread` (never mapped whole, so resident memory follows
/// the panel, not the file), and a large file is split at a line break into two halves
/// parsed on both cores. The second half's parser assumes it starts at a record boundary;
/// the first half's parser, which starts at the true beginning, confirms it (it must end
/// outside any quoted field) — otherwise the file is parsed again on one core. Every problem
/// is collected (up to `ReadLimits.maxErrors`) and thrown together as `InputErrors`.
public enum MeasurementsReader {
    /// Files smaller than this are parsed on one core.
    static let parallelThreshold = 4 << 20
    /// The read buffer of each parser: 2 MiB reads cost no more than 8 MiB ones, and the
    /// buffers count against the reader's memory beside the panel.
    static let blockSize = 2 << 20

    /// What a read gives: the panel, the notes to show, and the rows read.
    public struct Result: Sendable {
        /// The dense panel of every value read.
        public let panel: Panel
        /// Things worth telling that are not errors (a column left out, dates read as months …).
        public var notes: [InputNote]
        /// Number of data rows (tidy) or cells (wide) read, missing ones included.
        public let rowCount: Int
    }

    /// - Throws: `InputErrors` (every problem found), or a single `InputError` when the file
    ///   cannot be opened (exit 66) or is empty.
    public static func read(
        path: String, limits: ReadLimits = ReadLimits(), threads: Int = 2, options: ReadOptions = ReadOptions()
    ) throws -> Result {
        if path == "-" { return try readStandardInput(limits: limits, options: options) }
        if let other = try readOtherSource(path, limits: limits, options: options) { return other }
        let (fd, size) = try openMeasurements(
            path, expected: "a readable CSV file; pass it with --data or a dataset folder holding measurements.csv")
        defer { close(fd) }
        return try read(source: FileSource(fd: fd), size: size, file: path, limits: limits, threads: threads, options: options)
    }

    /// Standard input (`-` as the data file): read whole into memory, since the reader needs
    /// the size and random access, then parsed on one core. The longest input it takes is
    /// bounded by what the panel may hold: `--max-cells` × 64 bytes of text.
    static func readStandardInput(limits: ReadLimits, options: ReadOptions) throws -> Result {
        var bytes: [UInt8] = []
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        let (cap, overflow) = limits.maxPanelCells.multipliedReportingOverflow(by: 64)
        let most = overflow ? Int.max : Swift.max(cap, limits.maxRecordBytes)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw InputError(
                    .missingInput, file: "<stdin>", problem: "cannot read standard input (\(reason))",
                    expected: "measurements CSV on standard input")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > most {
                throw InputErrors([
                    InputError(
                        .limit, file: "<stdin>", problem: "standard input holds more than \(most) bytes",
                        expected: "a smaller input, or save it to a file (the file is read in blocks)")
                ])
            }
        }
        return try bytes.withUnsafeBufferPointer { buf in
            try read(source: MemorySource(buffer: buf), size: buf.count, file: "<stdin>", limits: limits, threads: 1, options: options)
        }
    }

    /// Reads several files as one panel (`--data a.csv --data b.csv`): each file has its own
    /// header (tidy or wide), all must share one frequency, and a key in two files is a
    /// duplicate, reported with both files and lines.
    public static func read(
        paths: [String], limits: ReadLimits = ReadLimits(), threads: Int = 2, options: ReadOptions = ReadOptions()
    ) throws -> Result {
        if paths.count == 1 { return try read(path: paths[0], limits: limits, threads: threads, options: options) }
        var all: [SegmentParser] = []
        defer { for item in all { item.cells.deallocate() } }
        var errors: [InputError] = []
        var notes: [InputNote] = []
        // Each source's labels and how its problems found at the merge are located.
        var relocators: [String: @Sendable (InputError) -> InputError] = [:]
        var sheets: [SheetLines] = []
        for path in paths {
            if isOtherSource(path) {
                do {
                    let other = try otherSegment(path, limits: limits, options: options)
                    all.append(other.parser)
                    notes += other.notes
                    relocators[other.parser.file] = other.relocate
                    if let sheet = other.sheet { sheets.append(sheet) }
                } catch let e as InputErrors {
                    errors += e.errors
                }
                continue
            }
            let (fd, size) = try openMeasurements(path, expected: "a readable CSV file")
            defer { close(fd) }
            do {
                all += try segments(source: FileSource(fd: fd), size: size, file: path, limits: limits, threads: threads, options: options)
            } catch let e as InputErrors {
                errors += e.errors
            }
        }
        func located(_ error: InputError) -> InputError {
            var e = relocators[error.file].map { $0(error) } ?? error
            for sheet in sheets { e.problem = sheet.rewordedMentions(e.problem) }
            return e
        }
        // One frequency across files.
        if let first = all.first(where: { $0.frequency != nil }), let frequency = first.frequency {
            for s in all {
                guard let f = s.frequency, f != frequency else { continue }
                errors.append(
                    InputError(
                        file: s.file, line: s.frequencyLine, column: 1,
                        problem:
                            "period \(s.frequencyLabel) is a \(f.rawValue), but \(first.file) line \(first.frequencyLine) has "
                            + "\(first.frequencyLabel), a \(frequency.rawValue)",
                        expected: "one frequency in every file: every period a \(frequency.rawValue) such as \(frequency.example)"))
                break
            }
        }
        if !errors.isEmpty { throw InputErrors(Array(errors.prefix(limits.maxErrors)).map(located)) }
        do {
            var result = try merge(&all, file: paths[0], limits: limits, options: options)
            result.notes = notes + result.notes
            return result
        } catch let e as InputErrors {
            throw InputErrors(e.errors.map(located), measuresSeen: e.measuresSeen)
        }
    }

    /// Opens a measurements file without blocking (a FIFO is refused, not waited on) and
    /// records it as an input. A folder, pipe or device (`<(…)`, /dev/stdin) is refused:
    /// its size says nothing and the reader needs random access.
    static func openMeasurements(_ path: String, expected: String) throws -> (fd: Int32, size: Int) {
        switch InputFiles.openRegular(path) {
        case .success(let opened):
            return opened
        case .failure(.cannotOpen(let code)):
            throw InputError(
                .missingInput, file: path, problem: "cannot open the measurements file (\(String(cString: strerror(code))))",
                expected: expected)
        case .failure(.folder), .failure(.notRegular):
            throw InputError(
                .missingInput, file: path, problem: "not a regular file",
                expected: "a CSV file of measurements (save a stream to a file first)")
        }
    }

    /// Parses CSV text held in memory (tests, small inputs).
    public static func read(
        text: String, file: String = "<memory>", limits: ReadLimits = ReadLimits(), options: ReadOptions = ReadOptions()
    ) throws -> Result {
        let bytes = Array(text.utf8)
        return try read(bytes: bytes, file: file, limits: limits, options: options)
    }

    /// `threads: 2` takes the two-core path for 4 MiB and more, as a file would (fuzz-csv compares them).
    public static func read(
        bytes: [UInt8], file: String, limits: ReadLimits = ReadLimits(), threads: Int = 1,
        options: ReadOptions = ReadOptions()
    ) throws -> Result {
        try bytes.withUnsafeBufferPointer { buf in
            let source = MemorySource(buffer: buf)
            return try read(source: source, size: buf.count, file: file, limits: limits, threads: threads, options: options)
        }
    }

    // MARK: - Driver

    static func read(
        source: some ByteSource, size: Int, file: String, limits: ReadLimits, threads: Int, options: ReadOptions = ReadOptions()
    ) throws -> Result {
        var parsed = try segments(source: source, size: size, file: file, limits: limits, threads: threads, options: options)
        defer { for item in parsed { item.cells.deallocate() } }
        return try merge(&parsed, file: file, limits: limits, options: options)
    }

    /// The file parsed into one or two segments, line numbers made absolute and duplicates
    /// inside each worded; the caller merges them and deallocates their cells.
    static func segments(
        source: some ByteSource, size: Int, file: String, limits: ReadLimits, threads: Int, options: ReadOptions = ReadOptions()
    ) throws -> [SegmentParser] {
        // Header: the first record, after an optional UTF-8 BOM.
        // The limit plus a BOM, saturating: --max-line-bytes may be Int.max.
        let headBytes = try source.bytes(at: 0, count: size - 3 < limits.maxRecordBytes ? size : limits.maxRecordBytes + 3, file: file)
        if headBytes.isEmpty || headBytes.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) {
            throw InputErrors([
                InputError(
                    file: file, line: 1, column: 1, problem: "the file is empty",
                    expected: "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)")
            ])
        }
        // UTF-16 (a spreadsheet's "Unicode text"): say so, rather than showing its header's NULs.
        if headBytes.count >= 2 && ((headBytes[0] == 0xFF && headBytes[1] == 0xFE) || (headBytes[0] == 0xFE && headBytes[1] == 0xFF)) {
            throw InputErrors([
                InputError(
                    file: file, line: 1, column: 1,
                    problem: "the file is UTF-16 text (it starts with the byte-order mark \(headBytes[0] == 0xFF ? "FF FE" : "FE FF"))",
                    expected: "UTF-8 text (save the file as \"CSV UTF-8\")")
            ])
        }
        let bom = headBytes.count >= 3 && headBytes[0] == 0xEF && headBytes[1] == 0xBB && headBytes[2] == 0xBF ? 3 : 0
        let (layout, columns, headerEnd) = try parseHeader(
            Array(headBytes[bom...]), file: file, final: headBytes.count == size, limits: limits, options: options)
        let dataStart = bom + headerEnd
        let headerLines = 2  // data starts on line 2 (a header with quoted line breaks is refused)

        let dataSize = size - dataStart
        if threads > 1 && dataSize >= parallelThreshold,
            let split = try findSplit(source, from: dataStart + dataSize / 2, size: size, file: file)
        {
            var parsers = [
                SegmentParser(file: file, layout: layout, limits: limits, firstLine: headerLines, columns: columns, options: options),
                SegmentParser(file: file, layout: layout, limits: limits, firstLine: 1, columns: columns, options: options),
            ]
            let ranges = [(dataStart, split), (split, size)]
            var failures: [Error?] = [nil, nil]
            parsers.withUnsafeMutableBufferPointer { ps in
                failures.withUnsafeMutableBufferPointer { f in
                    nonisolated(unsafe) let ps = ps
                    nonisolated(unsafe) let f = f
                    DispatchQueue.concurrentPerform(iterations: 2) { i in
                        do { try run(&ps[i], source: source, range: ranges[i], file: file, limits: limits) } catch { f[i] = error }
                    }
                }
            }
            if let e = failures.compactMap({ $0 }).first {
                for item in parsers { item.cells.deallocate() }
                throw e
            }
            // The split is right if the first half ended cleanly at it and both halves agree on
            // the frequency; otherwise parse the whole file on one core.
            let first = parsers[0]
            let second = parsers[1]
            if !first.endedInsideQuote && !first.stopped && !second.stopped
                && (first.frequency == nil || second.frequency == nil || first.frequency == second.frequency)
                && panelFits(parsers, limits: limits)
            {
                let offset = first.line - 1
                parsers[0].wordDuplicates(lineOffset: 0)
                for i in parsers[1].errors.indices { parsers[1].errors[i].line? += offset }
                for i in parsers[1].invalidFirst.indices { parsers[1].invalidFirst[i]?.line += offset }
                parsers[1].wordDuplicates(lineOffset: offset)
                parsers[1].line += offset
                parsers[1].lineOffset = offset
                parsers[1].frequencyLine += offset
                return parsers
            }
            for item in parsers { item.cells.deallocate() }
        }
        var only = SegmentParser(file: file, layout: layout, limits: limits, firstLine: headerLines, columns: columns, options: options)
        do {
            try run(&only, source: source, range: (dataStart, size), file: file, limits: limits)
        } catch {
            only.cells.deallocate()
            throw error
        }
        only.wordDuplicates(lineOffset: 0)
        return [only]
    }

    /// Whether the halves' panel together (their names' union × the periods of both) stays inside
    /// `--max-cells`. Past it a one-core read stops where its panel passes the limit, and what it
    /// counted up to there (values that are not numbers, per column) is the answer; two halves
    /// each inside the limit would have counted on.
    static func panelFits(_ segments: [SegmentParser], limits: ReadLimits) -> Bool {
        var teams = NameTable()
        var measures = NameTable()
        for s in segments {
            for i in 0..<s.teams.count { _ = s.teams.bytes(i).withUnsafeBufferPointer { teams.intern($0.baseAddress!, $0.count) } }
            for i in 0..<s.measures.count {
                _ = s.measures.bytes(i).withUnsafeBufferPointer { measures.intern($0.baseAddress!, $0.count) }
            }
        }
        let withPeriods = segments.filter { $0.minPeriod <= $0.maxPeriod }
        guard let lo = withPeriods.map(\.minPeriod).min(), let hi = withPeriods.map(\.maxPeriod).max() else { return true }
        let measureCount: Int
        switch segments[0].layout {
        case .tidy: measureCount = measures.count
        case .wide(let names): measureCount = names.count
        }
        let (a, o1) = teams.count.multipliedReportingOverflow(by: measureCount)
        let (extent, o2) = a.multipliedReportingOverflow(by: Int(hi) - Int(lo) + 1)
        return !o1 && !o2 && extent <= limits.maxPanelCells
    }

    /// Feeds a byte range to a parser block by block (see `feed`).
    static func run(_ parser: inout SegmentParser, source: some ByteSource, range: (Int, Int), file: String, limits: ReadLimits) throws {
        var stream = RangeStream(source: source, position: range.0, end: range.1, file: file)
        try feed(&parser, stream: &stream, limits: limits, sizeHint: range.1 - range.0)
    }

    /// The start of the line after `offset`, or nil when none is near.
    static func findSplit(_ source: some ByteSource, from offset: Int, size: Int, file: String) throws -> Int? {
        let probe = try source.bytes(at: offset, count: Swift.min(1 << 16, size - offset), file: file)
        guard let nl = probe.firstIndex(of: 10) else { return nil }
        return offset + nl + 1
    }

    static func parseHeader(
        _ bytes: [UInt8], file: String, final: Bool, limits: ReadLimits, options: ReadOptions = ReadOptions()
    ) throws -> (MeasurementLayout, ColumnMap, Int) {
        var scanner = RecordScanner()
        // Not final when the file goes on past the bytes read: a header that does not end within
        // them is longer than the line limit (read as final, it would be cut and misread).
        let outcome = bytes.withUnsafeBufferPointer { scanner.scan($0.baseAddress!, count: $0.count, from: 0, final: final) }
        let expectedHeader = "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)"
        if case .needMore = outcome {
            throw InputErrors([
                InputError(
                    .limit, file: file, line: 1, column: 1, problem: SegmentParser.longLineProblem(limits),
                    expected: SegmentParser.longLineExpected)
            ])
        }
        guard case .record(let next) = outcome else {
            throw InputErrors([
                InputError(file: file, line: 1, column: 1, problem: "the header row cannot be read as CSV", expected: expectedHeader)
            ])
        }
        if scanner.lineBreaks > 1 {
            throw InputErrors([
                InputError(file: file, line: 1, column: 1, problem: "a line break inside a header name", expected: expectedHeader)
            ])
        }
        var names: [[UInt8]] = []
        var columns: [Int] = []
        for f in scanner.fields {
            var out: [UInt8] = []
            var i = f.start
            while i < f.end {
                out.append(bytes[i])
                i += f.hasEscapes && bytes[i] == 34 ? 2 : 1
            }
            names.append(out)
            columns.append(String(decoding: bytes[0..<f.start], as: UTF8.self).unicodeScalars.count + (f.quoted ? 0 : 1))
        }
        return try mapColumns(names, columns: columns, next: next, file: file, options: options)
    }

    /// Finds the team, period (and measure and value) columns by name: exactly, else
    /// case-insensitively after trimming blanks when only one column matches. An unnamed
    /// first column (R's `write.csv` row names) is left out. Wide files: every other column
    /// is a measure.
    static func mapColumns(
        _ names: [[UInt8]], columns: [Int], next: Int, file: String, options: ReadOptions
    ) throws -> (MeasurementLayout, ColumnMap, Int) {
        let expectedHeader = "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)"
        let texts = names.map { String(decoding: $0, as: UTF8.self) }
        func folded(_ t: String) -> String {
            var s = Substring(t.lowercased())
            while s.first == " " || s.first == "\t" { s.removeFirst() }
            while s.last == " " || s.last == "\t" { s.removeLast() }
            return String(s)
        }
        let ignoreFirst = names.count >= 3 && names[0].isEmpty && options.teamColumn != "" && options.periodColumn != ""
        let usable = Array((ignoreFirst ? 1 : 0)..<names.count)
        // nil when absent; throws when ambiguous.
        func find(_ wanted: String, flag: String?) throws -> Int? {
            let exact = usable.filter { texts[$0] == wanted }
            let loose = exact.isEmpty ? usable.filter { folded(texts[$0]) == folded(wanted) } : exact
            if loose.count > 1 {
                let listed = loose.map { "column \(columns[$0]) \"\(texts[$0])\"" }.joined(separator: ", ")
                throw InputErrors([
                    InputError(
                        file: file, line: 1, column: columns[loose[1]],
                        problem: "\(flag.map { "\($0) " } ?? "")\"\(wanted)\" matches \(loose.count) header names (\(listed))",
                        expected: "one column of that name; rename one, or name it exactly\(flag == nil ? " with --\(wanted)-column" : "")")
                ])
            }
            return loose.first
        }
        func required(_ wanted: String?, _ fallback: String, flag: String) throws -> Int {
            guard let wanted else {
                if let i = try find(fallback, flag: nil) { return i }
                let found = texts.prefix(8).joined(separator: ",")
                if options.teamColumn == nil && options.periodColumn == nil && options.measureColumn == nil && options.valueColumn == nil {
                    throw InputErrors([
                        InputError(
                            file: file, line: 1, column: 1,
                            problem: "header \"\(texts.prefix(4).joined(separator: ","))\" is not a measurements header",
                            expected: expectedHeader
                                + "; or name the columns with --team-column, --period-column (and --measure-column, --value-column)")
                    ])
                }
                throw InputErrors([
                    InputError(
                        file: file, line: 1, column: 1, problem: "no \(fallback) column in the header \"\(found)\"",
                        expected: "a column named \(fallback), or \(flag) NAME")
                ])
            }
            if let i = try find(wanted, flag: flag) { return i }
            let found = texts.prefix(8).joined(separator: ",")
            throw InputErrors([
                InputError(
                    file: file, line: 1, column: 1,
                    problem: "\(flag) \"\(wanted)\" is not a column of the header \"\(found)\(texts.count > 8 ? ",…" : "")\"",
                    expected:
                        "a header name (compared case-insensitively, blanks around it ignored)\(Dataset.suggestion(wanted, among: texts))")
            ])
        }
        if names.count < 3 && options.teamColumn == nil && options.periodColumn == nil {
            let found = texts.prefix(4).joined(separator: ",")
            throw InputErrors([
                InputError(
                    file: file, line: 1, column: 1, problem: "header \"\(found)\" is not a measurements header", expected: expectedHeader)
            ])
        }
        var map = ColumnMap()
        map.fieldCount = names.count
        map.headers = texts
        map.headerColumns = columns
        map.ignoredRowNames = ignoreFirst
        // The documented layout, team,period,… by position (names compared case-insensitively),
        // comes first: so `Team,PERIOD,period` keeps a wide measure named `period`, as before
        // columns could be named. Otherwise the columns are found by name.
        let positional =
            options.teamColumn == nil && options.periodColumn == nil && usable.count >= 3
            && folded(texts[usable[0]]) == "team" && folded(texts[usable[1]]) == "period"
        map.team = positional ? usable[0] : try required(options.teamColumn, "team", flag: "--team-column")
        map.period = positional ? usable[1] : try required(options.periodColumn, "period", flag: "--period-column")
        if map.team == map.period {
            throw InputErrors([
                InputError(
                    .usage, file: file, line: 1, column: columns[map.team],
                    problem: "the team and period columns are the same column \"\(texts[map.team])\"", expected: "two different columns")
            ])
        }
        let others = usable.filter { $0 != map.team && $0 != map.period }
        let explicitTidy = options.measureColumn != nil || options.valueColumn != nil
        if explicitTidy || others.count == 2 {
            let m = explicitTidy ? try required(options.measureColumn, "measure", flag: "--measure-column") : try find("measure", flag: nil)
            let v = explicitTidy ? try required(options.valueColumn, "value", flag: "--value-column") : try find("value", flag: nil)
            if let m, let v, m != v, m != map.team, m != map.period, v != map.team, v != map.period {
                map.measure = m
                map.value = v
                return (.tidy, map, next)
            }
            if explicitTidy {
                throw InputErrors([
                    InputError(
                        .usage, file: file, line: 1, column: 1,
                        problem: "the measure and value columns must differ from each other and from the team and period columns",
                        expected: "four different columns")
                ])
            }
        }
        var errors: [InputError] = []
        var seen: [[UInt8]: Int] = [:]
        for j in others {
            let name = names[j]
            let text = texts[j]
            if name.isEmpty {
                errors.append(
                    InputError(
                        file: file, line: 1, column: columns[j], problem: "an empty measure name in the header",
                        expected: "a name for every measure column"))
            } else if let problem = name.withUnsafeBufferPointer({ SegmentParser.nameProblem($0.baseAddress!, $0.count) }) {
                errors.append(
                    InputError(
                        file: file, line: 1, column: columns[j], problem: "\(problem) in a measure name",
                        expected: "measure names in UTF-8 text"))
            } else if let first = seen[name] {
                errors.append(
                    InputError(
                        file: file, line: 1, column: columns[j],
                        problem: "measure \"\(text)\" appears twice in the header (also column \(first + 1))", expected: "each measure once"
                    ))
            }
            seen[name] = seen[name] ?? j
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        map.wide = others
        return (.wide(others.map { names[$0] }), map, next)
    }

    // MARK: - Merge into the panel

    /// Names (teams or measures) that are another spelling of an earlier one — the same text
    /// in another Unicode normalisation form (`NameSpelling`) — each at the line where it first appears.
    static func spellingConflicts(
        _ segments: [SegmentParser], table: NameTable, maps: [[Int]], lines: KeyPath<SegmentParser, [Int]>,
        what: String
    ) -> [InputError] {
        let names = (0..<table.count).map { table.name($0) }
        let found = NameSpelling.conflicts(names)
        if found.isEmpty { return [] }
        // Where each global name was first seen: its segment's file and absolute line.
        var place = [(file: String, line: Int)?](repeating: nil, count: table.count)
        for (si, s) in segments.enumerated() {
            let firstLines = s[keyPath: lines]
            for (local, global) in maps[si].enumerated() where place[global] == nil {
                place[global] = (s.file, (local < firstLines.count ? firstLines[local] : 1) + s.lineOffset)
            }
        }
        return found.map { later, earlier in
            let here = place[later] ?? (segments[0].file, 1)
            let there = place[earlier] ?? here
            let at = there.file == here.file ? "line \(there.line)" : "\(there.file) line \(there.line)"
            return InputError(
                file: here.file, line: here.line,
                problem:
                    "\(what) \(NameSpelling.spelt(names[later])) is \(what) \(NameSpelling.spelt(names[earlier])) of \(at) in another "
                    + "Unicode normalisation form",
                expected: NameSpelling.expected)
        }
    }

    static func merge(
        _ segments: inout [SegmentParser], file: String, limits: ReadLimits, options: ReadOptions = ReadOptions()
    ) throws -> Result {
        var errors = segments.flatMap(\.errors)
        let summaries = invalidSummaries(segments, options: options)
        // Global names in first-seen order, then sorted bytewise.
        var teamTable = NameTable()
        var measureTable = NameTable()
        var teamMaps: [[Int]] = []
        var measureMaps: [[Int]] = []
        for s in segments {
            teamMaps.append(
                (0..<s.teams.count).map { i in
                    s.teams.bytes(i).withUnsafeBufferPointer { teamTable.intern($0.baseAddress!, $0.count).index }
                })
            measureMaps.append(
                (0..<s.measures.count).map { i in
                    s.measures.bytes(i).withUnsafeBufferPointer { measureTable.intern($0.baseAddress!, $0.count).index }
                })
        }
        let rowCount = segments.reduce(0) { $0 + $1.rowCount }
        let withPeriods = segments.filter { $0.minPeriod <= $0.maxPeriod }
        guard let frequency = segments.compactMap(\.frequency).first, !withPeriods.isEmpty else {
            if errors.isEmpty && summaries.isEmpty {
                errors.append(
                    InputError(
                        file: file, line: 2, column: 1, problem: "no data rows after the header",
                        expected: "at least one row of measurements"))
            }
            throw InputErrors(Array(errors.prefix(limits.maxErrors)) + summaries)
        }
        if !errors.isEmpty || !summaries.isEmpty {
            throw InputErrors(
                Array(errors.prefix(limits.maxErrors)) + summaries, measuresSeen: (0..<measureTable.count).map { measureTable.name($0) })
        }
        errors += spellingConflicts(segments, table: teamTable, maps: teamMaps, lines: \.teamLines, what: "team")
        errors += spellingConflicts(segments, table: measureTable, maps: measureMaps, lines: \.measureLines, what: "measure")
        if !errors.isEmpty { throw InputErrors(Array(errors.prefix(limits.maxErrors))) }
        let minPeriod = withPeriods.map(\.minPeriod).min()!
        let maxPeriod = withPeriods.map(\.maxPeriod).max()!
        let teamOrder = (0..<teamTable.count).sorted { teamTable.bytes($0).lexicographicallyPrecedes(teamTable.bytes($1)) }
        let measureOrder = (0..<measureTable.count).sorted { measureTable.bytes($0).lexicographicallyPrecedes(measureTable.bytes($1)) }
        var teamRank = [Int](repeating: 0, count: teamOrder.count)
        for (r, i) in teamOrder.enumerated() { teamRank[i] = r }
        var measureRank = [Int](repeating: 0, count: measureOrder.count)
        for (r, i) in measureOrder.enumerated() { measureRank[i] = r }

        let teams = teamOrder.count
        let measures = measureOrder.count
        let periods = Int(maxPeriod) - Int(minPeriod) + 1
        let (cells, overflow) = teams.multipliedReportingOverflow(by: measures)
        let (total, overflow2) = cells.multipliedReportingOverflow(by: periods)
        if overflow || overflow2 || total > limits.maxPanelCells {
            let first = Period(frequency: frequency, ordinal: Int(minPeriod))
            let last = Period(frequency: frequency, ordinal: Int(maxPeriod))
            throw InputErrors([
                InputError(
                    .limit, file: file,
                    problem:
                        "the panel would have \(teams) teams × \(measures) measures × \(periods) periods (\(first) to \(last)) = "
                        + "\(overflow || overflow2 ? "more than 2^63" : String(total)) cells",
                    expected: "at most \(limits.maxPanelCells) cells (raise with --max-cells, or cut the periods with --from/--to)")
            ])
        }
        // Chunk by chunk into the panel, each freed once copied.
        let filled = PanelFill(
            teamRank: teamRank, measureRank: measureRank, teamMaps: teamMaps, measureMaps: measureMaps, teamNames: teamTable,
            measureNames: measureTable, frequency: frequency, minPeriod: minPeriod, measures: measures, periods: periods,
            markUsed: frequency == .day && options.frequency == nil
        ).fill(&segments)
        // A key in both halves of the file is a duplicate too; reported in file order.
        if !filled.duplicates.isEmpty {
            throw InputErrors(
                Array(filled.duplicates.prefix(limits.maxErrors)), measuresSeen: (0..<measureTable.count).map { measureTable.name($0) })
        }
        let values = filled.values
        var panel = Panel(
            teams: teamOrder.map { teamTable.name($0) }, measures: measureOrder.map { measureTable.name($0) },
            frequency: frequency, firstPeriod: Period(frequency: frequency, ordinal: Int(minPeriod)),
            periodCount: periods, values: values)
        var notes: [InputNote] = []
        if segments.contains(where: { $0.columns.ignoredRowNames }) {
            notes.append(
                InputNote(file: file, message: "the first column has no name (row numbers, as R's write.csv writes them): left out"))
        }
        if frequency == .day && options.frequency == nil,
            let (coarser, note) = detectFrequency(used: filled.used, minPeriod: minPeriod)
        {
            panel = panel.regrouped(into: coarser)
            notes.append(InputNote(file: file, message: note))
        }
        return Result(panel: panel, notes: notes, rowCount: rowCount)
    }

    /// Per column, the true count of values that are not numbers, when some were not reported
    /// one by one or when they look like exported numbers (`--lenient-numbers` reads them).
    static func invalidSummaries(_ segments: [SegmentParser], options: ReadOptions) -> [InputError] {
        // Per file: several `--data` files each have their own columns (the halves of one file share them).
        var files: [String] = []
        for s in segments where !files.contains(s.file) { files.append(s.file) }
        return files.flatMap { file in invalidSummaries(ofOneFile: segments.filter { $0.file == file }, options: options) }
    }

    static func invalidSummaries(ofOneFile segments: [SegmentParser], options: ReadOptions) -> [InputError] {
        guard let first = segments.first else { return [] }
        var out: [InputError] = []
        for k in 0..<first.columns.fieldCount {
            let count = segments.reduce(0) { $0 + $1.invalidCounts[k] }
            let shown = segments.reduce(0) { $0 + $1.invalidReported[k] }
            guard count > 0, let example = segments.lazy.compactMap({ $0.invalidFirst[k] }).first else { continue }
            let bytes = Array(example.text.dropFirst().dropLast().utf8)
            let exported =
                !options.lenient
                && bytes.withUnsafeBufferPointer {
                    LenientNumber.parse($0.baseAddress!, $0.count, lenient: true, decimalComma: options.comma)
                } != nil
            guard count > shown || (exported && count > 1) else { continue }
            let column = first.columns.headers[k]
            out.append(
                InputError(
                    file: first.file, line: 1, column: first.columns.headerColumns[k],
                    problem:
                        "column \"\(column)\": \(count) value\(count == 1 ? " is" : "s are") not "
                        + "\(options.lenient ? "numbers even leniently" : exported ? "plain numbers" : "numbers"), like \(example.text) "
                        + "(line \(example.line))",
                    expected: exported
                        ? "plain decimal numbers; for numbers as exports write them (currency, thousands separators, %), use "
                            + "--lenient-numbers (or data: {numbers: lenient} in scorecard.yml)"
                        : "decimal numbers, or empty/NA/NaN/null for missing values"))
        }
        return out
    }

    /// Dates with at most one in each month (or quarter, or year, all in the same month of
    /// it) are monthly (quarterly, yearly) data: month-end exports would otherwise be
    /// hundreds of mostly empty days. Needs at least three dates; `--frequency` decides instead.
    static func detectFrequency(used: [Bool], minPeriod: Int32) -> (Frequency, String)? {
        let days = used.indices.filter { used[$0] }.map { Period(frequency: .day, ordinal: Int(minPeriod) + $0) }
        guard days.count >= 3 else { return nil }
        let months = days.map { $0.within(.month)!.ordinal }
        guard Set(months).count == days.count else { return nil }
        let monthsOfYear = Set(months.map { Period.floorDivMod($0, 12).1 })
        let monthsOfQuarter = Set(months.map { Period.floorDivMod($0, 3).1 })
        let monthEnds = days.allSatisfy { $0.advanced(by: 1).within(.month) != $0.within(.month) }
        let kind = monthEnds ? "month-end dates" : "dates"
        if monthsOfYear.count == 1 {
            return (
                .year,
                "\(kind) read as years: \(days.count) dates, at most one a year, all in one month (\(days[0]) → "
                    + "\(days[0].within(.year)!)); pass --frequency to choose"
            )
        }
        if monthsOfQuarter.count == 1 && Set(days.map { $0.within(.quarter)! }).count == days.count {
            return (
                .quarter,
                "\(kind) read as quarters: \(days.count) dates, at most one a quarter (\(days[0]) → \(days[0].within(.quarter)!)); pass "
                    + "--frequency to choose"
            )
        }
        return (
            .month,
            "\(kind) read as months: \(days.count) dates, at most one a month (\(days[0]) → \(days[0].within(.month)!)); pass "
                + "--frequency to choose"
        )
    }
}

// MARK: - Byte sources

protocol ByteSource: Sendable {
    func read(into buffer: UnsafeMutablePointer<UInt8>, at offset: Int, count: Int, file: String) throws
}

extension ByteSource {
    func bytes(at offset: Int, count: Int, file: String) throws -> [UInt8] {
        if count <= 0 { return [] }
        return try [UInt8](unsafeUninitializedCapacity: count) { buf, n in
            try read(into: buf.baseAddress!, at: offset, count: count, file: file)
            n = count
        }
    }
}

struct FileSource: ByteSource {
    let fd: Int32
    func read(into buffer: UnsafeMutablePointer<UInt8>, at offset: Int, count: Int, file: String) throws {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw InputError(.missingInput, file: file, problem: "cannot read the file (\(reason))", expected: "a readable file")
            }
            if n == 0 {
                throw InputError(file: file, problem: "the file shrank while being read", expected: "a file that is not being written to")
            }
            done += n
        }
    }
}

struct MemorySource: ByteSource, @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    func read(into out: UnsafeMutablePointer<UInt8>, at offset: Int, count: Int, file: String) throws {
        out.update(from: buffer.baseAddress! + offset, count: count)
    }
}
