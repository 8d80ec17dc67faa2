/// Bytes that arrive in order and only once — a COPY from a database, a workbook's sheet
/// rendered as CSV — parsed by the same `SegmentParser` as a file, so the rules (and any
/// column options) are one set, and memory stays with the panel: one block buffer.
protocol ByteStream {
    /// Fills up to `capacity` bytes at `buffer`; returns how many, 0 only at the end.
    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int
}

/// A byte range of a random-access source, read front to back.
struct RangeStream<Source: ByteSource>: ByteStream {
    let source: Source
    var position: Int
    let end: Int
    let file: String
    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let n = Swift.min(capacity, end - position)
        guard n > 0 else { return 0 }
        try source.read(into: buffer, at: position, count: n, file: file)
        position += n
        return n
    }
}

extension MeasurementsReader {
    /// Feeds a stream to a parser block by block, carrying an incomplete record over and
    /// growing the block (up to the record limit) for a record longer than it.
    /// `pending` bytes already read (the rest of a header block) go first.
    static func feed(
        _ parser: inout SegmentParser, stream: inout some ByteStream, pending: [UInt8] = [], limits: ReadLimits, sizeHint: Int = blockSize
    ) throws {
        var capacity = Swift.max(Swift.min(blockSize, Swift.max(sizeHint, 1)), pending.count)
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = pending.count
        pending.withUnsafeBufferPointer { if let b = $0.baseAddress { buffer.update(from: b, count: $0.count) } }
        var ended = false
        while true {
            while !ended && filled < capacity {
                let n = try stream.read(into: buffer + filled, capacity: capacity - filled)
                if n == 0 { ended = true } else { filled += n }
            }
            let used = parser.parse(buffer, count: filled, final: ended)
            if ended || parser.stopped { return }
            if used == 0 && filled == capacity {
                // One record fills the whole buffer: grow up to the record limit.
                if capacity >= limits.maxRecordBytes {
                    parser.errors.append(
                        InputError(
                            .limit, file: parser.file, line: parser.line, column: 1,
                            problem: SegmentParser.longLineProblem(limits), expected: SegmentParser.longLineExpected))
                    parser.stopped = true
                    return
                }
                let newCapacity = Swift.min(capacity * 2, limits.maxRecordBytes)
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                bigger.update(from: buffer, count: filled)
                buffer.deallocate()
                buffer = bigger
                capacity = newCapacity
                continue
            }
            // Keep the incomplete tail.
            buffer.update(from: buffer + used, count: filled - used)
            filled -= used
        }
    }

    /// A whole measurements CSV from a stream: header (after an optional BOM), then the
    /// records, as one segment with its duplicates worded. The caller merges and frees it.
    static func segment(
        stream: inout some ByteStream, file: String, limits: ReadLimits, options: ReadOptions = ReadOptions()
    ) throws -> SegmentParser {
        // Read until the header record is complete (a line break) or the stream ends.
        var head: [UInt8] = []
        var ended = false
        let chunk = 64 << 10
        while !ended && !head.contains(10) {
            if head.count > limits.maxRecordBytes + 3 { break }
            let old = head.count
            head.append(contentsOf: repeatElement(0, count: chunk))
            let n = try head.withUnsafeMutableBufferPointer { try stream.read(into: $0.baseAddress! + old, capacity: chunk) }
            head.removeLast(chunk - n)
            if n == 0 { ended = true }
        }
        if head.isEmpty || head.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) {
            throw InputErrors([
                InputError(
                    file: file, line: 1, column: 1, problem: "the file is empty",
                    expected: "a header row team,period,measure,value (tidy) or team,period,<measure>,… (wide)")
            ])
        }
        let bom = head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
        let (layout, columns, headerEnd) = try parseHeader(Array(head[bom...]), file: file, final: ended, limits: limits, options: options)
        // A database's numeric columns arrive with a point as their decimal mark.
        var parser = SegmentParser(
            file: file, layout: layout, limits: limits, firstLine: 2, columns: columns, options: options, typedNumbers: true)
        do {
            try feed(&parser, stream: &stream, pending: Array(head[(bom + headerEnd)...]), limits: limits)
        } catch {
            parser.cells.deallocate()
            throw error
        }
        parser.wordDuplicates(lineOffset: 0)
        return parser
    }

    /// A stream read into a panel (tests, and every source that is not a file).
    static func read(stream: inout some ByteStream, file: String, limits: ReadLimits, options: ReadOptions = ReadOptions()) throws -> Result
    {
        var parsed = [try segment(stream: &stream, file: file, limits: limits, options: options)]
        defer { for item in parsed { item.cells.deallocate() } }
        return try merge(&parsed, file: file, limits: limits, options: options)
    }
}
