#if canImport(Glibc)
import Glibc
#endif
import Dispatch

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
    static let blockSize = 8 << 20

    public struct Result: Sendable {
        public var panel: Panel
        public var notes: [InputNote]
        /// Number of data rows (tidy) or cells (wide) read, missing ones included.
        public var rowCount: Int
    }

    /// - Throws: `InputErrors` (every problem found), or a single `InputError` when the file
    ///   cannot be opened (exit 66) or is empty.
    public static func read(path: String, limits: ReadLimits = ReadLimits(), threads: Int = 2) throws -> Result {
        if let other = try readOtherSource(path, limits: limits) { return other }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw InputError(.missingInput, file: path, problem: "cannot open the measurements file (\(reason))",
                             expected: "a readable CSV file; pass it with --data or a dataset folder holding measurements.csv")
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) != S_IFREG {
            // A folder, or a pipe or device (`<(…)`, /dev/stdin), whose size says nothing.
            throw InputError(.missingInput, file: path, problem: "not a regular file",
                             expected: "a CSV file of measurements (save a stream to a file first)")
        }
        let size = Int(st.st_size)
        return try read(fd: fd, size: size, file: path, limits: limits, threads: threads)
    }

    /// Reads several files as one panel (`--data a.csv --data b.csv`): each file has its own
    /// header (tidy or wide), all must share one frequency, and a key in two files is a
    /// duplicate, reported with both files and lines.
    public static func read(paths: [String], limits: ReadLimits = ReadLimits(), threads: Int = 2) throws -> Result {
        if paths.count == 1 { return try read(path: paths[0], limits: limits, threads: threads) }
        var all: [SegmentParser] = []
        defer { all.forEach { $0.cells.deallocate() } }
        var errors: [InputError] = []
        for path in paths {
            if isOtherSource(path) {
                do { all.append(try otherSegment(path, limits: limits)) } catch let e as InputErrors { errors += e.errors }
                continue
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                let reason = String(cString: strerror(errno))
                throw InputError(.missingInput, file: path, problem: "cannot open the measurements file (\(reason))",
                                 expected: "a readable CSV file")
            }
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) != S_IFREG {
                throw InputError(.missingInput, file: path, problem: "not a regular file",
                                 expected: "a CSV file of measurements (save a stream to a file first)")
            }
            do {
                all += try segments(source: FileSource(fd: fd), size: Int(st.st_size), file: path, limits: limits, threads: threads)
            } catch let e as InputErrors {
                errors += e.errors
            }
        }
        // One frequency across files.
        if let first = all.first(where: { $0.frequency != nil }), let frequency = first.frequency {
            for s in all {
                guard let f = s.frequency, f != frequency else { continue }
                errors.append(InputError(file: s.file, line: s.frequencyLine, column: 1,
                    problem: "period \(s.frequencyLabel) is a \(f.rawValue), but \(first.file) line \(first.frequencyLine) has \(first.frequencyLabel), a \(frequency.rawValue)",
                    expected: "one frequency in every file: every period a \(frequency.rawValue) such as \(frequency.example)"))
                break
            }
        }
        if !errors.isEmpty { throw InputErrors(Array(errors.prefix(limits.maxErrors))) }
        return try merge(all, file: paths[0], limits: limits)
    }

    /// Parses CSV text held in memory (tests, small inputs).
    public static func read(text: String, file: String = "<memory>", limits: ReadLimits = ReadLimits()) throws -> Result {
        let bytes = Array(text.utf8)
        return try read(bytes: bytes, file: file, limits: limits)
    }

    public static func read(bytes: [UInt8], file: String, limits: ReadLimits = ReadLimits()) throws -> Result {
        try bytes.withUnsafeBufferPointer { buf in
            let source = MemorySource(buffer: buf)
            return try read(source: source, size: buf.count, file: file, limits: limits, threads: 1)
        }
    }

    static func read(fd: Int32, size: Int, file: String, limits: ReadLimits, threads: Int) throws -> Result {
        try read(source: FileSource(fd: fd), size: size, file: file, limits: limits, threads: threads)
    }

    // MARK: - Driver

    static func read(source: some ByteSource, size: Int, file: String, limits: ReadLimits, threads: Int) throws -> Result {
        let parsed = try segments(source: source, size: size, file: file, limits: limits, threads: threads)
        defer { parsed.forEach { $0.cells.deallocate() } }
        return try merge(parsed, file: file, limits: limits)
    }

    /// The file parsed into one or two segments, line numbers made absolute and duplicates
    /// inside each worded; the caller merges them and deallocates their cells.
    static func segments(source: some ByteSource, size: Int, file: String, limits: ReadLimits, threads: Int) throws -> [SegmentParser] {
        // Header: the first record, after an optional UTF-8 BOM.
        // The limit plus a BOM, saturating: --max-line-bytes may be Int.max.
        let headBytes = try source.bytes(at: 0, count: size - 3 < limits.maxRecordBytes ? size : limits.maxRecordBytes + 3, file: file)
        if headBytes.isEmpty || headBytes.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) {
            throw InputErrors([InputError(file: file, line: 1, column: 1, problem: "the file is empty",
                                          expected: "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)")])
        }
        let bom = headBytes.count >= 3 && headBytes[0] == 0xEF && headBytes[1] == 0xBB && headBytes[2] == 0xBF ? 3 : 0
        let (layout, headerEnd) = try parseHeader(Array(headBytes[bom...]), file: file, final: headBytes.count == size, limits: limits)
        let dataStart = bom + headerEnd
        let headerLines = 2  // data starts on line 2 (a header with quoted line breaks is refused)

        let dataSize = size - dataStart
        if threads > 1 && dataSize >= parallelThreshold, let split = try findSplit(source, from: dataStart + dataSize / 2, size: size, file: file) {
            var parsers = [SegmentParser(file: file, layout: layout, limits: limits, firstLine: headerLines),
                           SegmentParser(file: file, layout: layout, limits: limits, firstLine: 1)]
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
                parsers.forEach { $0.cells.deallocate() }
                throw e
            }
            // The split is right if the first half ended cleanly at it and both halves agree on
            // the frequency; otherwise parse the whole file on one core.
            let first = parsers[0]
            let second = parsers[1]
            if !first.endedInsideQuote && !first.stopped && (first.frequency == nil || second.frequency == nil || first.frequency == second.frequency) {
                let offset = first.line - 1
                parsers[0].wordDuplicates(lineOffset: 0)
                for i in parsers[1].errors.indices { parsers[1].errors[i].line? += offset }
                parsers[1].wordDuplicates(lineOffset: offset)
                parsers[1].line += offset
                parsers[1].lineOffset = offset
                parsers[1].frequencyLine += offset
                return parsers
            }
            parsers.forEach { $0.cells.deallocate() }
        }
        var only = SegmentParser(file: file, layout: layout, limits: limits, firstLine: headerLines)
        do {
            try run(&only, source: source, range: (dataStart, size), file: file, limits: limits)
        } catch {
            only.cells.deallocate()
            throw error
        }
        only.wordDuplicates(lineOffset: 0)
        return [only]
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

    static func parseHeader(_ bytes: [UInt8], file: String, final: Bool, limits: ReadLimits) throws -> (MeasurementLayout, Int) {
        var scanner = RecordScanner()
        // Not final when the file goes on past the bytes read: a header that does not end within
        // them is longer than the line limit (read as final, it would be cut and misread).
        let outcome = bytes.withUnsafeBufferPointer { scanner.scan($0.baseAddress!, count: $0.count, from: 0, final: final) }
        let expectedHeader = "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)"
        if case .needMore = outcome {
            throw InputErrors([InputError(.limit, file: file, line: 1, column: 1, problem: SegmentParser.longLineProblem(limits),
                                          expected: SegmentParser.longLineExpected)])
        }
        guard case .record(let next) = outcome else {
            throw InputErrors([InputError(file: file, line: 1, column: 1, problem: "the header row cannot be read as CSV", expected: expectedHeader)])
        }
        if scanner.lineBreaks > 1 {
            throw InputErrors([InputError(file: file, line: 1, column: 1, problem: "a line break inside a header name", expected: expectedHeader)])
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
        func lower(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self).lowercased() }
        if names.count < 3 || lower(names[0]) != "team" || lower(names[1]) != "period" {
            let found = names.prefix(4).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",")
            throw InputErrors([InputError(file: file, line: 1, column: 1, problem: "header \"\(found)\" is not a measurements header", expected: expectedHeader)])
        }
        if names.count == 4 && lower(names[2]) == "measure" && lower(names[3]) == "value" {
            return (.tidy, next)
        }
        var errors: [InputError] = []
        var seen: [[UInt8]: Int] = [:]
        for (j, name) in names.enumerated().dropFirst(2) {
            let text = String(decoding: name, as: UTF8.self)
            if name.isEmpty {
                errors.append(InputError(file: file, line: 1, column: columns[j], problem: "an empty measure name in the header", expected: "a name for every measure column"))
            } else if let problem = name.withUnsafeBufferPointer({ SegmentParser.nameProblem($0.baseAddress!, $0.count) }) {
                errors.append(InputError(file: file, line: 1, column: columns[j], problem: "\(problem) in a measure name", expected: "measure names in UTF-8 text"))
            } else if let first = seen[name] {
                errors.append(InputError(file: file, line: 1, column: columns[j], problem: "measure \"\(text)\" appears twice in the header (also column \(first + 1))", expected: "each measure once"))
            }
            seen[name] = seen[name] ?? j
        }
        if !errors.isEmpty { throw InputErrors(errors) }
        return (.wide(Array(names.dropFirst(2))), next)
    }

    // MARK: - Merge into the panel

    static func merge(_ segments: [SegmentParser], file: String, limits: ReadLimits) throws -> Result {
        var errors = segments.flatMap(\.errors)
        // Global names in first-seen order, then sorted bytewise.
        var teamTable = NameTable()
        var measureTable = NameTable()
        var teamMaps: [[Int]] = []
        var measureMaps: [[Int]] = []
        for s in segments {
            teamMaps.append((0..<s.teams.count).map { i in
                s.teams.bytes(i).withUnsafeBufferPointer { teamTable.intern($0.baseAddress!, $0.count).index }
            })
            measureMaps.append((0..<s.measures.count).map { i in
                s.measures.bytes(i).withUnsafeBufferPointer { measureTable.intern($0.baseAddress!, $0.count).index }
            })
        }
        let rowCount = segments.reduce(0) { $0 + $1.rowCount }
        let withPeriods = segments.filter { $0.minPeriod <= $0.maxPeriod }
        guard let frequency = segments.compactMap(\.frequency).first, !withPeriods.isEmpty else {
            if errors.isEmpty {
                errors.append(InputError(file: file, line: 2, column: 1, problem: "no data rows after the header",
                                         expected: "at least one row of measurements"))
            }
            throw InputErrors(Array(errors.prefix(limits.maxErrors)))
        }
        if !errors.isEmpty {
            throw InputErrors(Array(errors.prefix(limits.maxErrors)), measuresSeen: (0..<measureTable.count).map { measureTable.name($0) })
        }
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
            throw InputErrors([InputError(.limit, file: file, problem: "the panel would have \(teams) teams × \(measures) measures × \(periods) periods (\(first) to \(last)) = \(overflow || overflow2 ? "more than 2^63" : String(total)) cells",
                expected: "at most \(limits.maxPanelCells) cells (raise with --max-cells, or cut the periods with --from/--to)")])
        }
        // Global team → its local index in each segment (−1 when absent).
        var localTeam = [[Int]](repeating: [Int](repeating: -1, count: teams), count: segments.count)
        for si in segments.indices { for lt in 0..<segments[si].teams.count { localTeam[si][teamRank[teamMaps[si][lt]]] = lt } }
        let localMeasureRanks = segments.indices.map { si in measureMaps[si].map { measureRank[$0] } }
        // Teams are copied by global rank, on both cores for a large panel: each thread owns a
        // contiguous range of teams, so it writes (NaN first, then the cells) only its own blocks.
        let blockCells = measures * periods
        let parts = total >= 1 << 20 ? 2 : 1
        // Read-only from here on; the threads below only read them.
        nonisolated(unsafe) let segs = segments
        let owners = localTeam
        let teamNames = teamTable
        let measureNames = measureTable
        let (teamIndex, measureIndex) = (teamMaps, measureMaps)
        // (segment, error): duplicates are reported file by file, in line order.
        var partErrors = [[(Int, InputError)]](repeating: [], count: parts)
        let values = [Double](unsafeUninitializedCapacity: total) { out, count in
            // Transparent huge pages for the panel before anything touches it: one fault per
            // 2 MiB instead of 512 (this machine's THP is "madvise").
            if total * 8 >= 4 << 20, let base = out.baseAddress {
                let huge = 2 << 20
                let start = (Int(bitPattern: base) + huge - 1) / huge * huge
                let end = (Int(bitPattern: base) + total * 8) / huge * huge
                if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 14) }  // MADV_HUGEPAGE
            }
            nonisolated(unsafe) let out = out
            partErrors.withUnsafeMutableBufferPointer { pe in
                nonisolated(unsafe) let pe = pe
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let range = (teams * part / parts)..<(teams * (part + 1) / parts)
                    var seen: [Bool] = []
                    for t in range {
                        let block = out.baseAddress! + t * blockCells
                        block.initialize(repeating: .nan, count: blockCells)
                        // A team in more than one segment (the split fell among its rows) can
                        // hold a key in both: those cells are checked one by one.
                        let holders = segs.indices.filter { owners[$0][t] >= 0 }
                        let shared = holders.count > 1
                        if shared { seen = [Bool](repeating: false, count: blockCells) }
                        for si in holders {
                            let seg = segs[si]
                            let c = seg.cells
                            let lt = owners[si][t]
                            let slot0 = c.slot(of: minPeriod)
                            for lm in 0..<seg.measures.count {
                                let m = localMeasureRanks[si][lm]
                                let dst = block + m * periods
                                for p in 0..<periods {
                                    let (line, value) = c.cell(team: lt, measure: lm, slot: slot0 + p)
                                    if line == 0 { continue }
                                    if shared {
                                        if seen[m * periods + p] {
                                            var firstLine = 0
                                            var firstFile = seg.file
                                            for earlier in holders where earlier < si {
                                                let e = segs[earlier]
                                                guard let em = (0..<e.measures.count).first(where: { localMeasureRanks[earlier][$0] == m }) else { continue }
                                                let (l, _) = e.cells.cell(team: owners[earlier][t], measure: em, slot: e.cells.slot(of: minPeriod) + p)
                                                if l != 0 {
                                                    firstLine = Int(l) + e.lineOffset
                                                    firstFile = e.file
                                                }
                                            }
                                            // Several files (--data a --data b): each error names its own file.
                                            pe[part].append((si, SegmentParser.duplicateError(
                                                file: seg.file, team: teamNames.name(teamIndex[si][lt]), measure: measureNames.name(measureIndex[si][lm]),
                                                period: Period(frequency: frequency, ordinal: Int(minPeriod) + p), firstLine: firstLine,
                                                line: Int(line) + seg.lineOffset, firstFile: firstFile == seg.file ? nil : firstFile)))
                                            continue
                                        }
                                        seen[m * periods + p] = true
                                    }
                                    dst[p] = value
                                }
                            }
                        }
                    }
                }
            }
            count = total
        }
        // A key in both halves of the file is a duplicate too; reported in file order.
        let duplicateErrors = partErrors.flatMap { $0 }.sorted { ($0.0, $0.1.line ?? 0) < ($1.0, $1.1.line ?? 0) }.map(\.1)
        if !duplicateErrors.isEmpty {
            throw InputErrors(Array(duplicateErrors.prefix(limits.maxErrors)), measuresSeen: (0..<measureTable.count).map { measureTable.name($0) })
        }
        let panel = Panel(teams: teamOrder.map { teamTable.name($0) }, measures: measureOrder.map { measureTable.name($0) },
                          frequency: frequency, firstPeriod: Period(frequency: frequency, ordinal: Int(minPeriod)),
                          periodCount: periods, values: values)
        return Result(panel: panel, notes: [], rowCount: rowCount)
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
